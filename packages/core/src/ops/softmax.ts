import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { assertDType, withTensors } from './convert.js';

function checkLogits(op: string, t: Tensor): void {
  assertDType(op, 'logits', t, ['float32']);
  if (t.rank === 0) throw new PolytensorError(`${op}: logits must have rank ≥ 1 (classes on the last axis), got a scalar`);
}

/** The softmax kernels, on float32 logits of rank ≥ 1. */
function softmaxKernel(op: 'softmax' | 'logSoftmax', logits: TensorLike): Tensor {
  return withTensors(op, { logits }, ({ logits: t }) => {
    checkLogits(op, t);
    return ENGINE.runKernel(op, [t]);
  });
}

/** Softmax over the last axis, numerically stable. */
export function softmax(logits: TensorLike): Tensor {
  return softmaxKernel('softmax', logits);
}

/** log(softmax(x)) over the last axis, computed stably. */
export function logSoftmax(logits: TensorLike): Tensor {
  return softmaxKernel('logSoftmax', logits);
}
