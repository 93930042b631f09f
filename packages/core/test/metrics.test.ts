import { describe, expect, it } from 'vitest';
import { type Tensor, tensor } from './helpers.js';
import { LOSSES, meanSquaredError } from '../src/train/losses.js';
import {
  METRICS,
  accuracy,
  binaryAccuracy,
  categoricalAccuracy,
  getMetric,
  metricNames,
  sparseCategoricalAccuracy,
  sparseTopKCategoricalAccuracy,
  topKCategoricalAccuracy,
} from '../src/train/metrics.js';

const int = (v: number[], shape?: number[]): Tensor => tensor(v, shape, 'int32');

/** Run a metric, check it is a float32 scalar, return its value and free it. */
function run(f: () => Tensor): number {
  const t = f();
  expect(t.shape).toEqual([]);
  expect(t.dtype).toBe('float32');
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
}

/** Uses `ts` in `f`, then disposes them even when an expectation fails. */
function using(ts: Tensor[], f: () => void): void {
  try {
    f();
  } finally {
    for (const t of ts) t.dispose();
  }
}

// 4 examples, 4 classes; argMax per row: 0, 3, 1, 2
const pred = [0.6, 0.1, 0.2, 0.1, 0.1, 0.2, 0.3, 0.4, 0.2, 0.5, 0.25, 0.05, 0.3, 0.1, 0.35, 0.25];
const oneHotRows = (ids: number[], C = 4): number[] => ids.flatMap((id) => Array.from({ length: C }, (_, c) => (c === id ? 1 : 0)));

describe('metrics: values', () => {
  it('sparse and categorical accuracy', () => {
    const p = tensor(pred, [4, 4]);
    const ids = int([0, 3, 2, 0]); // right, right, wrong, wrong
    const y = tensor(oneHotRows([0, 3, 2, 0]), [4, 4]);
    using([p, ids, y], () => {
      expect(run(() => sparseCategoricalAccuracy(ids, p))).toBeCloseTo(0.5, 7);
      expect(run(() => categoricalAccuracy(y, p))).toBeCloseTo(0.5, 7);
    });
  });

  it('accuracy follows the labels: class ids, [N, 1] ids, one-hot, single unit', () => {
    const p = tensor(pred, [4, 4]);
    const ids = int([0, 3, 1, 2]);
    const idsCol = int([0, 3, 1, 1], [4, 1]);
    const y = tensor(oneHotRows([1, 3, 1, 2]), [4, 4]);
    const sig = tensor([[0.9], [0.2], [0.6], [0.4]]);
    const bin = tensor([[1], [0], [0], [0]]);
    const binInt = int([1, 0, 0, 0], [4, 1]);
    using([p, ids, idsCol, y, sig, bin, binInt], () => {
      expect(run(() => accuracy(ids, p))).toBe(1);
      expect(run(() => accuracy(idsCol, p))).toBeCloseTo(0.75, 7);
      expect(run(() => accuracy(y, p))).toBeCloseTo(0.75, 7);
      expect(run(() => accuracy(bin, sig))).toBeCloseTo(0.75, 7);
      expect(run(() => accuracy(binInt, sig))).toBeCloseTo(0.75, 7);
      expect(run(() => binaryAccuracy(bin, sig, 0.95))).toBeCloseTo(0.75, 7);
    });
  });

  it('top-k accuracy, dense and sparse', () => {
    const p = tensor(pred, [4, 4]);
    // ranks of these targets in their rows: 1st, 4th, 2nd, 3rd
    const targets = [0, 0, 2, 3];
    const ids = int(targets);
    const y = tensor(oneHotRows(targets), [4, 4]);
    using([p, ids, y], () => {
      for (const [k, expected] of [
        [1, 0.25],
        [2, 0.5],
        [3, 0.75],
        [4, 1],
        [9, 1],
      ] as const) {
        expect(run(() => sparseTopKCategoricalAccuracy(ids, p, k))).toBeCloseTo(expected, 7);
        expect(run(() => topKCategoricalAccuracy(y, p, k))).toBeCloseTo(expected, 7);
      }
      // default k = 5 covers all 4 classes
      expect(run(() => sparseTopKCategoricalAccuracy(ids, p))).toBe(1);
      expect(run(() => getMetric('topKCategoricalAccuracy').fn(y, p))).toBe(1);
    });
  });

  it("top-k counts ties in the target's favour and never counts a non-finite target", () => {
    const p = tensor([
      [0.5, 0.5, 0.5, 0.1],
      [NaN, 0.2, 0.1, 0.0],
      [-Infinity, -Infinity, 1, 2],
    ]);
    const ids = int([2, 0, 0]);
    using([p, ids], () => {
      expect(run(() => sparseTopKCategoricalAccuracy(ids, p, 1))).toBeCloseTo(1 / 3, 7);
      expect(run(() => sparseTopKCategoricalAccuracy(ids, p, 4))).toBeCloseTo(1 / 3, 7);
    });
  });
});

describe('metrics: validation', () => {
  it('explains mismatched labels', () => {
    const p = tensor(pred, [4, 4]);
    const idsF = tensor([0, 1, 2, 3]);
    const ids3 = int([0, 1, 2]);
    const out = int([0, 1, 4, 3]);
    const y3 = tensor(oneHotRows([0, 1, 2], 3).concat([0, 0, 1]), [4, 3]);
    using([p, idsF, ids3, out, y3], () => {
      expect(() => sparseCategoricalAccuracy(idsF, p)).toThrow(/sparseCategoricalAccuracy.*float32.*int32/);
      expect(() => sparseCategoricalAccuracy(ids3, p)).toThrow(/\[3\].*\[4,4\]/);
      expect(() => sparseTopKCategoricalAccuracy(out, p, 2)).toThrow(/label 4 .*\[0, 4\)/);
      expect(() => categoricalAccuracy(y3, p)).toThrow(/categoricalAccuracy.*\[4,3\].*\[4,4\]/);
      expect(() => accuracy(y3, p)).toThrow(/accuracy: cannot match labels \[4,3\] float32 with predictions \[4,4\]/);
      expect(() => sparseTopKCategoricalAccuracy(ids3, p, 0)).toThrow(/k must be a positive integer, got 0/);
      expect(() => topKCategoricalAccuracy(p, p, 1.5)).toThrow(/k must be a positive integer, got 1.5/);
    });
  });
});

describe('metrics: registry', () => {
  it('resolves metric names, aliases and loss names', () => {
    expect(getMetric('acc')).toBe(METRICS.accuracy);
    expect(getMetric('accuracy')).toBe(METRICS.accuracy);
    expect(getMetric('sparse_categorical_accuracy')).toBe(METRICS.sparseCategoricalAccuracy);
    expect(getMetric('categoricalAccuracy').fn).toBe(categoricalAccuracy);
    expect(getMetric('sparseTopKCategoricalAccuracy').fn).toBe(sparseTopKCategoricalAccuracy);
    expect(getMetric('mse')).toMatchObject({ name: 'meanSquaredError', fn: meanSquaredError });
    expect(getMetric('sparseSoftmaxCrossEntropy').fn).toBe(LOSSES.sparseSoftmaxCrossEntropy.fn);
    expect(getMetric(accuracy)).toMatchObject({ name: 'accuracy', fn: accuracy });
    const custom = (a: Tensor, b: Tensor): Tensor => accuracy(a, b);
    expect(getMetric(custom)).toMatchObject({ name: 'custom', fn: custom });
  });

  it('loss names used as metrics compute the loss', () => {
    const p = tensor(pred, [4, 4]);
    const ids = int([0, 3, 1, 2]);
    using([p, ids], () => {
      const viaMetric = run(() => getMetric('sparseCategoricalCrossentropy').fn(ids, p));
      const viaLoss = run(() => LOSSES.sparseCategoricalCrossentropy.fn(ids, p));
      expect(viaMetric).toBe(viaLoss);
    });
  });

  it('lists the valid names for an unknown one', () => {
    expect(() => getMetric('fBetaScore')).toThrow(
      /unknown metric 'fBetaScore'.*'accuracy'.*'acc'.*'sparseCategoricalAccuracy'.*'topKCategoricalAccuracy'.*'mse'/,
    );
    expect(metricNames()).toEqual(expect.arrayContaining(['accuracy', 'acc', 'categoricalAccuracy', 'sparseTopKCategoricalAccuracy', 'meanSquaredError']));
  });
});
