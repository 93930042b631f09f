/**
 * Keras' losses beyond cross-entropy and MSE: each takes (labels, preds) of
 * the same shape [N, ...] (or [N] against [N, 1]) and returns the float32 mean
 * over the batch of the per-example loss. Element-wise losses average every
 * element (Keras' mean over the last axis, then over the batch); the
 * losses of a row (categoricalHinge, kullbackLeiblerDivergence,
 * cosineSimilarity) reduce the last axis, then average the rest. Logs and
 * divisions are guarded as Keras does, with EPSILON = 1e-7. All are usable by
 * name in `compile({ loss })` and composed of differentiable ops.
 */
import { tidy } from '../engine/api.js';
import { PolytensorError } from '../errors.js';
import { add, div, maximum, minimum, mul, sub } from '../ops/binary.js';
import { cast } from '../ops/cast.js';
import { equal, logicalOr } from '../ops/compare.js';
import { max, mean, min, sum } from '../ops/reduce.js';
import { reshape } from '../ops/reshape.js';
import { abs, exp, log, log1p, neg, relu, rsqrt, softplus, square } from '../ops/unary.js';
import type { Tensor } from '../tensor.js';
import { arraysEqual, fmt } from '../util/shape.js';
import { EPSILON, expectLiveTensor } from './loss_checks.js';

/** @internal float32 (labels, preds) of one shape (or [N] vs [N, 1]); returns the labels in the preds' shape. */
export function checkPair(op: string, labels: Tensor, preds: Tensor, predArg = 'preds', exactShape = false): Tensor {
  expectLiveTensor(op, 'labels', labels);
  expectLiveTensor(op, predArg, preds);
  if (preds.dtype !== 'float32')
    throw new PolytensorError(`${op}: '${predArg}' has dtype ${preds.dtype} but must be float32; convert it with cast(${predArg}, 'float32')`);
  if (labels.dtype !== 'float32')
    throw new PolytensorError(`${op}: labels have dtype ${labels.dtype} but must be float32; convert them with cast(labels, 'float32')`);
  if (preds.rank === 0)
    throw new PolytensorError(`${op}: ${predArg} must be [batch, ...] (rank ≥ 1), got a scalar; for one example use expandDims(${predArg}, 0)`);
  if (preds.shape[0] === 0) throw new PolytensorError(`${op}: the batch is empty (${predArg} have shape ${fmt(preds.shape)}); pass at least one example`);
  if (arraysEqual(labels.shape, preds.shape)) return labels;
  const trailingOne = !exactShape && (arraysEqual([...labels.shape, 1], preds.shape) || arraysEqual(labels.shape, [...preds.shape, 1]));
  if (!trailingOne) {
    throw new PolytensorError(
      `${op}: labels have shape ${fmt(labels.shape)} but ${predArg} have shape ${fmt(preds.shape)}; they must match (one label per prediction)`,
    );
  }
  return reshape(labels, preds.shape);
}

/** The mean of an element-wise loss over every element. */
function elementwise(op: string, labels: Tensor, preds: Tensor, f: (y: Tensor, p: Tensor) => Tensor, predArg = 'preds', check?: () => void): Tensor {
  expectLiveTensor(op, 'labels', labels);
  expectLiveTensor(op, predArg, preds);
  check?.();
  return tidy(() => mean(f(checkPair(op, labels, preds, predArg), preds)));
}

/** The mean over the batch of a loss that reduces each row (the last axis). */
function rowwise(op: string, labels: Tensor, preds: Tensor, f: (y: Tensor, p: Tensor) => Tensor): Tensor {
  return tidy(() => mean(f(checkPair(op, labels, preds, 'preds', true), preds)));
}

function checkSmoothing(op: string, labelSmoothing: unknown): number {
  if (typeof labelSmoothing !== 'number' || !(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new PolytensorError(`${op}: labelSmoothing must be a number in [0, 1], got ${String(labelSmoothing)}`);
  }
  return labelSmoothing;
}

/** Labels pulled toward 1/2: y·(1 − s) + s/2 (Keras' binary label smoothing). */
const smoothBinary = (y: Tensor, s: number): Tensor => (s > 0 ? add(mul(y, 1 - s), 0.5 * s) : y);

/** max(x, 0) − x·z + log(1 + e^−|x|): the logistic loss without overflow. */
const sigmoidCE = (z: Tensor, x: Tensor): Tensor => add(sub(relu(x), mul(x, z)), log1p(exp(neg(abs(x)))));

/** Options of the binary cross-entropies. */
export interface BinaryCrossentropyOptions {
  /** True when preds are logits (no sigmoid applied); default false (probabilities). */
  readonly fromLogits?: boolean;
  /** Pull labels toward 1/2: y·(1 − s) + s/2, s in [0, 1]; default 0. */
  readonly labelSmoothing?: number;
}

/**
 * Binary cross-entropy, element-wise then averaged: from probabilities (Keras:
 * clipped to [1e-7, 1 − 1e-7] before the logs), or from logits with
 * `fromLogits` (computed stably, as sigmoidCrossEntropy). By name in compile
 * ('binaryCrossentropy') it takes probabilities, e.g. after a sigmoid.
 * @example binaryCrossentropy(labels, model.predict(x) as Tensor, { labelSmoothing: 0.1 })
 */
export function binaryCrossentropy(labels: Tensor, preds: Tensor, options: BinaryCrossentropyOptions = {}): Tensor {
  const op = 'binaryCrossentropy';
  let s = 0;
  return elementwise(
    op,
    labels,
    preds,
    (y, p) => {
      const z = smoothBinary(y, s);
      if (options.fromLogits) return sigmoidCE(z, p);
      const q = minimum(maximum(p, EPSILON), 1 - EPSILON);
      return neg(add(mul(z, log(q)), mul(sub(1, z), log(sub(1, q)))));
    },
    'preds',
    () => {
      if (options === null || typeof options !== 'object')
        throw new PolytensorError(`${op}: options must be { fromLogits?, labelSmoothing? }, got ${String(options)}`);
      s = checkSmoothing(op, options.labelSmoothing ?? 0);
    },
  );
}

/**
 * Sigmoid cross-entropy of logits, with binary label smoothing (labels pulled
 * toward 1/2): max(x, 0) − x·z + log(1 + e^−|x|), averaged. Multi-label
 * classification: one independent sigmoid per output.
 * @example sigmoidCrossEntropy(labels, logits, { labelSmoothing: 0.1 })
 */
export function sigmoidCrossEntropy(labels: Tensor, logits: Tensor, options: { readonly labelSmoothing?: number } = {}): Tensor {
  const op = 'sigmoidCrossEntropy';
  let s = 0;
  return elementwise(
    op,
    labels,
    logits,
    (y, x) => sigmoidCE(smoothBinary(y, s), x),
    'logits',
    () => {
      if (options === null || typeof options !== 'object') throw new PolytensorError(`${op}: options must be { labelSmoothing? }, got ${String(options)}`);
      s = checkSmoothing(op, options.labelSmoothing ?? 0);
    },
  );
}

/**
 * mean(|labels − preds|).
 * @example model.compile({ optimizer: 'adam', loss: 'meanAbsoluteError' }) // or 'mae'
 */
export function meanAbsoluteError(labels: Tensor, preds: Tensor): Tensor {
  return elementwise('meanAbsoluteError', labels, preds, (y, p) => abs(sub(y, p)));
}

/** 100 · mean(|labels − preds| / max(|labels|, 1e-7)) (Keras' 'mape'). */
export function meanAbsolutePercentageError(labels: Tensor, preds: Tensor): Tensor {
  return elementwise('meanAbsolutePercentageError', labels, preds, (y, p) => mul(div(abs(sub(y, p)), maximum(abs(y), EPSILON)), 100));
}

/** mean((log(max(preds, 1e-7) + 1) − log(max(labels, 1e-7) + 1))²) (Keras' 'msle'). */
export function meanSquaredLogarithmicError(labels: Tensor, preds: Tensor): Tensor {
  return elementwise('meanSquaredLogarithmicError', labels, preds, (y, p) => square(sub(log1p(maximum(p, EPSILON)), log1p(maximum(y, EPSILON)))));
}

/**
 * Huber loss: ½e² where |e| ≤ delta, delta·(|e| − ½delta) beyond (e = preds − labels), averaged.
 * @example huber(labels, preds, 2)
 */
export function huber(labels: Tensor, preds: Tensor, delta = 1): Tensor {
  const op = 'huber';
  return elementwise(
    op,
    labels,
    preds,
    (y, p) => {
      const e = abs(sub(p, y));
      const quadratic = minimum(e, delta);
      // ½q² + delta·(|e| − q): the two pieces meet with matching slope at |e| = delta.
      return add(mul(square(quadratic), 0.5), mul(sub(e, quadratic), delta));
    },
    'preds',
    () => {
      if (typeof delta !== 'number' || !(delta > 0) || !Number.isFinite(delta))
        throw new PolytensorError(`${op}: delta must be a finite number > 0, got ${String(delta)}`);
    },
  );
}

/** mean(log(cosh(preds − labels))), computed as x + softplus(−2x) − log 2 so large errors do not overflow. */
export function logCosh(labels: Tensor, preds: Tensor): Tensor {
  return elementwise('logCosh', labels, preds, (y, p) => {
    const x = sub(p, y);
    return sub(add(x, softplus(mul(x, -2))), Math.LN2);
  });
}

/** Keras: labels that are all 0 or 1 become −1 or 1; other labels (already ±1) are kept. */
function hingeLabels(y: Tensor): Tensor {
  const binary = min(cast(logicalOr(equal(y, 0), equal(y, 1)), 'float32'));
  return add(y, mul(binary, sub(y, 1)));
}

/** mean(max(1 − labels·preds, 0)), labels in {−1, 1} (or {0, 1}, converted as Keras does). */
export function hinge(labels: Tensor, preds: Tensor): Tensor {
  return elementwise('hinge', labels, preds, (y, p) => relu(sub(1, mul(hingeLabels(y), p))));
}

/** mean(max(1 − labels·preds, 0)²), labels in {−1, 1} (or {0, 1}, converted as Keras does). */
export function squaredHinge(labels: Tensor, preds: Tensor): Tensor {
  return elementwise('squaredHinge', labels, preds, (y, p) => square(relu(sub(1, mul(hingeLabels(y), p)))));
}

/** Per row max(0, 1 + max((1 − y)·p) − sum(y·p)) with one-hot labels y, averaged over rows. */
export function categoricalHinge(labels: Tensor, preds: Tensor): Tensor {
  return rowwise('categoricalHinge', labels, preds, (y, p) => {
    const pos = sum(mul(y, p), -1);
    const negative = max(mul(sub(1, y), p), -1);
    return relu(add(sub(negative, pos), 1));
  });
}

/** Per row sum(y · log(y / p)) with y, p clipped to [1e-7, 1], averaged over rows (Keras' 'kld'). */
export function kullbackLeiblerDivergence(labels: Tensor, preds: Tensor): Tensor {
  return rowwise('kullbackLeiblerDivergence', labels, preds, (y, p) => {
    const yc = minimum(maximum(y, EPSILON), 1);
    const pc = minimum(maximum(p, EPSILON), 1);
    return sum(mul(yc, log(div(yc, pc))), -1);
  });
}

/** mean(preds − labels · log(preds + 1e-7)): the negative log-likelihood of counts under a Poisson of rate preds. */
export function poisson(labels: Tensor, preds: Tensor): Tensor {
  return elementwise('poisson', labels, preds, (y, p) => sub(p, mul(y, log(add(p, EPSILON)))));
}

/** x / ‖x‖ along the last axis, with ‖x‖² floored at 1e-12 (tf.nn.l2_normalize), so a zero row stays zero. */
const l2Normalize = (x: Tensor): Tensor => mul(x, rsqrt(maximum(sum(square(x), -1, true), 1e-12)));

/**
 * Per row −cos(labels, preds) along the last axis, averaged over rows: −1 when
 * they point the same way (Keras' loss, to minimise); a zero row gives 0.
 */
export function cosineSimilarity(labels: Tensor, preds: Tensor): Tensor {
  return rowwise('cosineSimilarity', labels, preds, (y, p) => neg(sum(mul(l2Normalize(y), l2Normalize(p)), -1)));
}
