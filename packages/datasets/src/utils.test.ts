import { setSeed } from '@polytensor/core';
import { describe, expect, it } from 'vitest';
import { DatasetError } from './errors.js';
import {
  batches,
  kFold,
  numBatches,
  oneHot,
  permuteRows,
  shuffleRows,
  splitIndices,
  standardize,
  subset,
  takeRows,
  trainTestSplit,
  trainValTestSplit,
  validateFeatures,
  validateLabels,
} from './utils.js';
import type { HostDataset } from './utils.js';

/** n examples, 2 features (i, 10 i), labels cycling over k classes with uneven counts. */
function toy(n: number, k = 3): HostDataset {
  const features = new Float32Array(n * 2);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    features[2 * i] = i;
    features[2 * i + 1] = 10 * i;
    labels[i] = i % 7 < 4 ? 0 : (i % 7) % k; // class 0 over-represented
  }
  return { features, labels, numExamples: n, numFeatures: 2, numClasses: k, classNames: ['a', 'b', 'c'] };
}

/** Disjoint and covering 0..n-1. */
function expectPartition(n: number, ...parts: Int32Array[]): void {
  const seen = new Uint8Array(n);
  for (const p of parts) {
    for (const i of p) {
      expect(seen[i], `index ${i} appears twice`).toBe(0);
      seen[i] = 1;
    }
  }
  expect(seen.every((s) => s === 1)).toBe(true);
}

const classCounts = (labels: ArrayLike<number>, idx: ArrayLike<number>, k: number): number[] => {
  const c = new Array<number>(k).fill(0);
  for (let r = 0; r < idx.length; r++) c[labels[idx[r]!]!]!++;
  return c;
};

describe('splits', () => {
  it('trainTestSplit is disjoint, covering, sized like scikit-learn and deterministic per seed', () => {
    const ds = toy(101);
    const a = trainTestSplit(ds, { testFraction: 0.2, seed: 7 });
    const b = trainTestSplit(ds, { testFraction: 0.2, seed: 7 });
    const c = trainTestSplit(ds, { testFraction: 0.2, seed: 8 });
    expect([a.trainIdx.length, a.testIdx.length]).toEqual([80, 21]); // ceil(0.2 * 101)
    expectPartition(101, a.trainIdx, a.testIdx);
    expect(a.trainIdx).toEqual(b.trainIdx);
    expect(a.testIdx).toEqual(b.testIdx);
    expect(a.testIdx).not.toEqual(c.testIdx);
    // Rows follow their indices.
    const i = a.testIdx[3]!;
    expect([a.test.features[6], a.test.features[7], a.test.labels[3]]).toEqual([i, 10 * i, ds.labels[i]]);
    expect(a.test.classNames).toEqual(['a', 'b', 'c']);
  });

  it('without a seed, the global stream (setSeed) decides', () => {
    setSeed(42);
    const a = splitIndices(50, { testSize: 10 });
    setSeed(42);
    const b = splitIndices(50, { testSize: 10 });
    expect(a.testIdx).toEqual(b.testIdx);
  });

  it('shuffle: false splits by position', () => {
    const { trainIdx, valIdx, testIdx } = splitIndices(10, { valSize: 2, testSize: 3, shuffle: false });
    expect([Array.from(trainIdx), Array.from(valIdx), Array.from(testIdx)]).toEqual([
      [0, 1, 2, 3, 4],
      [5, 6],
      [7, 8, 9],
    ]);
  });

  it('stratify keeps class proportions within ±1 in every part', () => {
    const ds = toy(700);
    const total = classCounts(
      ds.labels,
      Int32Array.from({ length: 700 }, (_, i) => i),
      3,
    );
    const s = trainValTestSplit(ds, { valFraction: 0.1, testFraction: 0.2, seed: 3, stratify: true });
    expectPartition(700, s.trainIdx, s.valIdx, s.testIdx);
    expect([s.train.numExamples, s.val.numExamples, s.test.numExamples]).toEqual([490, 70, 140]);
    for (const [idx, frac] of [
      [s.testIdx, 0.2],
      [s.valIdx, 0.1],
    ] as const) {
      const counts = classCounts(ds.labels, idx, 3);
      counts.forEach((c, k) => expect(Math.abs(c - frac * total[k]!)).toBeLessThanOrEqual(1));
    }
    const again = trainValTestSplit(ds, { valFraction: 0.1, testFraction: 0.2, seed: 3, stratify: true });
    expect(again.valIdx).toEqual(s.valIdx);
  });

  it('rejects bad sizes', () => {
    const ds = toy(10);
    expect(() => trainTestSplit(ds, { testFraction: 1.5 })).toThrow(DatasetError);
    expect(() => trainTestSplit(ds, { testFraction: 0 })).toThrow(/testFraction must be in \(0, 1\)/);
    expect(() => trainTestSplit(ds, {})).toThrow(/pass testFraction/);
    expect(() => trainTestSplit(ds, { testSize: 10 })).toThrow(/leave 0 for training/);
    expect(() => trainTestSplit(ds, { testSize: 2, testFraction: 0.2 })).toThrow(/not both/);
    expect(() => trainTestSplit({ ...ds, numExamples: 11 }, { testSize: 2 })).toThrow(/features has 20 values but numExamples × numFeatures = 11 × 2 = 22/);
  });
});

describe('kFold', () => {
  it('each index is validation exactly once; train is the complement', () => {
    const n = 23;
    const folds = [...kFold(n, 5, 11)];
    expect(folds.map((f) => f.valIdx.length)).toEqual([5, 5, 5, 4, 4]);
    expectPartition(n, ...folds.map((f) => f.valIdx));
    for (const f of folds) expectPartition(n, f.trainIdx, f.valIdx);
    const again = [...kFold(n, 5, 11)];
    expect(again.map((f) => Array.from(f.valIdx))).toEqual(folds.map((f) => Array.from(f.valIdx)));
    expect([...kFold(n, 5, 12)][0]!.valIdx).not.toEqual(folds[0]!.valIdx);
  });

  it('stratified folds keep proportions', () => {
    const ds = toy(350);
    const total = classCounts(
      ds.labels,
      Int32Array.from({ length: 350 }, (_, i) => i),
      3,
    );
    const folds = [...kFold(350, 5, { seed: 1, stratify: ds.labels })];
    expectPartition(350, ...folds.map((f) => f.valIdx));
    for (const f of folds) {
      classCounts(ds.labels, f.valIdx, 3).forEach((c, k) => expect(Math.abs(c - total[k]! / 5)).toBeLessThanOrEqual(1));
    }
  });

  it('rejects k < 2 and k > n', () => {
    expect(() => [...kFold(10, 1)]).toThrow(/k must be an integer ≥ 2, got 1/);
    expect(() => [...kFold(3, 4)]).toThrow(/k \(4\) is larger than the number of examples \(3\)/);
  });
});

describe('batches', () => {
  it('covers 0..n-1 in order, or shuffled per seed; dropRemainder drops the short batch', () => {
    const plain = [...batches(10, 4)];
    expect(plain.map((b) => Array.from(b))).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    expect([...batches(10, 4, { dropRemainder: true })]).toHaveLength(2);
    expect(numBatches(10, 4)).toBe(3);
    expect(numBatches(10, 4, true)).toBe(2);
    const s1 = [...batches(100, 32, { shuffle: true, seed: 5 })];
    const s2 = [...batches(100, 32, { shuffle: true, seed: 5 })];
    expect(s1.map((b) => b.length)).toEqual([32, 32, 32, 4]);
    expect(s1).toEqual(s2);
    expectPartition(100, ...s1);
    expect(Array.from(s1[0]!)).not.toEqual(Array.from({ length: 32 }, (_, i) => i));
  });

  it('rejects batchSize ≤ 0', () => {
    expect(() => [...batches(10, 0)]).toThrow(/batchSize must be an integer ≥ 1, got 0/);
    expect(() => [...batches(10, -3)]).toThrow(DatasetError);
    expect(() => [...batches(10, 2.5)]).toThrow(/batchSize/);
  });
});

describe('standardize, oneHot, rows', () => {
  it('standardize gives mean ≈ 0, std ≈ 1 per column; constant columns stay finite', () => {
    const n = 200;
    const x = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      x[3 * i] = 1000 + 5 * Math.sin(i);
      x[3 * i + 1] = i * 0.01;
      x[3 * i + 2] = 7; // constant
    }
    const { data, mean, std } = standardize(x, 3);
    for (let j = 0; j < 3; j++) {
      let m = 0;
      let s = 0;
      for (let i = 0; i < n; i++) m += data[3 * i + j]!;
      m /= n;
      for (let i = 0; i < n; i++) s += (data[3 * i + j]! - m) ** 2;
      const sd = Math.sqrt(s / n);
      expect(Math.abs(m)).toBeLessThan(1e-5);
      if (j < 2) expect(sd).toBeCloseTo(1, 4);
      else expect(sd).toBe(0);
    }
    expect(std[2]).toBe(1);
    expect(mean[2]).toBe(7);
    expect(data.every(Number.isFinite)).toBe(true);
    // Applying training stats to other data.
    const other = standardize(Float32Array.from([mean[0]!, mean[1]! + std[1]!, 8]), 3, { mean, std });
    expect(other.data[0]).toBe(0);
    expect(other.data[1]).toBeCloseTo(1, 5);
    expect(other.data[2]).toBe(1);
  });

  it('NaN and Infinity are reported with row and column', () => {
    const x = Float32Array.from([1, 2, 3, 4, NaN, 6]);
    expect(() => standardize(x, 3)).toThrow(/NaN at row 1, column 1/);
    expect(() => validateFeatures(Float32Array.from([1, Infinity]), 2, { featureNames: ['a', 'b'] })).toThrow(/Infinity at row 0, column 1 \('b'\)/);
    expect(() => validateFeatures(new Float32Array(5), 2)).toThrow(/5 values, which is not a whole number of rows of 2/);
  });

  it('oneHot on the host; labels out of range are rejected', () => {
    expect(Array.from(oneHot(Int32Array.from([2, 0]), 3))).toEqual([0, 0, 1, 1, 0, 0]);
    expect(() => oneHot([0, 3], 3)).toThrow(/label 3 at row 1 is out of range: labels must be integers in \[0, 3\)/);
    expect(() => validateLabels([0, -1], 2)).toThrow(/label -1 at row 1/);
    expect(() => validateLabels([0.5], 2)).toThrow(DatasetError);
  });

  it('takeRows, permuteRows, shuffleRows, subset', () => {
    const x = Float32Array.from([0, 1, 10, 11, 20, 21]);
    expect(Array.from(takeRows(x, 2, [2, 0, 2]))).toEqual([20, 21, 0, 1, 20, 21]);
    expect(takeRows(Int32Array.from([5, 6, 7]), 1, [1])).toBeInstanceOf(Int32Array);
    expect(() => takeRows(x, 2, [3])).toThrow(/index 3 \(position 0\) is out of range for 3 rows/);
    expect(Array.from(permuteRows(x, 2, [1, 2, 0]))).toEqual([10, 11, 20, 21, 0, 1]);
    expect(() => permuteRows(x, 2, [0, 0, 1])).toThrow(/repeats 0/);
    const { data, perm } = shuffleRows(x, 2, 9);
    expect(data).toEqual(takeRows(x, 2, perm));
    expect(shuffleRows(x, 2, 9).perm).toEqual(perm);
    const ds = toy(10);
    const sub = subset(ds, [9, 1]);
    expect([Array.from(sub.features), Array.from(sub.labels), sub.numExamples]).toEqual([[9, 90, 1, 10], [ds.labels[9], ds.labels[1]], 2]);
  });
});
