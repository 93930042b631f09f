import { afterEach, describe, expect, it } from 'vitest';
import { Harness, randomFloats } from '../test_util.js';

let h = new Harness();
afterEach(() => {
  expect(h.finish()).toBe(0);
  h = new Harness();
});

function refSoftmax(row: number[]): number[] {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

describe('softmax / logSoftmax', () => {
  it('normalise each row of the last axis', () => {
    const xv = Array.from(randomFloats(3 * 4 * 5, 9, -5, 5));
    const sm = h.out(h.be.kernels.softmax(h.input(xv, [3, 4, 5])));
    const ls = h.out(h.be.kernels.logSoftmax(h.input(xv, [3, 4, 5])));
    for (let r = 0; r < 12; r++) {
      const want = refSoftmax(xv.slice(r * 5, r * 5 + 5));
      for (let j = 0; j < 5; j++) {
        expect(Math.abs(sm[r * 5 + j]! - want[j]!)).toBeLessThanOrEqual(want[j]! * 2 ** -22);
        expect(Math.abs(ls[r * 5 + j]! - Math.log(want[j]!))).toBeLessThanOrEqual(Math.abs(Math.log(want[j]!)) * 2 ** -22 + 1e-7);
      }
    }
  });

  it('is stable for huge logits and keeps IEEE behaviour for NaN and -Infinity', () => {
    expect(h.out(h.be.kernels.softmax(h.input([1000, 1000, -1000], [3])))).toEqual([0.5, 0.5, 0]);
    expect(h.out(h.be.kernels.logSoftmax(h.input([1000, 1000], [2])))).toEqual([-Math.fround(Math.LN2), -Math.fround(Math.LN2)]);
    expect(h.out(h.be.kernels.softmax(h.input([1, NaN, 2, 0, -Infinity, 0], [2, 3])))).toEqual([NaN, NaN, NaN, 0.5, 0, 0.5]);
    expect(h.out(h.be.kernels.logSoftmax(h.input([0, -Infinity], [2])))).toEqual([0, -Infinity]);
    expect(h.out(h.be.kernels.softmax(h.input([7], [])))).toEqual([1]);
    expect(h.out(h.be.kernels.softmax(h.input([], [3, 0])))).toEqual([]);
    expect(h.out(h.be.kernels.logSoftmax(h.input([], [0, 3])))).toEqual([]);
  });
});
