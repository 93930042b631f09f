import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { arraysEqual, fmt } from '../util/shape.js';
import { assertDType, expectTensor } from './convert.js';

/**
 * Per-example softmax cross-entropy from logits: Σ_c labels[c] · −logSoftmax(logits)[c]
 * over the last axis. labels and logits are float32 of the same shape [..., C]
 * (labels one-hot or soft); the result has shape [...]. The
 * `softmaxCrossEntropy` kernel (the backend's, or core's composite through
 * logSoftmax). Differentiable in both: d/dlogits = dy·(softmax·Σlabels − labels),
 * d/dlabels = dy·(−logSoftmax).
 * @example mean(softmaxCrossEntropyWithLogits(oneHot(ids, 10), logits))
 */
export function softmaxCrossEntropyWithLogits(labels: Tensor, logits: Tensor): Tensor {
  const op = 'softmaxCrossEntropyWithLogits';
  const ty = expectTensor(op, 'labels', labels);
  const tx = expectTensor(op, 'logits', logits);
  assertDType(op, 'logits', tx, ['float32']);
  assertDType(op, 'labels', ty, ['float32']);
  if (tx.rank === 0) throw new PolytensorError(`${op}: logits must have rank ≥ 1 (classes on the last axis), got a scalar`);
  if (!arraysEqual(ty.shape, tx.shape)) {
    throw new PolytensorError(`${op}: labels have shape ${fmt(ty.shape)} but logits have shape ${fmt(tx.shape)}; they must match`);
  }
  return ENGINE.runKernel('softmaxCrossEntropy', [tx, ty], op);
}
