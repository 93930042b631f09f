import { afterEach, describe, expect, it } from 'vitest';
import { Harness, firstMismatch, randomFloats, ACTIVATIONS } from '../test_util.js';

let h = new Harness();
afterEach(() => {
  expect(h.finish()).toBe(0);
  h = new Harness();
});

/** Naive triple loop in float64 over logical [B, M, K]·[B, K, N], with Σ|terms| per output. */
function naiveMatMul(
  a: Float32Array,
  b: Float32Array,
  batchA: number,
  batchB: number,
  m: number,
  k: number,
  n: number,
  tA: boolean,
  tB: boolean,
): { ref: number[]; abs: number[] } {
  const batch = Math.max(batchA, batchB);
  const ref: number[] = [];
  const abs: number[] = [];
  for (let t = 0; t < batch; t++) {
    const ao = batchA === 1 ? 0 : t * m * k;
    const bo = batchB === 1 ? 0 : t * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let s1 = 0;
        for (let p = 0; p < k; p++) {
          const av = a[ao + (tA ? p * m + i : i * k + p)]!;
          const bv = b[bo + (tB ? j * k + p : p * n + j)]!;
          s += av * bv;
          s1 += Math.abs(av * bv);
        }
        ref.push(s);
        abs.push(s1);
      }
    }
  }
  return { ref, abs };
}

describe('matMul', () => {
  it('multiplies a small case by hand', () => {
    const a = h.input([1, 2, 3, 4, 5, 6], [1, 2, 3]);
    const b = h.input([7, 8, 9, 10, 11, 12], [1, 3, 2]);
    const out = h.be.kernels.matMul(a, b, false, false);
    expect(out.shape).toEqual([1, 2, 2]);
    expect(h.out(out)).toEqual([58, 64, 139, 154]);
    expect(h.out(h.be.kernels.matMul(a, a, false, true))).toEqual([14, 32, 32, 77]);
    expect(h.out(h.be.kernels.matMul(a, a, true, false))).toEqual([17, 22, 27, 22, 29, 36, 27, 36, 45]);
  });

  it('matches the naive triple loop for every transpose, ragged sizes and batch broadcasting', () => {
    const cases: Array<[number, number, number, number, number]> = [
      // batchA, batchB, m, k, n: sizes straddle the 4×4 tile and the 64/256 cache blocks
      [1, 1, 1, 1, 1],
      [1, 1, 5, 7, 3],
      [2, 2, 9, 300, 70],
      [3, 1, 13, 17, 11],
      [1, 4, 6, 5, 129],
      [2, 2, 64, 64, 64],
    ];
    let seed = 10;
    for (const [batchA, batchB, m, k, n] of cases) {
      for (const tA of [false, true]) {
        for (const tB of [false, true]) {
          const av = randomFloats(batchA * m * k, seed++);
          const bv = randomFloats(batchB * k * n, seed++);
          const a = h.input(av, tA ? [batchA, k, m] : [batchA, m, k]);
          const b = h.input(bv, tB ? [batchB, n, k] : [batchB, k, n]);
          const out = h.be.kernels.matMul(a, b, tA, tB);
          expect(out.shape).toEqual([Math.max(batchA, batchB), m, n]);
          const { ref, abs } = naiveMatMul(av, bv, batchA, batchB, m, k, n, tA, tB);
          expect(firstMismatch(h.outF32(out), ref, abs), `${[batchA, batchB, m, k, n]} tA=${tA} tB=${tB}`).toBeNull();
        }
      }
    }
  });

  it('handles empty dimensions and propagates NaN/Infinity', () => {
    const z = h.be.kernels.matMul(h.input([], [1, 2, 0]), h.input([], [1, 0, 3]), false, false);
    expect(z.shape).toEqual([1, 2, 3]);
    expect(h.out(z)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(h.out(h.be.kernels.matMul(h.input([], [1, 0, 4]), h.input(new Float32Array(8), [1, 4, 2]), false, false))).toEqual([]);
    const nan = h.be.kernels.matMul(h.input([NaN, 1, Infinity, 1], [1, 2, 2]), h.input([1, 0, 0, 1], [1, 2, 2]), false, false);
    expect(h.out(nan)).toEqual([NaN, NaN, Infinity, NaN]);
  });
});

describe('fusedMatMul', () => {
  it('equals act(a·b + bias) rounded once', () => {
    const [m, k, n] = [5, 9, 6];
    const av = randomFloats(m * k, 1);
    const bv = randomFloats(k * n, 2);
    const bias = randomFloats(n, 3);
    const { ref } = naiveMatMul(av, bv, 1, 1, m, k, n, false, false);
    for (const activation of ['linear', 'relu', 'sigmoid', 'tanh'] as const) {
      for (const withBias of [true, false]) {
        const out = h.be.kernels.fusedMatMul(h.input(av, [m, k]), h.input(bv, [k, n]), withBias ? h.input(bias, [n]) : null, activation, false, false);
        expect(out.shape).toEqual([m, n]);
        const got = h.outF32(out);
        got.forEach((g, i) => {
          const want = ACTIVATIONS[activation](ref[i]! + (withBias ? bias[i % n]! : 0));
          expect(Math.abs(g - want), activation).toBeLessThanOrEqual(Math.abs(want) * 2 ** -23 + 1e-12);
        });
      }
    }
    const t = h.be.kernels.fusedMatMul(h.input([1, 2, 3, 4], [2, 2]), h.input([1, 0, 0, 1], [2, 2]), h.input([10, 20], [2]), 'linear', true, true);
    expect(h.out(t)).toEqual([11, 23, 12, 24]);
  });
});
