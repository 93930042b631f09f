import { afterEach, describe, expect, it } from 'vitest';
import type { ReduceOp } from '@polytensor/core';
import { Harness, randomFloats } from '../test_util.js';

let h = new Harness();
afterEach(() => {
  expect(h.finish()).toBe(0);
  h = new Harness();
});

/** Naive reference: visit every element, accumulate into the output cell with the reduced axes dropped. */
function naiveReduce(op: ReduceOp, x: ArrayLike<number>, shape: number[], axes: number[]): number[] {
  const outShape = shape.filter((_, i) => !axes.includes(i));
  const outSize = outShape.reduce((a, b) => a * b, 1);
  const init = { sum: 0, prod: 1, max: -Infinity, min: Infinity }[op];
  const out = new Array<number>(outSize).fill(init);
  const idx = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < x.length; flat++) {
    let rem = flat;
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d] = rem % shape[d]!;
      rem = Math.floor(rem / shape[d]!);
    }
    let o = 0;
    for (let d = 0; d < shape.length; d++) if (!axes.includes(d)) o = o * shape[d]! + idx[d]!;
    const v = x[flat]!;
    out[o] = op === 'sum' ? out[o]! + v : op === 'prod' ? out[o]! * v : op === 'max' ? Math.max(out[o]!, v) : Math.min(out[o]!, v);
  }
  return out.map(Math.fround);
}

describe('reduce', () => {
  it('reduces any axis set like the naive definition', () => {
    const shape = [2, 3, 4, 5];
    const x = randomFloats(120, 7);
    const axesSets = [[0], [1], [3], [0, 1], [1, 2], [2, 3], [0, 2], [1, 3], [0, 3], [0, 1, 2, 3], [0, 2, 3]];
    for (const op of ['sum', 'max', 'min', 'prod'] as const) {
      for (const axes of axesSets) {
        const out = h.be.kernels.reduce(op, h.input(x, shape), axes);
        expect(out.shape).toEqual(shape.filter((_, i) => !axes.includes(i)));
        const got = h.out(out);
        const want = naiveReduce(op, x, shape, axes);
        // Orders of summation differ; both are double sums rounded once, so they agree to a float32 ulp.
        got.forEach((g, i) => expect(Math.abs(g - want[i]!), `${op} ${axes}`).toBeLessThanOrEqual(Math.abs(want[i]!) * 2 ** -23));
      }
    }
  });

  it('gives identities on empty reductions and propagates NaN', () => {
    const e = h.input([], [2, 0]);
    expect(h.out(h.be.kernels.reduce('sum', e, [1]))).toEqual([0, 0]);
    expect(h.out(h.be.kernels.reduce('prod', e, [1]))).toEqual([1, 1]);
    expect(h.out(h.be.kernels.reduce('max', e, [1]))).toEqual([-Infinity, -Infinity]);
    expect(h.out(h.be.kernels.reduce('min', e, [1]))).toEqual([Infinity, Infinity]);
    expect(h.out(h.be.kernels.reduce('sum', e, [0]))).toEqual([]);
    const n = h.input([1, NaN, 3, 4, 5, -Infinity], [2, 3]);
    expect(h.out(h.be.kernels.reduce('max', n, [1]))).toEqual([NaN, 5]);
    expect(h.out(h.be.kernels.reduce('min', n, [1]))).toEqual([NaN, -Infinity]);
    expect(h.out(h.be.kernels.reduce('max', n, [0]))).toEqual([4, NaN, 3]);
    expect(h.out(h.be.kernels.reduce('sum', n, [0, 1]))).toEqual([NaN]);
  });

  it('keeps int32 sums exact modulo 2^32 and uses int32 identities', () => {
    const big = 2147483647;
    const x = h.input([big, 1, 5], [3], 'int32');
    const s = h.be.kernels.reduce('sum', x, [0]);
    expect(s.dtype).toBe('int32');
    expect(h.out(s)).toEqual([-2147483648 + 5]);
    expect(h.out(h.be.kernels.reduce('prod', h.input([65536, 65536, 3], [3], 'int32'), [0]))).toEqual([0]);
    expect(h.out(h.be.kernels.reduce('max', h.input([], [0], 'int32'), [0]))).toEqual([-2147483648]);
    expect(h.out(h.be.kernels.reduce('min', h.input([3, -2], [2], 'int32'), [0]))).toEqual([-2]);
  });

  it('sums a long row accurately (double accumulation)', () => {
    const n = 1 << 16;
    const x = new Float32Array(n).fill(0.1);
    const got = h.out(h.be.kernels.reduce('sum', h.input(x, [n]), [0]))[0]!;
    expect(got).toBe(Math.fround(Math.fround(0.1) * n));
  });
});

describe('argReduce', () => {
  it('finds the first extreme along any axis', () => {
    const x = h.input([1, 3, 3, 0, 2, 0, 5, 5, -1, 4, 4, -1], [2, 2, 3]);
    expect(h.out(h.be.kernels.argReduce('argMax', x, 2))).toEqual([1, 1, 0, 0]);
    expect(h.out(h.be.kernels.argReduce('argMin', x, 2))).toEqual([0, 0, 2, 2]);
    const a0 = h.be.kernels.argReduce('argMax', x, 0);
    expect(a0.shape).toEqual([2, 3]);
    expect(a0.dtype).toBe('int32');
    expect(h.out(a0)).toEqual([1, 1, 0, 1, 1, 0]);
    expect(h.out(h.be.kernels.argReduce('argMin', x, 1))).toEqual([1, 1, 1, 1, 1, 0]);
  });

  it('treats NaN as the extreme and picks the first NaN', () => {
    const x = h.input([1, NaN, 9, NaN, NaN, 2, 3, 4, -Infinity], [3, 3]);
    expect(h.out(h.be.kernels.argReduce('argMax', x, 1))).toEqual([1, 0, 1]);
    expect(h.out(h.be.kernels.argReduce('argMin', x, 1))).toEqual([1, 0, 2]);
    expect(h.out(h.be.kernels.argReduce('argMax', h.input([-0, 0], [2]), 0))).toEqual([0]);
    expect(h.out(h.be.kernels.argReduce('argMax', h.input([], [0, 4]), 1))).toEqual([]);
  });
});
