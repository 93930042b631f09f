import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { assertDType, convert } from './convert.js';

function checkLogits(op: string, t: Tensor): void {
  assertDType(op, 'logits', t, ['float32']);
  if (t.rank === 0) throw new PolytensorError(`${op}: logits must have rank ≥ 1 (classes on the last axis), got a scalar`);
}

/** Softmax over the last axis, numerically stable. */
export function softmax(logits: TensorLike): Tensor {
  const [t, own] = convert('softmax', 'logits', logits);
  try {
    checkLogits('softmax', t);
    return ENGINE.runKernel('softmax', [t]);
  } finally {
    if (own) t.dispose();
  }
}

/** log(softmax(x)) over the last axis, computed stably. */
export function logSoftmax(logits: TensorLike): Tensor {
  const [t, own] = convert('logSoftmax', 'logits', logits);
  try {
    checkLogits('logSoftmax', t);
    return ENGINE.runKernel('logSoftmax', [t]);
  } finally {
    if (own) t.dispose();
  }
}
