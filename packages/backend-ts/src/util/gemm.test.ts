import { describe, expect, it } from 'vitest';
import { firstMismatch, randomFloats } from '../test_util.js';
import { gemm, gemmAccumulate, strided } from '../parallel/gemm.js';
import { ACT_LINEAR, ACT_RELU, ACT_SIGMOID, ACT_TANH, activate, kBlocks, type StridedMatrix } from './gemm.js';

/** A strided operand: rows×cols logical, stored transposed or not, at an offset inside a bigger array. */
function operand(rows: number, cols: number, transposed: boolean, seed: number, pad = 3): StridedMatrix {
  const data = randomFloats(rows * cols + 2 * pad, seed);
  return transposed ? strided(data, pad, 1, rows) : strided(data, pad, cols, 1);
}

function naive(m: number, n: number, k: number, A: StridedMatrix, B: StridedMatrix): { ref: Float64Array; abs: Float64Array } {
  const ref = new Float64Array(m * n);
  const abs = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0,
        s1 = 0;
      for (let p = 0; p < k; p++) {
        const t = A.data[A.off + i * A.rs + p * A.cs]! * B.data[B.off + p * B.rs + j * B.cs]!;
        s += t;
        s1 += Math.abs(t);
      }
      ref[i * n + j] = s;
      abs[i * n + j] = s1;
    }
  }
  return { ref, abs };
}

describe('gemm', () => {
  // Sizes straddle the 4×4 tile, the MC/NC blocks and the K split (KC_MAX = 2048).
  const shapes: Array<[number, number, number]> = [
    [1, 1, 1],
    [3, 5, 7],
    [4, 4, 4],
    [9, 13, 2],
    [67, 5, 33],
    [5, 515, 9],
    [130, 9, 300],
    [6, 7, 2049],
    [3, 2, 4500],
  ];

  it('matches the triple loop for every transpose, offsets and a padded output stride', () => {
    let seed = 1;
    for (const [m, n, k] of shapes) {
      for (const tA of [false, true]) {
        for (const tB of [false, true]) {
          const A = operand(m, k, tA, seed++);
          const B = operand(k, n, tB, seed++);
          const ldo = n + 2;
          const out = new Float32Array(5 + m * ldo).fill(-7);
          gemm({ m, n, k, a: A, b: B, out, oOff: 5, ldo });
          const { ref, abs } = naive(m, n, k, A, B);
          const got = new Float32Array(m * n);
          for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) got[i * n + j] = out[5 + i * ldo + j]!;
          expect(firstMismatch(got, ref, abs), `${[m, n, k]} tA=${tA} tB=${tB}`).toBeNull();
          // the padding columns and the prefix are untouched
          for (let i = 0; i < m; i++) expect([out[5 + i * ldo + n], out[5 + i * ldo + n + 1]]).toEqual([-7, -7]);
          expect(out[4]).toBe(-7);
        }
      }
    }
  });

  it('applies bias and activation to the float64 sum before the single rounding', () => {
    let seed = 50;
    for (const [m, n, k] of [
      [9, 6, 5],
      [8, 8, 3000],
      [4, 4, 64],
    ] as const) {
      const A = operand(m, k, false, seed++);
      const B = operand(k, n, false, seed++);
      const bias = randomFloats(n, seed++);
      const { ref } = naive(m, n, k, A, B);
      for (const act of [ACT_LINEAR, ACT_RELU, ACT_SIGMOID, ACT_TANH]) {
        const out = new Float32Array(m * n);
        gemm({ m, n, k, a: A, b: B, out, oOff: 0, ldo: n, bias, act });
        out.forEach((g, i) => {
          const want = activate(ref[i]! + bias[i % n]!, act);
          expect(Math.abs(g - want), `act ${act} [${m},${n},${k}] #${i}`).toBeLessThanOrEqual(Math.abs(want) * 2 ** -24 + 1e-9);
        });
      }
    }
  });

  it('gives bit-identical rows whatever row range is computed (the basis of parallel splits)', () => {
    for (const [m, n, k] of [
      [37, 21, 50],
      [70, 9, 2100],
    ] as const) {
      const A = operand(m, k, true, 7);
      const B = operand(k, n, false, 8);
      const whole = new Float32Array(m * n);
      gemm({ m, n, k, a: A, b: B, out: whole, oOff: 0, ldo: n, act: ACT_RELU });
      const parts = new Float32Array(m * n);
      for (const [i0, i1] of [
        [0, 5],
        [5, 6],
        [6, 33],
        [33, m],
      ]) {
        gemm({ m, n, k, a: A, b: B, out: parts, oOff: 0, ldo: n, act: ACT_RELU }, i0, i1);
      }
      expect(Array.from(parts)).toEqual(Array.from(whole));
    }
  });

  it('accumulates into float64 C (conv filter gradients sum images this way)', () => {
    const [m, n, k] = [10, 7, 2500];
    const A = operand(m, k, true, 11);
    const B = operand(k, n, false, 12);
    const c = new Float64Array(m * n).fill(1);
    gemmAccumulate({ m, n, k, a: A, b: B, c, cOff: 0, ldc: n });
    const { ref, abs } = naive(m, n, k, A, B);
    c.forEach((v, i) => expect(Math.abs(v - 1 - ref[i]!)).toBeLessThanOrEqual(1e-12 * abs[i]!));
  });

  it('handles k = 0 (bias and activation of zero) and splits K by size alone', () => {
    const out = new Float32Array(6);
    const empty = new Float32Array(0);
    gemm({
      m: 2,
      n: 3,
      k: 0,
      a: strided(empty, 0, 0, 1),
      b: strided(empty, 0, 3, 1),
      out,
      oOff: 0,
      ldo: 3,
      bias: Float32Array.from([-1, 0, 2]),
      act: ACT_RELU,
    });
    expect(Array.from(out)).toEqual([0, 0, 2, 0, 0, 2]);
    expect(kBlocks(2048)).toEqual({ nkb: 1, kc: 2048 });
    expect(kBlocks(2049)).toEqual({ nkb: 2, kc: 1025 });
  });
});
