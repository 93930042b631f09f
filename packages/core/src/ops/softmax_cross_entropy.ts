import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { arraysEqual, fmt } from '../util/shape.js';
import { mul, sub } from './binary.js';
import { assertDType, expectTensor } from './convert.js';
import { sum } from './reduce.js';
import { reshape } from './reshape.js';
import { logSoftmax, softmax } from './softmax.js';
import { neg } from './unary.js';

/**
 * Per-example softmax cross-entropy from logits: Σ_c labels[c] · −logSoftmax(logits)[c]
 * over the last axis. labels and logits are float32 of the same shape [..., C]
 * (labels one-hot or soft); the result has shape [...]. One kernel where the
 * backend fuses it (`softmaxCrossEntropy`), the stable composite through
 * logSoftmax otherwise. Differentiable in both: d/dlogits = dy·(softmax·Σlabels − labels),
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
  const outShape = tx.shape.slice(0, -1);
  const backend = ENGINE.getBackend();
  if (!backend.softmaxCrossEntropy) {
    // Negating first keeps a perfect score at +0.
    return ENGINE.tidy(() => sum(mul(ty, neg(logSoftmax(tx))), -1));
  }
  return ENGINE.runKernel(
    'softmaxCrossEntropy',
    [tx, ty],
    (be) => be.softmaxCrossEntropy!(tx, ty),
    { shape: outShape, dtype: 'float32' },
    (dy, { inputs: [x, y] }) => {
      const dyCol = (): Tensor => reshape(dy, [...outShape, 1]);
      return [
        () => ENGINE.tidy(() => mul(dyCol(), sub(mul(softmax(x!), sum(y!, -1, true)), y!))),
        () => ENGINE.tidy(() => mul(dyCol(), neg(logSoftmax(x!)))),
      ];
    },
  );
}
