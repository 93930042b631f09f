/**
 * Metrics: each takes (yTrue, yPred) and returns a float32 scalar, the mean
 * over the batch. Arguments are validated before any kernel runs. Any loss
 * name also works as a metric (getMetric('mse')).
 */
import { tidy } from '../engine/api.js';
import { PolytensorError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { argMax } from '../ops/arg_reduce.js';
import { div, maximum, mul, sub } from '../ops/binary.js';
import { scalar } from '../ops/convert.js';
import { abs, sqrt, square } from '../ops/unary.js';
import { cast } from '../ops/cast.js';
import { equal, greater, less, logicalAnd } from '../ops/compare.js';
import { oneHot } from '../ops/gather.js';
import { mean, sum } from '../ops/reduce.js';
import { reshape } from '../ops/reshape.js';
import { isFinite as isFiniteOp } from '../ops/unary.js';
import { where } from '../ops/where.js';
import { arraysEqual, fmt } from '../util/shape.js';
import { AUC, Metric, Precision, Recall } from './stateful_metrics.js';
import { LOSSES, expectLiveTensor, lookUpByName, registerNamed, registryKey, scoreClasses, type LossFn } from './losses.js';
import { LOSS_ALIASES } from './losses.js';

/** A metric: (labels, predictions) → float32 scalar (mean over the batch). */
export type MetricFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** A metric and the name it reports under. */
export interface MetricInfo {
  /** Canonical name (or the function's name for a custom metric). */
  readonly name: string;
  readonly fn: MetricFn;
  /**
   * For a stateful metric (precision, recall, auc, a Metric instance): gives
   * the Metric that compile() accumulates across batches; `fn` then scores one
   * batch alone.
   */
  readonly create?: () => Metric;
}

/** Fraction of true values in a bool tensor, as a float32 scalar. */
const fractionTrue = (hits: Tensor): Tensor => mean(cast(hits, 'float32'));

function checkK(op: string, k: number, pred: Tensor): void {
  if (!Number.isInteger(k) || k < 1) {
    throw new PolytensorError(`${op}: k must be a positive integer, got ${k} (predictions have ${pred.shape[pred.rank - 1]} classes)`);
  }
}

/**
 * Whether each target class is among the top `k` predictions of its row. Like
 * TF's in_top_k, classes tied with the target's score count in its favour (the
 * target is in the top k when fewer than k classes score strictly higher), and
 * a non-finite target score is never in the top k.
 */
function inTopK(pred: Tensor, ids: Tensor, k: number): Tensor {
  const C = pred.shape[pred.rank - 1]!;
  const isTarget = equal(oneHot(ids, C), 1);
  const targetScore = sum(where(isTarget, pred, 0), -1, true);
  const higher = sum(cast(greater(pred, targetScore), 'int32'), -1);
  return logicalAnd(less(higher, k), isFiniteOp(reshape(targetScore, ids.shape)));
}

/** How the class metrics name their arguments. */
const ARGS = ['yTrue', 'yPred'] as const;

/** Share of examples whose argMax prediction equals the int32 class id (labels [N] or [N, 1]). */
export function sparseCategoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  const kind = { args: ARGS, sparse: true, alternative: 'categoricalAccuracy' };
  return scoreClasses('sparseCategoricalAccuracy', kind, yTrue, yPred, (ids, pred) => fractionTrue(equal(ids, argMax(pred, -1))));
}

/** Share of examples whose argMax prediction equals the argMax of the one-hot label. */
export function categoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  const kind = { args: ARGS, sparse: false, alternative: 'sparseCategoricalAccuracy' };
  return scoreClasses('categoricalAccuracy', kind, yTrue, yPred, (labels, pred) => fractionTrue(equal(argMax(labels, -1), argMax(pred, -1))));
}

/** Share of examples where yTrue equals (yPred > threshold ? 1 : 0), as in Keras (labels 0/1 of yPred's shape, any dtype). */
export function binaryAccuracy(yTrue: Tensor, yPred: Tensor, threshold = 0.5): Tensor {
  const op = 'binaryAccuracy';
  expectLiveTensor(op, 'yTrue', yTrue);
  expectLiveTensor(op, 'yPred', yPred);
  if (yPred.dtype !== 'float32') throw new PolytensorError(`${op}: yPred has dtype ${yPred.dtype} but must be float32; convert it with cast(yPred, 'float32')`);
  if (yPred.size === 0) throw new PolytensorError(`${op}: the batch is empty (yPred has shape ${fmt(yPred.shape)})`);
  if (!arraysEqual(yTrue.shape, yPred.shape)) {
    throw new PolytensorError(`${op}: yTrue has shape ${fmt(yTrue.shape)} but yPred has shape ${fmt(yPred.shape)}; they must match`);
  }
  return tidy(() => fractionTrue(equal(cast(yTrue, 'float32'), cast(greater(yPred, threshold), 'float32'))));
}

/**
 * Accuracy that follows the labels: int32 class ids ([N] or [N, 1]) are
 * compared with argMax(yPred); one-hot labels of yPred's shape compare argMax
 * with argMax; with a single output unit (yPred [N, 1] or [N]) it is
 * binaryAccuracy at threshold 0.5.
 */
export function accuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  const op = 'accuracy';
  expectLiveTensor(op, 'yTrue', yTrue);
  expectLiveTensor(op, 'yPred', yPred);
  if (yPred.rank === 0) throw new PolytensorError(`${op}: yPred must be [batch, numClasses], got a scalar`);
  const C = yPred.shape[yPred.rank - 1]!;
  if (arraysEqual(yTrue.shape, yPred.shape) && (yPred.rank === 1 || C === 1)) return binaryAccuracy(yTrue, yPred);
  if (yTrue.dtype === 'int32') return sparseCategoricalAccuracy(yTrue, yPred);
  if (arraysEqual(yTrue.shape, yPred.shape)) return categoricalAccuracy(yTrue, yPred);
  throw new PolytensorError(
    `${op}: cannot match labels ${fmt(yTrue.shape)} ${yTrue.dtype} with predictions ${fmt(yPred.shape)}; ` +
      `pass int32 class ids of shape ${fmt(yPred.shape.slice(0, -1))} or one-hot float32 labels of shape ${fmt(yPred.shape)}`,
  );
}

/** The top-k accuracies: `k` is checked with the arguments; dense labels give their class by argMax. */
function topKAccuracy(op: string, sparse: boolean, alternative: string, yTrue: Tensor, yPred: Tensor, k: number): Tensor {
  const score = (labels: Tensor, pred: Tensor): Tensor => fractionTrue(inTopK(pred, sparse ? labels : argMax(labels, -1), k));
  return scoreClasses(op, { args: ARGS, sparse, alternative }, yTrue, yPred, score, () => checkK(op, k, yPred));
}

/** Share of examples whose one-hot label's class is among the top `k` predictions. */
export function topKCategoricalAccuracy(yTrue: Tensor, yPred: Tensor, k = 5): Tensor {
  return topKAccuracy('topKCategoricalAccuracy', false, 'sparseTopKCategoricalAccuracy', yTrue, yPred, k);
}

/** Share of examples whose int32 class id is among the top `k` predictions. */
export function sparseTopKCategoricalAccuracy(yTrue: Tensor, yPred: Tensor, k = 5): Tensor {
  return topKAccuracy('sparseTopKCategoricalAccuracy', true, 'topKCategoricalAccuracy', yTrue, yPred, k);
}

/** yTrue and yPred of one shape, yPred float32 and not empty: the regression metrics' arguments. */
function checkRegression(op: string, yTrue: Tensor, yPred: Tensor): void {
  expectLiveTensor(op, 'yTrue', yTrue);
  expectLiveTensor(op, 'yPred', yPred);
  if (yPred.dtype !== 'float32') throw new PolytensorError(`${op}: yPred has dtype ${yPred.dtype} but must be float32; convert it with cast(yPred, 'float32')`);
  if (yTrue.dtype !== 'float32') throw new PolytensorError(`${op}: yTrue has dtype ${yTrue.dtype} but must be float32; convert it with cast(yTrue, 'float32')`);
  if (!arraysEqual(yTrue.shape, yPred.shape)) {
    throw new PolytensorError(`${op}: yTrue has shape ${fmt(yTrue.shape)} but yPred has shape ${fmt(yPred.shape)}; they must match`);
  }
  if (yPred.size === 0) throw new PolytensorError(`${op}: the batch is empty (yPred has shape ${fmt(yPred.shape)})`);
}

/**
 * Mean absolute error over every element, `mean(|yPred − yTrue|)` (Keras'
 * 'mae'); over an epoch, fit reports the mean over its examples.
 * @example model.compile({ optimizer: 'adam', loss: 'meanSquaredError', metrics: ['mae', 'mse'] })
 */
export function meanAbsoluteError(yTrue: Tensor, yPred: Tensor): Tensor {
  checkRegression('meanAbsoluteError', yTrue, yPred);
  return tidy(() => mean(abs(sub(yPred, yTrue))));
}

/**
 * Cosine similarity of each example's labels and predictions along the last
 * axis, averaged over the examples (Keras' 'cosine_similarity' metric: each
 * side scaled to unit L2 norm, with the squared norm floored at 1e-12).
 */
export function cosineSimilarity(yTrue: Tensor, yPred: Tensor): Tensor {
  checkRegression('cosineSimilarity', yTrue, yPred);
  if (yPred.rank === 0) throw new PolytensorError(`cosineSimilarity: yPred must have at least one axis (the vectors' last axis), got a scalar`);
  return tidy(() => {
    const unit = (t: Tensor): Tensor => div(t, sqrt(maximum(sum(square(t), -1, true), 1e-12)));
    return mean(sum(mul(unit(yTrue), unit(yPred)), -1));
  });
}

/** A stateful metric's one-batch function: a fresh metric updated with the batch. */
const oneBatch =
  (make: () => Metric): MetricFn =>
  (yTrue, yPred) => {
    const m = make();
    m.updateState(yTrue, yPred);
    return scalar(m.result());
  };

/** Precision of one batch at threshold 0.5 (in compile, 'precision' accumulates over the epoch). */
export const precision: MetricFn = oneBatch(() => new Precision());
/** Recall of one batch at threshold 0.5 (in compile, 'recall' accumulates over the epoch). */
export const recall: MetricFn = oneBatch(() => new Recall());
/** ROC AUC of one batch, 200 thresholds (in compile, 'auc' accumulates over the epoch). */
export const auc: MetricFn = oneBatch(() => new AUC());

// ---- registry ---------------------------------------------------------------

/** Canonical names of the built-in metrics (loss names work too). */
export type MetricName =
  | 'accuracy'
  | 'binaryAccuracy'
  | 'sparseCategoricalAccuracy'
  | 'categoricalAccuracy'
  | 'topKCategoricalAccuracy'
  | 'sparseTopKCategoricalAccuracy'
  | 'meanAbsoluteError'
  | 'cosineSimilarity'
  | 'precision'
  | 'recall'
  | 'auc';

const metric = (name: string, fn: MetricFn, create?: () => Metric): MetricInfo => Object.freeze(create ? { name, fn, create } : { name, fn });

/** Every built-in metric, by canonical name. */
/**
 * The metric functions as one namespace (tfjs-layers' `tf.metrics`): the
 * regression ones here keep their metric meaning where a loss of the same name
 * differs (`metrics.cosineSimilarity` is +cos; the loss `cosineSimilarity` is −cos).
 * @example const mae = metrics.meanAbsoluteError(yTrue, yPred);
 */
export const metrics = Object.freeze({
  accuracy,
  binaryAccuracy,
  categoricalAccuracy,
  sparseCategoricalAccuracy,
  topKCategoricalAccuracy,
  sparseTopKCategoricalAccuracy,
  meanAbsoluteError,
  cosineSimilarity,
  precision,
  recall,
  auc,
});

export const METRICS: Readonly<Record<MetricName, MetricInfo>> = Object.freeze({
  accuracy: metric('accuracy', accuracy),
  binaryAccuracy: metric('binaryAccuracy', binaryAccuracy),
  sparseCategoricalAccuracy: metric('sparseCategoricalAccuracy', sparseCategoricalAccuracy),
  categoricalAccuracy: metric('categoricalAccuracy', categoricalAccuracy),
  topKCategoricalAccuracy: metric('topKCategoricalAccuracy', topKCategoricalAccuracy),
  sparseTopKCategoricalAccuracy: metric('sparseTopKCategoricalAccuracy', sparseTopKCategoricalAccuracy),
  meanAbsoluteError: metric('meanAbsoluteError', meanAbsoluteError),
  cosineSimilarity: metric('cosineSimilarity', cosineSimilarity),
  precision: metric('precision', precision, () => new Precision()),
  recall: metric('recall', recall, () => new Recall()),
  auc: metric('auc', auc, () => new AUC()),
});

const METRIC_ALIASES: Readonly<Record<string, MetricName>> = { acc: 'accuracy', mae: 'meanAbsoluteError' };

const METRIC_KEYS = new Map<string, MetricInfo>([
  ...Object.values(LOSSES).map((l) => [registryKey(l.name), metric(l.name, l.fn)] as const),
  [registryKey('mse'), metric('meanSquaredError', LOSSES.meanSquaredError.fn)],
  ...Object.entries(LOSS_ALIASES).map(([alias, name]) => [registryKey(alias), metric(name, LOSSES[name].fn)] as const),
  ...Object.values(METRICS).map((m) => [registryKey(m.name), m] as const),
  ...Object.entries(METRIC_ALIASES).map(([alias, name]) => [registryKey(alias), METRICS[name]] as const),
]);

/** Metrics registered by the user, by name. */
const REGISTERED_METRICS = new Map<string, MetricInfo>();

/** Names getMetric accepts (metrics, their aliases, then losses, then registered ones). */
export const metricNames = (): string[] => [
  ...Object.keys(METRICS).flatMap((name) => [name, ...Object.keys(METRIC_ALIASES).filter((a) => METRIC_ALIASES[a] === name)]),
  ...Object.keys(LOSSES),
  'mse',
  ...Object.keys(LOSS_ALIASES).filter((a) => a !== 'mse'),
  ...REGISTERED_METRICS.keys(),
];

/**
 * Register your own metric under a name, so a model compiled with it saves
 * that name and loads compiled.
 * @example
 * registerMetric('meanError', (yTrue, yPred) => mean(sub(yPred, yTrue)));
 */
export function registerMetric(name: string, fn: MetricFn): MetricInfo {
  registerNamed('registerMetric', 'metric', name, fn, METRIC_KEYS, REGISTERED_METRICS);
  const m = metric(name, fn);
  METRIC_KEYS.set(registryKey(name), m);
  REGISTERED_METRICS.set(name, m);
  return m;
}

/** The built-in stateful metric a Metric instance equals (same class and options, default name), if any. */
function builtInStateful(m: Metric): MetricInfo | undefined {
  const same = JSON.stringify(m.getConfig());
  return Object.values(METRICS as Readonly<Record<string, MetricInfo>>).find((info) => {
    const made = info.create?.();
    return made !== undefined && made.className === m.className && JSON.stringify(made.getConfig()) === same;
  });
}

/**
 * Resolve a metric by name: 'accuracy' / 'acc', 'binaryAccuracy',
 * 'sparseCategoricalAccuracy', 'categoricalAccuracy', 'topKCategoricalAccuracy'
 * (k = 5), 'sparseTopKCategoricalAccuracy' (k = 5), 'meanAbsoluteError' / 'mae',
 * 'cosineSimilarity', the stateful 'precision', 'recall' and 'auc', or any loss
 * name; case and underscores are ignored. A function is taken as a custom
 * metric named after it; a Metric instance is accumulated across batches as it is.
 */
export function getMetric(identifier: string | MetricFn | LossFn | Metric): MetricInfo {
  if (typeof identifier === 'string') return lookUpByName('getMetric', 'metric', METRIC_KEYS, metricNames, identifier);
  if (identifier instanceof Metric) {
    // With a built-in's options and name it saves under that name; otherwise as your own metric.
    const builtIn = builtInStateful(identifier);
    return metric(identifier.name, builtIn?.fn ?? oneBatch(() => identifier.clone()), () => identifier);
  }
  if (typeof identifier === 'function') {
    const builtIn = [...Object.values(METRICS), ...Object.values(LOSSES), ...REGISTERED_METRICS.values()].find((m) => m.fn === identifier);
    return builtIn ? metric(builtIn.name, builtIn.fn, (builtIn as MetricInfo).create) : metric(identifier.name || 'customMetric', identifier);
  }
  throw new PolytensorError(`getMetric: expected a metric name or function, got ${identifier === null ? 'null' : typeof identifier}`);
}
