/**
 * Losses: each takes (yTrue, yPred) and returns a float32 scalar, the mean of
 * the per-example loss over the batch (the first axis, and any further axes
 * before the class axis). Arguments are validated before any kernel runs, and
 * every loss is composed from differentiable ops, so gradients flow through
 * core autodiff on any backend.
 *
 * | name                            | yTrue                    | yPred                 |
 * |---------------------------------|--------------------------|-----------------------|
 * | `softmaxCrossEntropy`           | one-hot float32 [N, C]   | logits [N, C]         |
 * | `sparseSoftmaxCrossEntropy`     | int32 class ids [N]      | logits [N, C]         |
 * | `categoricalCrossentropy`       | one-hot float32 [N, C]   | probabilities [N, C]  |
 * | `sparseCategoricalCrossentropy` | int32 class ids [N]      | probabilities [N, C]  |
 * | `meanSquaredError` (`mse`)      | float32, yPred's shape   | float32 [N, ...]      |
 *
 * Sparse labels may also be given as [N, 1]. The probability losses follow
 * Keras: each row of probabilities is rescaled to sum to 1, clipped to
 * [1e-7, 1 - 1e-7], and the loss is -sum(y · log p).
 */
import type { DType } from '../backend/types.js';
import { tidy } from '../engine/api.js';
import { PolytensorError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { knownInRange, markInRange } from '../util/checked_ranges.js';
import { div, maximum, minimum, mul, squaredDifference } from '../ops/binary.js';
import { oneHot } from '../ops/gather.js';
import { mean, sum } from '../ops/reduce.js';
import { reshape } from '../ops/reshape.js';
import { softmaxCrossEntropyWithLogits } from '../ops/softmax_cross_entropy.js';
import { log, neg } from '../ops/unary.js';
import { arraysEqual, fmt } from '../util/shape.js';
import { EPSILON, expectLiveTensor } from './loss_checks.js';
import {
  binaryCrossentropy,
  categoricalHinge,
  cosineSimilarity,
  hinge,
  huber,
  kullbackLeiblerDivergence,
  logCosh,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredLogarithmicError,
  poisson,
  sigmoidCrossEntropy,
  squaredHinge,
} from './keras_losses.js';

/** A loss: (labels, predictions) → float32 scalar (mean over the batch). */
export type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** A loss with what a trainer needs to know about it. */
export interface LossInfo {
  /** Canonical name (or the function's name for a custom loss). */
  readonly name: string;
  readonly fn: LossFn;
  /** True when labels are int32 class ids ([N] or [N, 1]); false for dense labels of yPred's shape. */
  readonly sparseLabels: boolean;
  /** True when yPred is unnormalised logits (the model should end without softmax). */
  readonly fromLogits: boolean;
}

export { EPSILON } from './loss_checks.js';

// ---- validation (shared with metrics) ---------------------------------------

export { expectLiveTensor } from './loss_checks.js';

function expectDType(op: string, arg: string, x: Tensor, dtype: DType, hint: string): void {
  if (x.dtype !== dtype) {
    throw new PolytensorError(`${op}: '${arg}' has dtype ${x.dtype} but must be ${dtype}; ${hint}`);
  }
}

/** @internal predictions of shape [N, ..., C] with N ≥ 1 and C ≥ 1. */
export function checkClassPredictions(op: string, arg: string, pred: Tensor): void {
  expectDType(op, arg, pred, 'float32', `convert it with cast(${arg}, 'float32')`);
  if (pred.rank < 2) {
    throw new PolytensorError(
      `${op}: '${arg}' must be [batch, numClasses] (rank ≥ 2), got shape ${fmt(pred.shape)}; ` + `for a single example use expandDims(${arg}, 0)`,
    );
  }
  if (pred.shape[0] === 0) throw new PolytensorError(`${op}: the batch is empty ('${arg}' has shape ${fmt(pred.shape)}); pass at least one example`);
  if (pred.shape[pred.rank - 1] === 0) throw new PolytensorError(`${op}: '${arg}' has shape ${fmt(pred.shape)}: no classes on the last axis`);
}

/** @internal one-hot (or soft) labels: float32, exactly the predictions' shape. */
export function checkDenseLabels(op: string, labels: Tensor, pred: Tensor, predArg: string, sparseAlternative: string): void {
  const batchShape = pred.shape.slice(0, -1);
  const C = pred.shape[pred.rank - 1]!;
  const looksSparse = arraysEqual(labels.shape, batchShape) || arraysEqual(labels.shape, [...batchShape, 1]);
  if (labels.dtype !== 'float32') {
    throw new PolytensorError(
      looksSparse
        ? `${op}: labels are ${labels.dtype} class ids of shape ${fmt(labels.shape)}, but ${op} takes one-hot labels of shape ${fmt(pred.shape)}; ` +
            `use ${sparseAlternative} for class ids, or convert them with oneHot(labels, ${C})`
        : `${op}: labels have dtype ${labels.dtype} but must be float32 one-hot rows of shape ${fmt(pred.shape)}; convert them with cast(labels, 'float32')`,
    );
  }
  if (!arraysEqual(labels.shape, pred.shape)) {
    throw new PolytensorError(
      `${op}: labels have shape ${fmt(labels.shape)} but ${predArg} have shape ${fmt(pred.shape)}; one-hot labels must have the ${predArg}' shape` +
        (looksSparse ? ` (these look like class ids: use ${sparseAlternative} with cast(labels, 'int32'), or oneHot(cast(labels, 'int32'), ${C}))` : ''),
    );
  }
}

/**
 * @internal int32 class ids of shape [N, ...] (or [N, ..., 1]) in [0, C);
 * returns them reshaped to the predictions' batch shape (a view the caller disposes).
 */
export function checkSparseLabels(op: string, labels: Tensor, pred: Tensor, predArg: string, denseAlternative: string): Tensor {
  const batchShape = pred.shape.slice(0, -1);
  const C = pred.shape[pred.rank - 1]!;
  if (labels.dtype !== 'int32') {
    const hint = arraysEqual(labels.shape, pred.shape)
      ? `these look like one-hot rows: use ${denseAlternative} instead, or argMax(labels, -1) to get class ids`
      : `convert them with cast(labels, 'int32')`;
    throw new PolytensorError(`${op}: labels have dtype ${labels.dtype} but must be int32 class ids in [0, ${C}); ${hint}`);
  }
  if (!arraysEqual(labels.shape, batchShape) && !arraysEqual(labels.shape, [...batchShape, 1])) {
    throw new PolytensorError(
      `${op}: labels have shape ${fmt(labels.shape)} but ${predArg} have shape ${fmt(pred.shape)}; ` +
        `class-id labels must have shape ${fmt(batchShape)} (or ${fmt([...batchShape, 1])}), one id per example`,
    );
  }
  // Labels fit already checked (and rows of them) are not read back again: on a GPU that read waits for the device.
  if (!knownInRange(labels, C)) {
    const ids = labels.dataSync();
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id < 0 || id >= C) {
        throw new PolytensorError(
          `${op}: label ${id} at position ${i} is out of range [0, ${C}); ${predArg} have ${C} classes on the last axis ` +
            `(shape ${fmt(pred.shape)}), so class ids must be 0 … ${C - 1}`,
        );
      }
    }
    markInRange(labels, C);
  }
  return reshape(labels, batchShape);
}

// ---- shared definition of the classification losses and metrics -------------

/** @internal how a classification loss or metric takes its labels. */
export interface ClassLabels {
  /** The labels' and predictions' argument names, as error messages name them. */
  readonly args: readonly [labels: string, preds: string];
  /** True for int32 class ids ([N] or [N, 1]); false for one-hot (or soft) rows of the predictions' shape. */
  readonly sparse: boolean;
  /** The sibling that takes the other kind of labels, suggested when the labels look like that kind. */
  readonly alternative: string;
}

/**
 * @internal validate (labels, predictions) of a classification loss or metric,
 * run `check` (extra argument checks) before the class ids are read, then
 * `compute` in a tidy with the checked labels: one-hot rows, or class ids
 * reshaped to the predictions' batch shape.
 */
export function scoreClasses(
  op: string,
  { args: [labelArg, predArg], sparse, alternative }: ClassLabels,
  labels: Tensor,
  pred: Tensor,
  compute: (labels: Tensor, pred: Tensor) => Tensor,
  check?: () => void,
): Tensor {
  expectLiveTensor(op, labelArg, labels);
  expectLiveTensor(op, predArg, pred);
  checkClassPredictions(op, predArg, pred);
  if (!sparse) checkDenseLabels(op, labels, pred, predArg, alternative);
  check?.();
  return tidy(() => compute(sparse ? checkSparseLabels(op, labels, pred, predArg, alternative) : labels, pred));
}

/** @internal look `name` up in a registry keyed by registryKey; an unknown name lists the valid ones. */
export function lookUpByName<T>(op: string, kind: string, keys: ReadonlyMap<string, T>, names: () => string[], name: string): T {
  const found = keys.get(registryKey(name));
  if (!found) {
    throw new PolytensorError(
      `${op}: unknown ${kind} '${name}'; valid names are ${names()
        .map((n) => `'${n}'`)
        .join(', ')}`,
    );
  }
  return found;
}

// ---- losses -------------------------------------------------------------------

/** mean(sum(labels · -logSoftmax(logits), -1)), fused where the backend offers it; labels already checked. */
const crossEntropyFromLogits = (labels: Tensor, logits: Tensor): Tensor => mean(softmaxCrossEntropyWithLogits(labels, logits));

/** Keras' categorical cross-entropy on probabilities; labels already checked. */
function crossEntropyFromProbs(labels: Tensor, probs: Tensor): Tensor {
  const normalized = div(probs, sum(probs, -1, true));
  const clipped = minimum(maximum(normalized, EPSILON), 1 - EPSILON);
  return mean(sum(mul(labels, neg(log(clipped))), -1));
}

/** A cross-entropy of class ids: their one-hot rows through the dense form. */
const ofClassIds =
  (dense: (labels: Tensor, pred: Tensor) => Tensor) =>
  (ids: Tensor, pred: Tensor): Tensor =>
    dense(oneHot(ids, pred.shape[pred.rank - 1]!), pred);

const LOGITS = ['labels', 'logits'] as const;
const PROBS = ['labels', 'probs'] as const;

/**
 * Softmax cross-entropy from logits with one-hot (or soft) labels, computed
 * stably through logSoftmax.
 * @example softmaxCrossEntropy(oneHot(labels, 10), model(x))
 */
export function softmaxCrossEntropy(labels: Tensor, logits: Tensor): Tensor {
  const kind = { args: LOGITS, sparse: false, alternative: 'sparseSoftmaxCrossEntropy' };
  return scoreClasses('softmaxCrossEntropy', kind, labels, logits, crossEntropyFromLogits);
}

/** Softmax cross-entropy from logits with int32 class ids [N] (or [N, 1]) in [0, numClasses). */
export function sparseSoftmaxCrossEntropy(labels: Tensor, logits: Tensor): Tensor {
  const kind = { args: LOGITS, sparse: true, alternative: 'softmaxCrossEntropy' };
  return scoreClasses('sparseSoftmaxCrossEntropy', kind, labels, logits, ofClassIds(crossEntropyFromLogits));
}

/**
 * Cross-entropy of one-hot labels and probabilities (e.g. a softmax output),
 * with Keras semantics: rows rescaled to sum to 1, clipped to [1e-7, 1 - 1e-7].
 */
export function categoricalCrossentropy(labels: Tensor, probs: Tensor): Tensor {
  const kind = { args: PROBS, sparse: false, alternative: 'sparseCategoricalCrossentropy' };
  return scoreClasses('categoricalCrossentropy', kind, labels, probs, crossEntropyFromProbs);
}

/** categoricalCrossentropy with int32 class ids [N] (or [N, 1]) in [0, numClasses). */
export function sparseCategoricalCrossentropy(labels: Tensor, probs: Tensor): Tensor {
  const kind = { args: PROBS, sparse: true, alternative: 'categoricalCrossentropy' };
  return scoreClasses('sparseCategoricalCrossentropy', kind, labels, probs, ofClassIds(crossEntropyFromProbs));
}

/**
 * mean((labels - preds)^2) over every element. Labels of shape [N] against
 * predictions [N, 1] (or the reverse) are matched, not broadcast to [N, N].
 */
export function meanSquaredError(labels: Tensor, preds: Tensor): Tensor {
  const op = 'meanSquaredError';
  expectLiveTensor(op, 'labels', labels);
  expectLiveTensor(op, 'preds', preds);
  expectDType(op, 'preds', preds, 'float32', `convert it with cast(preds, 'float32')`);
  expectDType(op, 'labels', labels, 'float32', `convert them with cast(labels, 'float32')`);
  if (preds.rank === 0) throw new PolytensorError(`${op}: preds must be [batch, ...] (rank ≥ 1), got a scalar`);
  if (preds.shape[0] === 0) throw new PolytensorError(`${op}: the batch is empty (preds have shape ${fmt(preds.shape)}); pass at least one example`);
  const sameUpToTrailingOne = labels.size === preds.size && (arraysEqual([...labels.shape, 1], preds.shape) || arraysEqual(labels.shape, [...preds.shape, 1]));
  if (!arraysEqual(labels.shape, preds.shape) && !sameUpToTrailingOne) {
    throw new PolytensorError(
      `${op}: labels have shape ${fmt(labels.shape)} but preds have shape ${fmt(preds.shape)}; ` +
        `they must match (reshape the labels to ${fmt(preds.shape)})`,
    );
  }
  return tidy(() => mean(squaredDifference(preds, arraysEqual(labels.shape, preds.shape) ? labels : reshape(labels, preds.shape))));
}

// ---- registry ---------------------------------------------------------------

const info = (name: string, fn: LossFn, sparseLabels: boolean, fromLogits: boolean): LossInfo => Object.freeze({ name, fn, sparseLabels, fromLogits });

/** Canonical names of the built-in losses. */
export type LossName =
  | 'softmaxCrossEntropy'
  | 'sparseSoftmaxCrossEntropy'
  | 'categoricalCrossentropy'
  | 'sparseCategoricalCrossentropy'
  | 'meanSquaredError'
  // Keras' other losses (keras_losses.ts):
  | 'binaryCrossentropy'
  | 'sigmoidCrossEntropy'
  | 'meanAbsoluteError'
  | 'meanAbsolutePercentageError'
  | 'meanSquaredLogarithmicError'
  | 'huber'
  | 'logCosh'
  | 'hinge'
  | 'squaredHinge'
  | 'categoricalHinge'
  | 'kullbackLeiblerDivergence'
  | 'poisson'
  | 'cosineSimilarity';

/** Keras' short names: 'mse', 'mae', 'mape', 'msle', 'kld'. */
export type LossAlias = 'mse' | 'mae' | 'mape' | 'msle' | 'kld';

/** Every built-in loss, by canonical name. */
export const LOSSES: Readonly<Record<LossName, LossInfo>> = Object.freeze({
  softmaxCrossEntropy: info('softmaxCrossEntropy', softmaxCrossEntropy, false, true),
  sparseSoftmaxCrossEntropy: info('sparseSoftmaxCrossEntropy', sparseSoftmaxCrossEntropy, true, true),
  categoricalCrossentropy: info('categoricalCrossentropy', categoricalCrossentropy, false, false),
  sparseCategoricalCrossentropy: info('sparseCategoricalCrossentropy', sparseCategoricalCrossentropy, true, false),
  meanSquaredError: info('meanSquaredError', meanSquaredError, false, false),
  binaryCrossentropy: info('binaryCrossentropy', binaryCrossentropy, false, false),
  sigmoidCrossEntropy: info('sigmoidCrossEntropy', sigmoidCrossEntropy, false, true),
  meanAbsoluteError: info('meanAbsoluteError', meanAbsoluteError, false, false),
  meanAbsolutePercentageError: info('meanAbsolutePercentageError', meanAbsolutePercentageError, false, false),
  meanSquaredLogarithmicError: info('meanSquaredLogarithmicError', meanSquaredLogarithmicError, false, false),
  huber: info('huber', huber, false, false),
  logCosh: info('logCosh', logCosh, false, false),
  hinge: info('hinge', hinge, false, false),
  squaredHinge: info('squaredHinge', squaredHinge, false, false),
  categoricalHinge: info('categoricalHinge', categoricalHinge, false, false),
  kullbackLeiblerDivergence: info('kullbackLeiblerDivergence', kullbackLeiblerDivergence, false, false),
  poisson: info('poisson', poisson, false, false),
  cosineSimilarity: info('cosineSimilarity', cosineSimilarity, false, false),
});

/** @internal Keras' short loss names (metrics accept them too). */
export const LOSS_ALIASES: Readonly<Record<LossAlias, LossName>> = {
  mse: 'meanSquaredError',
  mae: 'meanAbsoluteError',
  mape: 'meanAbsolutePercentageError',
  msle: 'meanSquaredLogarithmicError',
  kld: 'kullbackLeiblerDivergence',
};

/** @internal lookup key: case, '_' and '-' are ignored, so 'categorical_crossentropy' works too. */
export const registryKey = (name: string): string => name.replace(/[_\-\s]/g, '').toLowerCase();

const LOSS_KEYS = new Map<string, LossInfo>([
  ...Object.values(LOSSES).map((l) => [registryKey(l.name), l] as const),
  ...Object.entries(LOSS_ALIASES).map(([alias, name]) => [registryKey(alias), LOSSES[name]] as const),
]);

/** Losses registered by the user, by name (they save and load by it). */
const REGISTERED_LOSSES = new Map<string, LossInfo>();

/** Names getLoss accepts (canonical names and aliases, then registered ones). */
export const lossNames = (): string[] => [...Object.keys(LOSSES), ...Object.keys(LOSS_ALIASES), ...REGISTERED_LOSSES.keys()];

/**
 * Register your own loss under a name, so a model compiled with it saves that
 * name and loads compiled (without it, loading asks for `{ compile: false }`).
 * @example
 * registerLoss('huberish', (yTrue, yPred) => mean(abs(sub(yTrue, yPred))));
 * model.compile({ optimizer: 'adam', loss: 'huberish' });
 */
export function registerLoss(name: string, fn: LossFn, options: { sparseLabels?: boolean; fromLogits?: boolean } = {}): LossInfo {
  registerNamed('registerLoss', 'loss', name, fn, LOSS_KEYS, REGISTERED_LOSSES);
  const l = info(name, fn, options.sparseLabels ?? false, options.fromLogits ?? false);
  LOSS_KEYS.set(registryKey(name), l);
  REGISTERED_LOSSES.set(name, l);
  return l;
}

/** @internal shared checks of registerLoss and registerMetric. */
export function registerNamed(
  op: string,
  kind: string,
  name: string,
  fn: unknown,
  keys: ReadonlyMap<string, { fn: unknown }>,
  own: ReadonlyMap<string, { fn: unknown }>,
): void {
  if (typeof name !== 'string' || !/^[A-Za-z_][\w.-]*$/.test(name))
    throw new PolytensorError(`${op}: name must be an identifier-like string, got ${JSON.stringify(name)}`);
  if (typeof fn !== 'function') throw new PolytensorError(`${op}: pass a function (yTrue, yPred) => scalar tensor, got ${fn === null ? 'null' : typeof fn}`);
  const existing = keys.get(registryKey(name));
  if (existing && !own.has(name)) throw new PolytensorError(`${op}: '${name}' is a built-in ${kind}; register yours under another name`);
  if (existing && existing.fn !== fn) throw new PolytensorError(`${op}: another function is already registered as '${name}'`);
}

/**
 * Resolve a loss by name (any LossName or LossAlias: 'softmaxCrossEntropy',
 * 'binaryCrossentropy', 'huber', 'mse', 'mae' …; case and underscores are
 * ignored, so Keras' 'binary_crossentropy' works), by built-in function, or pass a
 * LossInfo through. A custom function is taken as dense-label, non-logit.
 */
export function getLoss(identifier: string | LossFn | LossInfo): LossInfo {
  if (typeof identifier === 'string') return lookUpByName('getLoss', 'loss', LOSS_KEYS, lossNames, identifier);
  if (typeof identifier === 'function') {
    return (
      [...Object.values(LOSSES), ...REGISTERED_LOSSES.values()].find((l) => l.fn === identifier) ??
      info(identifier.name || 'customLoss', identifier, false, false)
    );
  }
  if (identifier !== null && typeof identifier === 'object' && typeof identifier.fn === 'function') return identifier;
  throw new PolytensorError(`getLoss: expected a loss name, a loss function or a LossInfo, got ${identifier === null ? 'null' : typeof identifier}`);
}
