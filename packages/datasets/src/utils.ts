/**
 * Pure data utilities on host arrays: validation, scaling, one-hot, row
 * selection, seeded splits, k-fold and minibatch indices. Browser-safe (no
 * node:*). Randomness comes from core's `shuffle(n, seed)`: pass a `seed` for a
 * fixed permutation, or leave it out to draw from the global stream that
 * `setSeed` controls (so a seeded run replays exactly).
 */
import { shuffle } from '@polytensor/core';
import { DatasetError } from './errors.js';

/** A labelled dataset on the host: row-major features [numExamples, numFeatures] and integer class labels. */
export interface HostDataset {
  /** Row-major [numExamples * numFeatures]. */
  features: Float32Array;
  /** Class index per example, in [0, numClasses). */
  labels: Int32Array;
  numExamples: number;
  numFeatures: number;
  numClasses: number;
  featureNames?: string[];
  classNames?: string[];
}

/** Typed arrays that row utilities accept and return (same type in, same type out). */
export type RowArray = Float32Array | Float64Array | Int32Array | Uint8Array;

// ---------------------------------------------------------------- validation

function checkCount(op: string, what: string, n: number, min = 0): void {
  if (!Number.isSafeInteger(n) || n < min) {
    throw new DatasetError(`${op}: ${what} must be an integer ≥ ${min}, got ${String(n)}`);
  }
}

function rowsOf(op: string, data: ArrayLike<number>, rowLength: number, what = 'features'): number {
  checkCount(op, 'the row length (numFeatures)', rowLength, 1);
  if (data.length % rowLength !== 0) {
    throw new DatasetError(
      `${op}: ${what} has ${data.length} values, which is not a whole number of rows of ${rowLength}; ` +
        `pass the number of values per row (numFeatures) that matches the data`,
    );
  }
  return data.length / rowLength;
}

/**
 * Throw a DatasetError at the first NaN or ±Infinity, naming its row and column
 * (and the feature name when given). Returns the number of rows.
 */
export function validateFeatures(features: ArrayLike<number>, numFeatures: number, options: { op?: string; featureNames?: readonly string[] } = {}): number {
  const op = options.op ?? 'validateFeatures';
  const rows = rowsOf(op, features, numFeatures);
  for (let i = 0; i < features.length; i++) {
    const v = features[i]!;
    if (!Number.isFinite(v)) {
      const row = Math.floor(i / numFeatures);
      const col = i % numFeatures;
      const name = options.featureNames?.[col];
      throw new DatasetError(
        `${op}: features contain ${String(v)} at row ${row}, column ${col}${name !== undefined ? ` ('${name}')` : ''}; ` +
          `every value must be finite: drop or impute missing values before using the data`,
      );
    }
  }
  return rows;
}

/** Throw a DatasetError at the first label that is not an integer in [0, numClasses). */
export function validateLabels(labels: ArrayLike<number>, numClasses: number, op = 'validateLabels'): void {
  checkCount(op, 'numClasses', numClasses, 1);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
      throw new DatasetError(
        `${op}: label ${String(v)} at row ${i} is out of range: labels must be integers in [0, ${numClasses}) ` +
          `(numClasses = ${numClasses}); check numClasses or remap the labels to 0..${numClasses - 1}`,
      );
    }
  }
}

/** Check that a HostDataset's arrays agree with its counts. */
export function validateDataset(ds: HostDataset, op = 'validateDataset', checkValues = false): void {
  checkCount(op, 'numExamples', ds.numExamples);
  checkCount(op, 'numFeatures', ds.numFeatures, 1);
  if (ds.features.length !== ds.numExamples * ds.numFeatures) {
    throw new DatasetError(
      `${op}: features has ${ds.features.length} values but numExamples × numFeatures = ` +
        `${ds.numExamples} × ${ds.numFeatures} = ${ds.numExamples * ds.numFeatures}`,
    );
  }
  if (ds.labels.length !== ds.numExamples) {
    throw new DatasetError(`${op}: labels has ${ds.labels.length} entries but numExamples is ${ds.numExamples}`);
  }
  if (checkValues) {
    validateFeatures(ds.features, ds.numFeatures, { op, ...(ds.featureNames ? { featureNames: ds.featureNames } : {}) });
    validateLabels(ds.labels, ds.numClasses, op);
  }
}

// ---------------------------------------------------------------- scaling, one-hot

/** Per-feature mean and standard deviation (population, as scikit-learn's StandardScaler). */
export interface StandardizeStats {
  mean: Float32Array;
  std: Float32Array;
}

/**
 * Standardize each column to mean 0, standard deviation 1: (x - mean) / std.
 * With `stats` (e.g. from the training split) those are applied instead of
 * computed, so the test split is scaled like the training split. A column with
 * std 0 is divided by 1 (it becomes all zeros) instead of producing NaN.
 */
export function standardize(
  features: Float32Array,
  numFeatures: number,
  stats?: StandardizeStats,
): { data: Float32Array; mean: Float32Array; std: Float32Array } {
  const op = 'standardize';
  const rows = validateFeatures(features, numFeatures, { op });
  let mean: Float32Array;
  let std: Float32Array;
  if (stats) {
    if (stats.mean.length !== numFeatures || stats.std.length !== numFeatures) {
      throw new DatasetError(
        `${op}: stats have ${stats.mean.length} means and ${stats.std.length} stds but the data has ${numFeatures} features; ` +
          `pass the stats returned by standardize() on data with the same columns`,
      );
    }
    for (let j = 0; j < numFeatures; j++) {
      if (!Number.isFinite(stats.mean[j]!) || !(stats.std[j]! > 0) || !Number.isFinite(stats.std[j]!)) {
        throw new DatasetError(`${op}: stats for column ${j} are invalid (mean ${stats.mean[j]}, std ${stats.std[j]}); std must be finite and > 0`);
      }
    }
    mean = Float32Array.from(stats.mean);
    std = Float32Array.from(stats.std);
  } else {
    if (rows === 0) throw new DatasetError(`${op}: cannot compute mean and std of 0 rows; pass stats to scale an empty array`);
    const m = new Float64Array(numFeatures);
    const s = new Float64Array(numFeatures);
    for (let i = 0; i < rows; i++) for (let j = 0; j < numFeatures; j++) m[j]! += features[i * numFeatures + j]!;
    for (let j = 0; j < numFeatures; j++) m[j]! /= rows;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < numFeatures; j++) {
        const d = features[i * numFeatures + j]! - m[j]!;
        s[j]! += d * d;
      }
    }
    mean = new Float32Array(numFeatures);
    std = new Float32Array(numFeatures);
    for (let j = 0; j < numFeatures; j++) {
      const sd = Math.sqrt(s[j]! / rows);
      mean[j] = m[j]!;
      // A constant column (or one whose spread underflows float32) would divide by ~0.
      std[j] = sd > 1e-12 * Math.max(1, Math.abs(m[j]!)) && Math.fround(sd) > 0 ? sd : 1;
    }
  }
  const data = new Float32Array(features.length);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < numFeatures; j++) {
      const k = i * numFeatures + j;
      data[k] = (features[k]! - mean[j]!) / std[j]!;
    }
  }
  return { data, mean, std };
}

/** One-hot encode class labels on the host: Float32Array [labels.length * numClasses]. */
export function oneHot(labels: ArrayLike<number>, numClasses: number): Float32Array {
  validateLabels(labels, numClasses, 'oneHot');
  const out = new Float32Array(labels.length * numClasses);
  for (let i = 0; i < labels.length; i++) out[i * numClasses + labels[i]!] = 1;
  return out;
}

// ---------------------------------------------------------------- row selection

function allocLike<T extends RowArray>(like: T, n: number): T {
  const ctor = like.constructor as new (length: number) => T;
  return new ctor(n);
}

/** Rows `indices` of a row-major array (rowLength values per row), in that order; same typed array type. */
export function takeRows<T extends RowArray>(data: T, rowLength: number, indices: ArrayLike<number>): T {
  const op = 'takeRows';
  const rows = rowsOf(op, data, rowLength, 'data');
  const out = allocLike(data, indices.length * rowLength);
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r]!;
    if (!Number.isInteger(i) || i < 0 || i >= rows) {
      throw new DatasetError(`${op}: index ${String(i)} (position ${r}) is out of range for ${rows} rows; indices must be integers in [0, ${rows})`);
    }
    if (rowLength === 1) out[r] = data[i]!;
    else out.set(data.subarray(i * rowLength, (i + 1) * rowLength), r * rowLength);
  }
  return out;
}

/** Throw unless `perm` is a permutation of 0..n-1. */
export function assertPermutation(perm: ArrayLike<number>, n: number, op = 'assertPermutation'): void {
  if (perm.length !== n) throw new DatasetError(`${op}: permutation has ${perm.length} entries but there are ${n} rows`);
  const seen = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const i = perm[r]!;
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new DatasetError(`${op}: permutation entry ${String(i)} at position ${r} is out of range [0, ${n})`);
    }
    if (seen[i]) throw new DatasetError(`${op}: permutation repeats ${i} (at position ${r}); each row must appear exactly once`);
    seen[i] = 1;
  }
}

/** Reorder rows by a permutation of 0..rows-1 (checked). */
export function permuteRows<T extends RowArray>(data: T, rowLength: number, perm: ArrayLike<number>): T {
  assertPermutation(perm, rowsOf('permuteRows', data, rowLength, 'data'), 'permuteRows');
  return takeRows(data, rowLength, perm);
}

/** Shuffle rows with a seeded permutation; returns the permuted copy and the permutation (apply it to labels too). */
export function shuffleRows<T extends RowArray>(data: T, rowLength: number, seed?: number): { data: T; perm: Int32Array } {
  const perm = shuffle(rowsOf('shuffleRows', data, rowLength, 'data'), seed);
  return { data: takeRows(data, rowLength, perm), perm };
}

/** The examples `indices` of a dataset, keeping names and numClasses. */
export function subset(ds: HostDataset, indices: ArrayLike<number>): HostDataset {
  validateDataset(ds, 'subset');
  const out: HostDataset = {
    features: takeRows(ds.features, ds.numFeatures, indices),
    labels: takeRows(ds.labels, 1, indices),
    numExamples: indices.length,
    numFeatures: ds.numFeatures,
    numClasses: ds.numClasses,
  };
  if (ds.featureNames) out.featureNames = ds.featureNames;
  if (ds.classNames) out.classNames = ds.classNames;
  return out;
}

/** A dataset with its rows in a seeded random order. */
export function shuffleDataset(ds: HostDataset, seed?: number): HostDataset {
  return subset(ds, shuffle(ds.numExamples, seed));
}

// ---------------------------------------------------------------- splits

/** Options shared by the split functions. */
export interface SplitOptions {
  /** Seed of the permutation; omitted: the global stream (see core's setSeed). */
  seed?: number;
  /** Shuffle before splitting (default true). With false the split is by position: train first, then val, then test. */
  shuffle?: boolean;
  /**
   * Keep class proportions in every part: true (use the dataset's labels) or the labels
   * to stratify by (for splitIndices). Each part then holds each class within ±1 of its share.
   */
  stratify?: boolean | ArrayLike<number>;
}

/** Sizes of the held-out parts: a fraction of the examples (rounded up, as scikit-learn) or an exact count. */
export interface PartSizes {
  testFraction?: number;
  testSize?: number;
  valFraction?: number;
  valSize?: number;
}

export interface SplitIndices {
  trainIdx: Int32Array;
  valIdx: Int32Array;
  testIdx: Int32Array;
}

function partSize(op: string, n: number, part: 'test' | 'val', fraction: number | undefined, size: number | undefined): number {
  if (fraction !== undefined && size !== undefined) {
    throw new DatasetError(`${op}: pass either ${part}Fraction or ${part}Size, not both`);
  }
  if (fraction !== undefined) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new DatasetError(`${op}: ${part}Fraction must be in (0, 1), got ${String(fraction)}`);
    }
    return Math.min(n, Math.ceil(fraction * n - 1e-9));
  }
  if (size !== undefined) {
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new DatasetError(`${op}: ${part}Size must be a non-negative integer, got ${String(size)}`);
    }
    return size;
  }
  return 0;
}

/**
 * The order in which examples are dealt into parts: the permutation itself, or
 * (stratified) the permutation interleaved by class so that every contiguous
 * block holds each class in proportion. Also returns each index's rank in `perm`.
 */
function dealOrder(op: string, perm: Int32Array, labels: ArrayLike<number> | undefined): { order: Int32Array; rank: Int32Array } {
  const n = perm.length;
  const rank = new Int32Array(n);
  for (let r = 0; r < n; r++) rank[perm[r]!] = r;
  if (!labels) return { order: perm, rank };
  if (labels.length !== n) throw new DatasetError(`${op}: stratify labels have ${labels.length} entries but there are ${n} examples`);
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    if (!Number.isInteger(c)) throw new DatasetError(`${op}: stratify label ${String(c)} at row ${i} is not an integer`);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  // Class member j (of n_c, in permutation order) sits at position (j + 0.5) / n_c.
  const seen = new Map<number, number>();
  const key = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const i = perm[r]!;
    const c = labels[i]!;
    const j = seen.get(c) ?? 0;
    seen.set(c, j + 1);
    key[i] = (j + 0.5) / counts.get(c)!;
  }
  const order = Int32Array.from(perm).sort((a, b) => key[a]! - key[b]! || rank[a]! - rank[b]!);
  return { order, rank };
}

/** Sort a part by rank in the permutation, so parts come out in shuffled (or, unshuffled, ascending) order. */
function byRank(part: Int32Array, rank: Int32Array): Int32Array {
  return part.sort((a, b) => rank[a]! - rank[b]!);
}

/**
 * Split 0..n-1 into train / val / test index sets: disjoint, together covering
 * every index, deterministic for a given seed. Sizes come from
 * test{Fraction,Size} and val{Fraction,Size} (val defaults to none); train gets the rest.
 */
export function splitIndices(n: number, options: PartSizes & Omit<SplitOptions, 'stratify'> & { stratify?: ArrayLike<number> }): SplitIndices {
  const op = 'splitIndices';
  checkCount(op, 'n', n);
  const nTest = partSize(op, n, 'test', options.testFraction, options.testSize);
  const nVal = partSize(op, n, 'val', options.valFraction, options.valSize);
  const nTrain = n - nTest - nVal;
  if (nTrain < 1) {
    throw new DatasetError(`${op}: with ${n} examples, test ${nTest} and val ${nVal} leave ${nTrain} for training; make the held-out parts smaller`);
  }
  const perm = options.shuffle === false ? Int32Array.from({ length: n }, (_, i) => i) : shuffle(n, options.seed);
  const { order, rank } = dealOrder(op, perm, options.stratify);
  return {
    trainIdx: byRank(order.slice(0, nTrain), rank),
    valIdx: byRank(order.slice(nTrain, nTrain + nVal), rank),
    testIdx: byRank(order.slice(nTrain + nVal), rank),
  };
}

function stratifyLabels(ds: HostDataset, stratify: SplitOptions['stratify']): ArrayLike<number> | undefined {
  if (stratify === true) return ds.labels;
  if (stratify === false || stratify === undefined) return undefined;
  return stratify;
}

function splitOpts(ds: HostDataset, o: SplitOptions): Omit<SplitOptions, 'stratify'> & { stratify?: ArrayLike<number> } {
  const out: Omit<SplitOptions, 'stratify'> & { stratify?: ArrayLike<number> } = {};
  if (o.seed !== undefined) out.seed = o.seed;
  if (o.shuffle !== undefined) out.shuffle = o.shuffle;
  const labels = stratifyLabels(ds, o.stratify);
  if (labels) out.stratify = labels;
  return out;
}

/**
 * Split a dataset into train and test parts (scikit-learn's train_test_split):
 * `trainTestSplit(iris, { testFraction: 0.2, seed: 1, stratify: true })`.
 */
export function trainTestSplit(
  ds: HostDataset,
  options: { testFraction?: number; testSize?: number } & SplitOptions,
): { train: HostDataset; test: HostDataset; trainIdx: Int32Array; testIdx: Int32Array } {
  validateDataset(ds, 'trainTestSplit');
  if (options.testFraction === undefined && options.testSize === undefined) {
    throw new DatasetError('trainTestSplit: pass testFraction (e.g. 0.2) or testSize (a count)');
  }
  const sizes: PartSizes = {};
  if (options.testFraction !== undefined) sizes.testFraction = options.testFraction;
  if (options.testSize !== undefined) sizes.testSize = options.testSize;
  const { trainIdx, testIdx } = splitIndices(ds.numExamples, { ...sizes, ...splitOpts(ds, options) });
  return { train: subset(ds, trainIdx), test: subset(ds, testIdx), trainIdx, testIdx };
}

/**
 * Split a dataset into train, validation and test parts:
 * `trainValTestSplit(ds, { valSize: 5000, testSize: 10000, seed: 0 })`.
 * (For MNIST, whose test set is separate, see loadMnistSplits: 55k / 5k / 10k.)
 */
export function trainValTestSplit(
  ds: HostDataset,
  options: PartSizes & SplitOptions,
): { train: HostDataset; val: HostDataset; test: HostDataset } & SplitIndices {
  validateDataset(ds, 'trainValTestSplit');
  if (options.testFraction === undefined && options.testSize === undefined) {
    throw new DatasetError('trainValTestSplit: pass testFraction or testSize');
  }
  if (options.valFraction === undefined && options.valSize === undefined) {
    throw new DatasetError('trainValTestSplit: pass valFraction or valSize');
  }
  const sizes: PartSizes = {};
  for (const k of ['testFraction', 'testSize', 'valFraction', 'valSize'] as const) {
    const v = options[k];
    if (v !== undefined) sizes[k] = v;
  }
  const idx = splitIndices(ds.numExamples, { ...sizes, ...splitOpts(ds, options) });
  return { train: subset(ds, idx.trainIdx), val: subset(ds, idx.valIdx), test: subset(ds, idx.testIdx), ...idx };
}

/** One fold of k-fold cross-validation. */
export interface Fold {
  fold: number;
  trainIdx: Int32Array;
  valIdx: Int32Array;
}

/**
 * k-fold cross-validation over 0..n-1: yields k folds whose validation sets are
 * disjoint and cover every index exactly once (sizes differ by at most one).
 * Third argument: a seed, or { seed, shuffle (default true), stratify: labels }.
 */
export function* kFold(
  n: number,
  k: number,
  options: number | { seed?: number; shuffle?: boolean; stratify?: ArrayLike<number> } = {},
): Generator<Fold, void, undefined> {
  const op = 'kFold';
  checkCount(op, 'n', n);
  if (!Number.isSafeInteger(k) || k < 2) throw new DatasetError(`${op}: k must be an integer ≥ 2, got ${String(k)}`);
  if (k > n) throw new DatasetError(`${op}: k (${k}) is larger than the number of examples (${n}); every fold needs at least one`);
  const o = typeof options === 'number' ? { seed: options } : options;
  const perm = o.shuffle === false ? Int32Array.from({ length: n }, (_, i) => i) : shuffle(n, o.seed);
  const { order, rank } = dealOrder(op, perm, o.stratify);
  const base = Math.floor(n / k);
  const extra = n % k;
  let start = 0;
  for (let f = 0; f < k; f++) {
    const size = base + (f < extra ? 1 : 0);
    const valIdx = byRank(order.slice(start, start + size), rank);
    const trainIdx = byRank(Int32Array.from([...order.subarray(0, start), ...order.subarray(start + size)]), rank);
    start += size;
    yield { fold: f, trainIdx, valIdx };
  }
}

/** Number of minibatches `batches` yields. */
export function numBatches(n: number, batchSize: number, dropRemainder = false): number {
  checkCount('numBatches', 'n', n);
  checkCount('numBatches', 'batchSize', batchSize, 1);
  return dropRemainder ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}

/**
 * Minibatches of row indices over 0..n-1, each an Int32Array of batchSize (the
 * last may be shorter unless dropRemainder). With shuffle, one permutation for
 * the pass: a fixed `seed` (use e.g. seed + epoch for a new order each epoch),
 * or none to draw from the global stream (a new order every call, replayable
 * with setSeed).
 */
export function* batches(
  n: number,
  batchSize: number,
  options: { shuffle?: boolean; seed?: number; dropRemainder?: boolean } = {},
): Generator<Int32Array, void, undefined> {
  const count = numBatches(n, batchSize, options.dropRemainder ?? false);
  const order = options.shuffle ? shuffle(n, options.seed) : Int32Array.from({ length: n }, (_, i) => i);
  for (let b = 0; b < count; b++) yield order.slice(b * batchSize, Math.min(n, (b + 1) * batchSize));
}
