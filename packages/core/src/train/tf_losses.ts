/**
 * The `losses` namespace of tfjs-core (`tf.losses`): element-wise losses with
 * optional `weights` (broadcastable to the losses) and a `reduction` from
 * `Reduction`. These take any shape (rank 0 too) and return, unless reduction
 * is NONE, a float32 scalar; unlike the Keras-style losses (which average
 * over the batch for compile) they default to SUM_BY_NONZERO_WEIGHTS.
 * @example
 * losses.huberLoss(labels, preds, weights, 1, Reduction.MEAN)
 * losses.softmaxCrossEntropy(oneHotLabels, logits, undefined, 0.1)
 */
import { tidy } from '../engine/api.js';
import { PolytensorError } from '../errors.js';
import { add, div, maximum, minimum, mul, sub } from '../ops/binary.js';
import { cast } from '../ops/cast.js';
import { notEqual } from '../ops/compare.js';
import { convert } from '../ops/convert.js';
import { ones } from '../ops/creation.js';
import { mean, sum } from '../ops/reduce.js';
import { softmaxCrossEntropyWithLogits } from '../ops/softmax_cross_entropy.js';
import { abs, exp, log, log1p, neg, relu, square } from '../ops/unary.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { arraysEqual, fmt, normalizeAxis } from '../util/shape.js';

/**
 * How a weighted loss is reduced (tfjs' enum values, plus TensorFlow's SUM_OVER_BATCH_SIZE):
 * - NONE: the weighted losses, unreduced;
 * - MEAN: sum(weighted) / sum(weights), divided by losses.size / weights.size when the weights broadcast (tfjs);
 * - SUM: sum(weighted);
 * - SUM_BY_NONZERO_WEIGHTS (the default): sum(weighted) / the number of non-zero weights after
 *   broadcasting (losses.size without weights); 0 when every weight is 0 (TensorFlow's safe
 *   division, where tfjs gives NaN);
 * - SUM_OVER_BATCH_SIZE: sum(weighted) / losses.size.
 */
export const Reduction = Object.freeze({ NONE: 0, MEAN: 1, SUM: 2, SUM_BY_NONZERO_WEIGHTS: 3, SUM_OVER_BATCH_SIZE: 4 } as const);
export type Reduction = (typeof Reduction)[keyof typeof Reduction];

const REDUCTION_NAMES = Object.keys(Reduction).map((k) => `Reduction.${k}`);

/** A float32 argument (TensorLike converted), with whether we own it. */
function float(op: string, arg: string, x: Tensor | TensorLike, owned: Tensor[]): Tensor {
  const [t, own] = convert(op, arg, x, 'float32');
  if (own) owned.push(t);
  if (t.dtype !== 'float32') throw new PolytensorError(`${op}: '${arg}' has dtype ${t.dtype} but must be float32; convert it with cast(${arg}, 'float32')`);
  return t;
}

/** Run a loss on its converted, checked arguments; literals converted here are freed after. */
function withArgs<R>(body: (owned: Tensor[]) => R): R {
  const owned: Tensor[] = [];
  try {
    return body(owned);
  } finally {
    for (const t of owned) t.dispose();
  }
}

function checkSameShape(op: string, aName: string, a: Tensor, bName: string, b: Tensor): void {
  if (!arraysEqual(a.shape, b.shape)) {
    throw new PolytensorError(`${op}: ${aName} have shape ${fmt(a.shape)} but ${bName} have shape ${fmt(b.shape)}; they must match`);
  }
}

function checkReduction(op: string, reduction: unknown): Reduction {
  if (!Object.values(Reduction).includes(reduction as Reduction)) {
    throw new PolytensorError(`${op}: unknown reduction ${String(reduction)}; use one of ${REDUCTION_NAMES.join(', ')}`);
  }
  return reduction as Reduction;
}

/** Weights must broadcast to the losses' shape without growing it. */
function checkWeights(op: string, weights: Tensor, lossShape: readonly number[]): void {
  const offset = lossShape.length - weights.rank;
  const fits = offset >= 0 && weights.shape.every((d, i) => d === 1 || d === lossShape[offset + i]);
  if (!fits) {
    throw new PolytensorError(
      `${op}: weights of shape ${fmt(weights.shape)} do not broadcast to the losses' shape ${fmt(lossShape)}; ` +
        `give one weight per loss, per example (with trailing 1s), or a scalar`,
    );
  }
}

/** Weight and reduce per-element losses (already computed; weights already checked). */
function reduceWeighted(losses: Tensor, weights: Tensor | null, reduction: Reduction): Tensor {
  const weighted = weights ? mul(losses, weights) : losses;
  switch (reduction) {
    case Reduction.NONE:
      return weighted;
    case Reduction.SUM:
      return sum(weighted);
    case Reduction.MEAN:
      if (!weights) return mean(weighted);
      return div(div(sum(weighted), sum(weights)), Math.max(1, losses.size / weights.size));
    case Reduction.SUM_BY_NONZERO_WEIGHTS: {
      if (!weights) return div(sum(weighted), losses.size);
      const nonZero = sum(cast(notEqual(mul(weights, ones(losses.shape)), 0), 'float32'));
      return div(sum(weighted), maximum(nonZero, 1));
    }
    case Reduction.SUM_OVER_BATCH_SIZE:
      return div(sum(weighted), losses.size);
  }
}

/** Shared tail: check weights and reduction, then weight and reduce `losses` (computed in the tidy). */
function weightedLoss(
  op: string,
  owned: Tensor[],
  lossShape: readonly number[],
  weights: Tensor | TensorLike | undefined | null,
  reduction: Reduction,
  losses: () => Tensor,
): Tensor {
  const r = checkReduction(op, reduction);
  const w = weights == null ? null : float(op, 'weights', weights, owned);
  if (w) checkWeights(op, w, lossShape);
  return tidy(() => reduceWeighted(losses(), w, r));
}

/**
 * Weight and reduce losses you computed: the tail of every loss here.
 * @example losses.computeWeightedLoss(perExample, tensor([1, 0, 2]), Reduction.SUM)
 */
function computeWeightedLoss(
  losses: Tensor | TensorLike,
  weights?: Tensor | TensorLike | null,
  reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS,
): Tensor {
  const op = 'losses.computeWeightedLoss';
  return withArgs((owned) => {
    const l = float(op, 'losses', losses, owned);
    return weightedLoss(op, owned, l.shape, weights, reduction, () => l);
  });
}

/** A loss of (labels, predictions) of one shape, element-wise. */
function pairLoss(
  op: string,
  names: readonly [string, string],
  labels: Tensor | TensorLike,
  predictions: Tensor | TensorLike,
  weights: Tensor | TensorLike | undefined | null,
  reduction: Reduction,
  f: (y: Tensor, p: Tensor) => Tensor,
  check?: () => void,
): Tensor {
  return withArgs((owned) => {
    const y = float(op, names[0], labels, owned);
    const p = float(op, names[1], predictions, owned);
    checkSameShape(op, names[0], y, names[1], p);
    check?.();
    return weightedLoss(op, owned, p.shape, weights, reduction, () => f(y, p));
  });
}

const PREDS = ['labels', 'predictions'] as const;

/** |labels − predictions|, weighted and reduced. */
function absoluteDifference(
  labels: Tensor | TensorLike,
  predictions: Tensor | TensorLike,
  weights?: Tensor | TensorLike | null,
  reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS,
): Tensor {
  return pairLoss('losses.absoluteDifference', PREDS, labels, predictions, weights, reduction, (y, p) => abs(sub(y, p)));
}

/** (labels − predictions)², weighted and reduced. */
function meanSquaredError(
  labels: Tensor | TensorLike,
  predictions: Tensor | TensorLike,
  weights?: Tensor | TensorLike | null,
  reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS,
): Tensor {
  return pairLoss('losses.meanSquaredError', PREDS, labels, predictions, weights, reduction, (y, p) => square(sub(y, p)));
}

/** 1 − sum(labels · predictions) along `axis` (kept, size 1): inputs are expected unit-normalised, as tfjs. */
function cosineDistance(
  labels: Tensor | TensorLike,
  predictions: Tensor | TensorLike,
  axis: number,
  weights?: Tensor | TensorLike | null,
  reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS,
): Tensor {
  const op = 'losses.cosineDistance';
  return withArgs((owned) => {
    const y = float(op, 'labels', labels, owned);
    const p = float(op, 'predictions', predictions, owned);
    checkSameShape(op, 'labels', y, 'predictions', p);
    if (typeof axis !== 'number') throw new PolytensorError(`${op}: axis is required (the axis of the vectors), got ${String(axis)}`);
    const ax = normalizeAxis(op, axis, p.rank);
    const lossShape = p.shape.map((d, i) => (i === ax ? 1 : d));
    return weightedLoss(op, owned, lossShape, weights, reduction, () => sub(1, sum(mul(y, p), ax, true)));
  });
}

/** max(0, 1 − (2·labels − 1)·predictions): labels in {0, 1}, as tfjs. */
function hingeLoss(
  labels: Tensor | TensorLike,
  predictions: Tensor | TensorLike,
  weights?: Tensor | TensorLike | null,
  reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS,
): Tensor {
  return pairLoss('losses.hingeLoss', PREDS, labels, predictions, weights, reduction, (y, p) => relu(sub(1, mul(sub(mul(y, 2), 1), p))));
}

/** ½e² for |e| ≤ delta, delta·(|e| − ½delta) beyond; e = predictions − labels. */
function huberLoss(
  labels: Tensor | TensorLike,
  predictions: Tensor | TensorLike,
  weights?: Tensor | TensorLike | null,
  delta = 1,
  reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS,
): Tensor {
  const op = 'losses.huberLoss';
  return pairLoss(
    op,
    PREDS,
    labels,
    predictions,
    weights,
    reduction,
    (y, p) => {
      const e = abs(sub(p, y));
      const q = minimum(e, delta);
      return add(mul(square(q), 0.5), mul(sub(e, q), delta));
    },
    () => {
      if (typeof delta !== 'number' || !(delta > 0) || !Number.isFinite(delta))
        throw new PolytensorError(`${op}: delta must be a finite number > 0, got ${String(delta)}`);
    },
  );
}

/** −y·log(p + ε) − (1 − y)·log(1 − p + ε), predictions probabilities. */
function logLoss(
  labels: Tensor | TensorLike,
  predictions: Tensor | TensorLike,
  weights?: Tensor | TensorLike | null,
  epsilon = 1e-7,
  reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS,
): Tensor {
  const op = 'losses.logLoss';
  return pairLoss(
    op,
    PREDS,
    labels,
    predictions,
    weights,
    reduction,
    (y, p) => sub(neg(mul(y, log(add(p, epsilon)))), mul(sub(1, y), log(add(sub(1, p), epsilon)))),
    () => {
      if (typeof epsilon !== 'number' || !(epsilon >= 0) || !Number.isFinite(epsilon)) {
        throw new PolytensorError(`${op}: epsilon must be a finite number ≥ 0, got ${String(epsilon)}`);
      }
    },
  );
}

function checkSmoothing(op: string, labelSmoothing: unknown): void {
  if (typeof labelSmoothing !== 'number' || !(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new PolytensorError(`${op}: labelSmoothing must be a number in [0, 1], got ${String(labelSmoothing)}`);
  }
}

/** max(x, 0) − x·z + log(1 + e^−|x|) of logits x, labels z pulled toward ½ by labelSmoothing. */
function sigmoidCrossEntropy(
  multiClassLabels: Tensor | TensorLike,
  logits: Tensor | TensorLike,
  weights?: Tensor | TensorLike | null,
  labelSmoothing = 0,
  reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS,
): Tensor {
  const op = 'losses.sigmoidCrossEntropy';
  return pairLoss(
    op,
    ['multiClassLabels', 'logits'],
    multiClassLabels,
    logits,
    weights,
    reduction,
    (y, x) => {
      const z = labelSmoothing > 0 ? add(mul(y, 1 - labelSmoothing), 0.5 * labelSmoothing) : y;
      return add(sub(relu(x), mul(x, z)), log1p(exp(neg(abs(x)))));
    },
    () => checkSmoothing(op, labelSmoothing),
  );
}

/**
 * Per row −sum(labels · logSoftmax(logits)) over the last axis, labels pulled
 * toward uniform by labelSmoothing (y·(1 − s) + s / numClasses); the losses have
 * the logits' shape without the last axis.
 */
function softmaxCrossEntropy(
  onehotLabels: Tensor | TensorLike,
  logits: Tensor | TensorLike,
  weights?: Tensor | TensorLike | null,
  labelSmoothing = 0,
  reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS,
): Tensor {
  const op = 'losses.softmaxCrossEntropy';
  return withArgs((owned) => {
    const y = float(op, 'onehotLabels', onehotLabels, owned);
    const x = float(op, 'logits', logits, owned);
    checkSameShape(op, 'onehotLabels', y, 'logits', x);
    if (x.rank === 0) throw new PolytensorError(`${op}: logits must have rank ≥ 1 (classes on the last axis), got a scalar`);
    checkSmoothing(op, labelSmoothing);
    const classes = x.shape[x.rank - 1]!;
    return weightedLoss(op, owned, x.shape.slice(0, -1), weights, reduction, () => {
      const z = labelSmoothing > 0 ? add(mul(y, 1 - labelSmoothing), labelSmoothing / classes) : y;
      return softmaxCrossEntropyWithLogits(z, x);
    });
  });
}

/**
 * tfjs-core's `tf.losses`: weighted, reduced losses of any shape.
 * @example
 * const l = losses.meanSquaredError(labels, preds);                              // SUM_BY_NONZERO_WEIGHTS
 * const perElement = losses.absoluteDifference(labels, preds, null, Reduction.NONE);
 */
export const losses = Object.freeze({
  absoluteDifference,
  computeWeightedLoss,
  cosineDistance,
  hingeLoss,
  huberLoss,
  logLoss,
  meanSquaredError,
  sigmoidCrossEntropy,
  softmaxCrossEntropy,
});
