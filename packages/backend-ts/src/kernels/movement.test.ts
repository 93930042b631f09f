import { afterEach, describe, expect, it } from 'vitest';
import { Harness, randomFloats } from '../test_util.js';

let h = new Harness();
afterEach(() => {
  expect(h.finish()).toBe(0);
  h = new Harness();
});

const iota = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Multi-index of flat position `flat` in `shape`. */
function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return idx;
}
function ravel(idx: readonly number[], shape: readonly number[]): number {
  return idx.reduce((acc, v, d) => acc * shape[d]! + v, 0);
}

describe('transpose', () => {
  it('permutes axes like the index definition', () => {
    const shape = [2, 3, 4, 5];
    const x = iota(120);
    for (const perm of [
      [0, 1, 2, 3],
      [3, 2, 1, 0],
      [1, 0, 2, 3],
      [0, 2, 3, 1],
      [2, 0, 3, 1],
    ]) {
      const out = h.be.kernels.transpose(h.input(x, shape), perm);
      const outShape = perm.map((p) => shape[p]!);
      expect(out.shape).toEqual(outShape);
      const want = iota(120).map((flat) => {
        const o = unravel(flat, outShape);
        const i = new Array<number>(4);
        perm.forEach((p, k) => (i[p] = o[k]!));
        return x[ravel(i, shape)]!;
      });
      expect(h.out(out), String(perm)).toEqual(want);
    }
  });

  it('transposes matrices (tiled path), rank 0, int and bool, and empty tensors', () => {
    const m = randomFloats(70 * 45, 3);
    const got = h.out(h.be.kernels.transpose(h.input(m, [70, 45]), [1, 0]));
    expect(got).toEqual(iota(45 * 70).map((f) => m[(f % 70) * 45 + Math.floor(f / 70)]));
    expect(h.out(h.be.kernels.transpose(h.input([7], []), []))).toEqual([7]);
    const b = h.be.kernels.transpose(h.input([1, 0, 0, 1, 1, 0], [2, 3], 'bool'), [1, 0]);
    expect(b.dtype).toBe('bool');
    expect(h.out(b)).toEqual([1, 1, 0, 1, 0, 0]);
    const e = h.be.kernels.transpose(h.input([], [0, 3]), [1, 0]);
    expect(e.shape).toEqual([3, 0]);
    expect(h.out(e)).toEqual([]);
  });
});

describe('slice / concat / pad', () => {
  it('slices a block', () => {
    const x = h.input(iota(24), [2, 3, 4], 'int32');
    const out = h.be.kernels.slice(x, [1, 1, 1], [1, 2, 2]);
    expect(out.shape).toEqual([1, 2, 2]);
    expect(h.out(out)).toEqual([17, 18, 21, 22]);
    expect(h.out(h.be.kernels.slice(x, [0, 0, 0], [2, 3, 4]))).toEqual(iota(24));
    expect(h.out(h.be.kernels.slice(x, [0, 2, 0], [2, 0, 4]))).toEqual([]);
    expect(h.out(h.be.kernels.slice(h.input([5], []), [], []))).toEqual([5]);
  });

  it('concatenates along any axis, skipping empty inputs', () => {
    const a = h.input([1, 2, 3, 4], [2, 2]);
    const b = h.input([5, 6], [2, 1]);
    const e = h.input([], [2, 0]);
    const out = h.be.kernels.concat([a, e, b], 1);
    expect(out.shape).toEqual([2, 3]);
    expect(h.out(out)).toEqual([1, 2, 5, 3, 4, 6]);
    const c = h.input([9, 9], [1, 2]);
    const rows = h.be.kernels.concat([a, c], 0);
    expect(rows.shape).toEqual([3, 2]);
    expect(h.out(rows)).toEqual([1, 2, 3, 4, 9, 9]);
  });

  it('pads with a constant, including -0 and NaN', () => {
    const x = h.input([1, 2, 3, 4], [2, 2]);
    const out = h.be.kernels.pad(
      x,
      [
        [1, 0],
        [0, 2],
      ],
      0,
    );
    expect(out.shape).toEqual([3, 4]);
    expect(h.out(out)).toEqual([0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0]);
    expect(h.out(h.be.kernels.pad(h.input([1], [1]), [[1, 1]], -0))).toEqual([-0, 1, -0]);
    expect(h.out(h.be.kernels.pad(h.input([1], [1]), [[0, 1]], NaN))).toEqual([1, NaN]);
    expect(h.out(h.be.kernels.pad(h.input([], [0]), [[2, 0]], 5))).toEqual([5, 5]);
    expect(h.out(h.be.kernels.pad(h.input([3], []), [], 5))).toEqual([3]);
    expect(h.out(h.be.kernels.pad(h.input([1, 2], [2], 'int32'), [[1, 1]], -1))).toEqual([-1, 1, 2, -1]);
  });
});

describe('gather / scatterAdd / oneHot', () => {
  it('gathers slices with indices of any shape', () => {
    const x = h.input(iota(12), [3, 4]);
    const idx = h.input([2, 0, 2, 1], [2, 2], 'int32');
    const g0 = h.be.kernels.gather(x, idx, 0);
    expect(g0.shape).toEqual([2, 2, 4]);
    expect(h.out(g0)).toEqual([8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7]);
    const g1 = h.be.kernels.gather(x, h.input([3, 3, 0], [3], 'int32'), 1);
    expect(g1.shape).toEqual([3, 3]);
    expect(h.out(g1)).toEqual([3, 3, 0, 7, 7, 4, 11, 11, 8]);
    expect(h.out(h.be.kernels.gather(x, h.input([], [0], 'int32'), 0))).toEqual([]);
    expect(h.out(h.be.kernels.gather(x, h.input([1], [], 'int32'), 1))).toEqual([1, 5, 9]);
  });

  it('scatterAdd is the adjoint of gather and accumulates repeated indices', () => {
    const upd = h.input([1, 2, 3, 4, 5, 6], [3, 2]);
    const idx = h.input([2, 0, 2], [3], 'int32');
    const out = h.be.kernels.scatterAdd(upd, idx, 0, [4, 2]);
    expect(out.shape).toEqual([4, 2]);
    expect(h.out(out)).toEqual([3, 4, 0, 0, 6, 8, 0, 0]);
    const cols = h.be.kernels.scatterAdd(h.input([1, 2, 3, 4], [2, 2], 'int32'), h.input([1, 1], [2], 'int32'), 1, [2, 3]);
    expect(cols.dtype).toBe('int32');
    expect(h.out(cols)).toEqual([0, 3, 0, 0, 7, 0]);

    // <gather(x, i), u> = <x, scatterAdd(u, i)>
    const xv = randomFloats(5 * 3, 1);
    const uv = randomFloats(7 * 3, 2);
    const iv = [4, 0, 4, 4, 2, 1, 0];
    const gx = h.out(h.be.kernels.gather(h.input(xv, [5, 3]), h.input(iv, [7], 'int32'), 0));
    const su = h.out(h.be.kernels.scatterAdd(h.input(uv, [7, 3]), h.input(iv, [7], 'int32'), 0, [5, 3]));
    const lhs = gx.reduce((s, v, i) => s + v * uv[i]!, 0);
    const rhs = su.reduce((s, v, i) => s + v * xv[i]!, 0);
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-5);
  });

  it('oneHot sets in-range indices and leaves out-of-range rows at offValue', () => {
    const out = h.be.kernels.oneHot(h.input([0, 2, -1, 3, 1, 1], [3, 2], 'int32'), 3, 5, -1);
    expect(out.shape).toEqual([3, 2, 3]);
    expect(out.dtype).toBe('float32');
    expect(h.out(out)).toEqual([5, -1, -1, -1, -1, 5, -1, -1, -1, -1, -1, -1, -1, 5, -1, -1, 5, -1]);
    expect(h.out(h.be.kernels.oneHot(h.input([1], [], 'int32'), 2, 1, 0))).toEqual([0, 1]);
  });
});
