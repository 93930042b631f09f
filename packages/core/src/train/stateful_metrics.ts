// Stateful metrics (Keras semantics): updateState per batch, result() over everything
// seen since the last resetState(). fit() resets them each epoch and evaluate() before
// it starts, so an epoch reports the metric of the epoch's examples, not a mean of
// per-batch values (which differs for ratios such as precision or AUC). The state is
// counts kept in float64 on the host: each update reads the batch's labels and
// predictions once (the training loop reads its logs back every batch anyway).
import { PolytensorError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { fmt, arraysEqual } from '../util/shape.js';
import { expectLiveTensor } from './losses.js';

/** A metric's options, as saved. */
export type MetricConfig = Record<string, number | string | boolean | null>;

/**
 * A metric accumulated across batches. Subclass it for your own: keep
 * host-side state, update it in updateState, compute it in result.
 * @example
 * const p = new Precision();
 * p.updateState(yTrue1, yPred1); p.updateState(yTrue2, yPred2);
 * p.result(); // precision over both batches
 */
export abstract class Metric {
  /** Class name: 'Precision', 'AUC', … */
  abstract readonly className: string;
  /** The name the metric reports under in fit/evaluate logs. */
  readonly name: string;

  constructor(name: string) {
    if (typeof name !== 'string' || name === '') throw new PolytensorError(`Metric: name must be a non-empty string, got ${JSON.stringify(name)}`);
    this.name = name;
  }

  /** Add a batch: labels and predictions. Validated before the state changes. */
  abstract updateState(yTrue: Tensor, yPred: Tensor): void;
  /** The metric over every batch since the last reset. */
  abstract result(): number;
  /** Forget every batch. */
  abstract resetState(): void;
  /** Options (including name), as the constructor takes them. */
  abstract getConfig(): MetricConfig;
  /** A fresh metric with the same options and no state. */
  abstract clone(): Metric;
}

/** `a / b`, or 0 when b is 0 (TF's divide_no_nan). */
const divNoNan = (a: number, b: number): number => (b === 0 ? 0 : a / b);

function checkOptions(op: string, args: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (args === null || typeof args !== 'object' || Array.isArray(args))
    throw new PolytensorError(`${op}: expected an object of options (${allowed.join(', ')})`);
  const extra = Object.keys(args).filter((k) => !allowed.includes(k));
  if (extra.length) throw new PolytensorError(`${op}: unknown option ${extra.map((k) => `'${k}'`).join(', ')}; options are ${allowed.join(', ')}`);
  return args as Record<string, unknown>;
}

function nameOption(op: string, v: unknown, fallback: string): string {
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || v === '') throw new PolytensorError(`${op}: name must be a non-empty string, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * Binary labels (0 or 1, any dtype) and float32 probabilities in [0, 1] of the
 * same shape, read to the host; with `classId`, only that column of the last axis.
 */
function binaryBatch(op: string, yTrue: Tensor, yPred: Tensor, classId: number | null): { labels: ArrayLike<number>; preds: ArrayLike<number> } {
  expectLiveTensor(op, 'yTrue', yTrue);
  expectLiveTensor(op, 'yPred', yPred);
  if (yPred.dtype !== 'float32')
    throw new PolytensorError(`${op}: yPred has dtype ${yPred.dtype} but must be float32 probabilities; convert it with cast(yPred, 'float32')`);
  if (!arraysEqual(yTrue.shape, yPred.shape)) {
    throw new PolytensorError(`${op}: yTrue has shape ${fmt(yTrue.shape)} but yPred has shape ${fmt(yPred.shape)}; they must match`);
  }
  let labels: ArrayLike<number> = yTrue.dataSync() as ArrayLike<number>;
  let preds: ArrayLike<number> = yPred.dataSync();
  if (classId !== null) {
    const C = yPred.rank === 0 ? 0 : yPred.shape[yPred.rank - 1]!;
    if (classId >= C)
      throw new PolytensorError(`${op}: classId ${classId} is out of range: yPred has shape ${fmt(yPred.shape)}, ${C} classes on the last axis`);
    const pick = (a: ArrayLike<number>): number[] => Array.from({ length: a.length / C }, (_, i) => a[i * C + classId]!);
    labels = pick(labels);
    preds = pick(preds);
  }
  for (let i = 0; i < labels.length; i++) {
    const y = Number(labels[i]);
    if (y !== 0 && y !== 1) throw new PolytensorError(`${op}: yTrue holds ${y} at position ${i}; labels must be 0 or 1`);
    const p = preds[i]!;
    if (!(p >= 0 && p <= 1)) {
      throw new PolytensorError(`${op}: yPred holds ${p} at position ${i}; predictions must be probabilities in [0, 1] (apply a sigmoid to logits)`);
    }
  }
  return { labels, preds };
}

function thresholdOption(op: string, v: unknown): number {
  if (v === undefined) return 0.5;
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new PolytensorError(`${op}: thresholds must be a number in [0, 1], got ${JSON.stringify(v)}`);
  return v;
}

function classIdOption(op: string, v: unknown): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new PolytensorError(`${op}: classId must be an integer ≥ 0, got ${JSON.stringify(v)}`);
  return v;
}

export interface PrecisionRecallArgs {
  /** A prediction above this counts as positive. Default 0.5. */
  thresholds?: number;
  /** Score only this class (column of the last axis). */
  classId?: number;
  name?: string;
}

/** Counts of one threshold, shared by Precision and Recall. */
abstract class ConfusionAtThreshold extends Metric {
  readonly threshold: number;
  readonly classId: number | null;
  protected tp = 0;
  protected fp = 0;
  protected fn = 0;

  protected constructor(op: string, args: PrecisionRecallArgs, defaultName: string) {
    const a = checkOptions(op, args, ['thresholds', 'classId', 'name']);
    super(nameOption(op, a['name'], defaultName));
    this.threshold = thresholdOption(op, a['thresholds']);
    this.classId = classIdOption(op, a['classId']);
  }

  updateState(yTrue: Tensor, yPred: Tensor): void {
    const { labels, preds } = binaryBatch(this.className, yTrue, yPred, this.classId);
    for (let i = 0; i < labels.length; i++) {
      const positive = preds[i]! > this.threshold;
      if (Number(labels[i]) === 1) positive ? this.tp++ : this.fn++;
      else if (positive) this.fp++;
    }
  }

  resetState(): void {
    this.tp = this.fp = this.fn = 0;
  }

  getConfig(): MetricConfig {
    return { thresholds: this.threshold, classId: this.classId, name: this.name };
  }

  /** Options for clone(): the config without nulls. */
  protected args(): PrecisionRecallArgs {
    return { thresholds: this.threshold, ...(this.classId === null ? {} : { classId: this.classId }), name: this.name };
  }
}

/**
 * Precision over every batch since the reset: true positives / predicted
 * positives (0 when nothing was predicted positive), a prediction being
 * positive when above `thresholds` (Keras' Precision, one threshold).
 * @example model.compile({ optimizer: 'adam', loss: 'meanSquaredError', metrics: ['precision', new Recall({ thresholds: 0.7 })] })
 */
export class Precision extends ConfusionAtThreshold {
  readonly className = 'Precision';
  constructor(args: PrecisionRecallArgs = {}) {
    super('Precision', args, 'precision');
  }
  result(): number {
    return divNoNan(this.tp, this.tp + this.fp);
  }
  clone(): Precision {
    return new Precision(this.args());
  }
}

/** Recall over every batch since the reset: true positives / actual positives (0 when there were none). */
export class Recall extends ConfusionAtThreshold {
  readonly className = 'Recall';
  constructor(args: PrecisionRecallArgs = {}) {
    super('Recall', args, 'recall');
  }
  result(): number {
    return divNoNan(this.tp, this.tp + this.fn);
  }
  clone(): Recall {
    return new Recall(this.args());
  }
}

export interface AUCArgs {
  /** Thresholds, evenly spread over [0, 1] (the ends nudged by 1e-7 to take 0 and 1 in). Default 200, as Keras. */
  numThresholds?: number;
  /** 'ROC' (default) or 'PR' (precision-recall). */
  curve?: 'ROC' | 'PR';
  /** 'interpolation' (default; for PR, Davis & Goadrich's), 'minoring' or 'majoring' (left/right Riemann sums). */
  summationMethod?: 'interpolation' | 'minoring' | 'majoring';
  name?: string;
}

/**
 * Area under the ROC or precision-recall curve, approximated over
 * `numThresholds` thresholds, exactly as Keras' AUC (binary labels,
 * probabilities): confusion counts per threshold accumulated across batches,
 * then a Riemann sum (the PR curve interpolated as Davis & Goadrich).
 * @example model.compile({ optimizer: 'adam', loss: 'meanSquaredError', metrics: ['auc', new AUC({ curve: 'PR' })] })
 */
export class AUC extends Metric {
  readonly className = 'AUC';
  readonly numThresholds: number;
  readonly curve: 'ROC' | 'PR';
  readonly summationMethod: 'interpolation' | 'minoring' | 'majoring';
  /** Ascending: −1e-7, 1/(n−1), …, (n−2)/(n−1), 1 + 1e-7. */
  readonly thresholds: readonly number[];
  /** Examples by how many thresholds they exceed (0 … n), positives and negatives. */
  private posHist: Float64Array;
  private negHist: Float64Array;

  constructor(args: AUCArgs = {}) {
    const op = 'AUC';
    const a = checkOptions(op, args, ['numThresholds', 'curve', 'summationMethod', 'name']);
    super(nameOption(op, a['name'], 'auc'));
    const n = a['numThresholds'] ?? 200;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 2)
      throw new PolytensorError(`AUC: numThresholds must be an integer > 1, got ${JSON.stringify(n)}`);
    const curve = a['curve'] ?? 'ROC';
    if (curve !== 'ROC' && curve !== 'PR') throw new PolytensorError(`AUC: curve must be 'ROC' or 'PR', got ${JSON.stringify(curve)}`);
    const method = a['summationMethod'] ?? 'interpolation';
    if (method !== 'interpolation' && method !== 'minoring' && method !== 'majoring') {
      throw new PolytensorError(`AUC: summationMethod must be 'interpolation', 'minoring' or 'majoring', got ${JSON.stringify(method)}`);
    }
    this.numThresholds = n;
    this.curve = curve;
    this.summationMethod = method;
    const eps = 1e-7;
    this.thresholds = Object.freeze([-eps, ...Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1)), 1 + eps]);
    this.posHist = new Float64Array(n + 1);
    this.negHist = new Float64Array(n + 1);
  }

  updateState(yTrue: Tensor, yPred: Tensor): void {
    const { labels, preds } = binaryBatch('AUC', yTrue, yPred, null);
    const t = this.thresholds;
    for (let i = 0; i < labels.length; i++) {
      // k = number of thresholds strictly below the prediction (binary search: they ascend).
      const p = preds[i]!;
      let lo = 0;
      let hi = t.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (t[mid]! < p) lo = mid + 1;
        else hi = mid;
      }
      (Number(labels[i]) === 1 ? this.posHist : this.negHist)[lo]! += 1;
    }
  }

  resetState(): void {
    this.posHist = new Float64Array(this.numThresholds + 1);
    this.negHist = new Float64Array(this.numThresholds + 1);
  }

  /** True/false positives/negatives at each threshold. */
  confusion(): { tp: number[]; fp: number[]; tn: number[]; fn: number[] } {
    const n = this.numThresholds;
    const tp = new Array<number>(n);
    const fp = new Array<number>(n);
    let pos = 0;
    let neg = 0;
    // Predictions exceeding threshold j are those with k > j.
    for (let j = n - 1; j >= 0; j--) {
      pos += this.posHist[j + 1]!;
      neg += this.negHist[j + 1]!;
      tp[j] = pos;
      fp[j] = neg;
    }
    const totalPos = pos + this.posHist[0]!;
    const totalNeg = neg + this.negHist[0]!;
    return { tp, fp, fn: tp.map((x) => totalPos - x), tn: fp.map((x) => totalNeg - x) };
  }

  result(): number {
    const { tp, fp, tn, fn } = this.confusion();
    const n = this.numThresholds;
    let total = 0;
    if (this.curve === 'PR' && this.summationMethod === 'interpolation') {
      // Davis & Goadrich: precision interpolated linearly in TP between thresholds.
      for (let j = 0; j < n - 1; j++) {
        const dtp = tp[j]! - tp[j + 1]!;
        const pA = tp[j]! + fp[j]!;
        const pB = tp[j + 1]! + fp[j + 1]!;
        const slope = divNoNan(dtp, Math.max(pA - pB, 0));
        const intercept = tp[j + 1]! - slope * pB;
        const ratio = pA > 0 && pB > 0 ? divNoNan(pA, Math.max(pB, 0)) : 1;
        total += divNoNan(slope * (dtp + intercept * Math.log(ratio)), Math.max(tp[j + 1]! + fn[j + 1]!, 0));
      }
      return total;
    }
    const recall = tp.map((x, j) => divNoNan(x, x + fn[j]!));
    const x = this.curve === 'ROC' ? fp.map((f, j) => divNoNan(f, f + tn[j]!)) : recall;
    const y = this.curve === 'ROC' ? recall : tp.map((t, j) => divNoNan(t, t + fp[j]!));
    for (let j = 0; j < n - 1; j++) {
      const a = y[j]!;
      const b = y[j + 1]!;
      const height = this.summationMethod === 'interpolation' ? (a + b) / 2 : this.summationMethod === 'minoring' ? Math.min(a, b) : Math.max(a, b);
      total += (x[j]! - x[j + 1]!) * height;
    }
    return total;
  }

  getConfig(): MetricConfig {
    return { numThresholds: this.numThresholds, curve: this.curve, summationMethod: this.summationMethod, name: this.name };
  }

  clone(): AUC {
    return new AUC({ numThresholds: this.numThresholds, curve: this.curve, summationMethod: this.summationMethod, name: this.name });
  }
}

export interface MeanIoUArgs {
  /** Number of classes; labels and predicted ids are in [0, numClasses). */
  numClasses: number;
  name?: string;
}

/**
 * Mean intersection over union (Keras' MeanIoU): a confusion matrix over
 * every batch since the reset; per class `IoU = TP / (TP + FP + FN)`, averaged
 * over the classes that occur in the labels or the predictions. Labels are
 * class ids (any dtype); predictions are class ids of the labels' shape, or
 * scores with a last axis of numClasses (their argMax is taken).
 * @example model.compile({ optimizer: 'adam', loss: 'sparseSoftmaxCrossEntropy', metrics: [new MeanIoU({ numClasses: 3 })] })
 */
export class MeanIoU extends Metric {
  readonly className = 'MeanIoU';
  readonly numClasses: number;
  /** counts[true · numClasses + predicted] */
  private counts: Float64Array;

  constructor(args: MeanIoUArgs) {
    const op = 'MeanIoU';
    const a = checkOptions(op, args, ['numClasses', 'name']);
    super(nameOption(op, a['name'], 'meanIoU'));
    const n = a['numClasses'];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
      throw new PolytensorError(`MeanIoU: numClasses must be an integer ≥ 1, got ${JSON.stringify(n)}`);
    this.numClasses = n;
    this.counts = new Float64Array(n * n);
  }

  updateState(yTrue: Tensor, yPred: Tensor): void {
    const op = 'MeanIoU';
    expectLiveTensor(op, 'yTrue', yTrue);
    expectLiveTensor(op, 'yPred', yPred);
    const C = this.numClasses;
    const labels = yTrue.dataSync() as ArrayLike<number>;
    let predicted: ArrayLike<number>;
    const batch = yPred.shape.slice(0, -1);
    // Scores: a last axis of numClasses beyond the labels' shape (labels [..., 1] too, unless numClasses is 1).
    const isScores =
      yPred.rank >= 1 &&
      yPred.shape[yPred.rank - 1] === C &&
      (arraysEqual(yTrue.shape, batch) ||
        (C !== 1 && yTrue.rank === yPred.rank && yTrue.shape[yTrue.rank - 1] === 1 && arraysEqual(yTrue.shape.slice(0, -1), batch)));
    if (isScores) {
      // The predicted class is the first maximum of each row.
      const scores = yPred.dataSync();
      const ids = new Array<number>(scores.length / C);
      for (let r = 0; r < ids.length; r++) {
        let best = 0;
        for (let c = 1; c < C; c++) if (scores[r * C + c]! > scores[r * C + best]!) best = c;
        ids[r] = best;
      }
      predicted = ids;
    } else if (arraysEqual(yTrue.shape, yPred.shape)) {
      predicted = yPred.dataSync() as ArrayLike<number>;
    } else {
      throw new PolytensorError(
        `${op}: yTrue has shape ${fmt(yTrue.shape)} and yPred ${fmt(yPred.shape)}; pass predicted class ids of the labels' shape, ` +
          `or scores of shape ${fmt([...(yTrue.shape.at(-1) === 1 ? yTrue.shape.slice(0, -1) : yTrue.shape), C])} (numClasses ${C} on the last axis)`,
      );
    }
    const check = (what: string, a: ArrayLike<number>): void => {
      for (let i = 0; i < a.length; i++) {
        const id = Number(a[i]);
        if (!Number.isInteger(id) || id < 0 || id >= C) {
          throw new PolytensorError(`${op}: ${what} holds ${id} at position ${i}; class ids must be integers in [0, ${C}) (numClasses is ${C})`);
        }
      }
    };
    check('yTrue', labels);
    check('yPred', predicted);
    for (let i = 0; i < labels.length; i++) this.counts[Number(labels[i]) * C + Number(predicted[i])]! += 1;
  }

  resetState(): void {
    this.counts = new Float64Array(this.numClasses * this.numClasses);
  }

  result(): number {
    const C = this.numClasses;
    let sum = 0;
    let valid = 0;
    for (let c = 0; c < C; c++) {
      let row = 0;
      let col = 0;
      for (let k = 0; k < C; k++) {
        row += this.counts[c * C + k]!;
        col += this.counts[k * C + c]!;
      }
      const tp = this.counts[c * C + c]!;
      const denom = row + col - tp;
      if (denom !== 0) {
        sum += tp / denom;
        valid++;
      }
    }
    return divNoNan(sum, valid);
  }

  getConfig(): MetricConfig {
    return { numClasses: this.numClasses, name: this.name };
  }

  clone(): MeanIoU {
    return new MeanIoU({ numClasses: this.numClasses, name: this.name });
  }
}
