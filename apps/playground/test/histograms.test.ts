import { describe, expect, it } from 'vitest';
import { histogram } from '../src/histograms.js';

/** Reference binning: the last edge at or below each value, by a linear scan over the edges. */
function referenceCounts(values: number[], bins: number): number[] {
  const finite = values.filter(Number.isFinite);
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const counts = new Array<number>(bins).fill(0);
  for (const v of finite) {
    let k = 0;
    for (let e = 1; e < bins; e++) if (v >= min + (e * (max - min)) / bins) k = e;
    counts[k]!++;
  }
  return counts;
}

describe('histogram', () => {
  it('puts one value in each bin for evenly spaced values', () => {
    const h = histogram('x', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 10);
    expect(h.counts).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect([h.min, h.max, h.size]).toEqual([0, 9, 10]);
  });

  it('agrees with a linear scan over the bin edges on random values', () => {
    let seed = 7;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const bins of [1, 5, 24]) {
      const values = Array.from({ length: 1000 }, () => (rand() - 0.3) * 4);
      const h = histogram('w', Float32Array.from(values), bins);
      const f32 = Array.from(Float32Array.from(values));
      expect(h.counts).toEqual(referenceCounts(f32, bins));
      expect(h.counts.reduce((a, b) => a + b, 0)).toBe(1000);
    }
  });

  it('skips non-finite values and centres a constant', () => {
    const h = histogram('b', [0, 0, Number.NaN, 0, Number.POSITIVE_INFINITY], 3);
    expect(h.counts).toEqual([0, 3, 0]);
    expect([h.min, h.max, h.size]).toEqual([-0.5, 0.5, 5]);
    expect(histogram('empty', [], 4).counts).toEqual([0, 0, 0, 0]);
  });

  it('rejects a bin count that is not a positive integer, naming the histogram', () => {
    expect(() => histogram('dense/kernel', [1], 0)).toThrow(/histogram\(dense\/kernel\): bins must be a positive integer, got 0/);
  });
});
