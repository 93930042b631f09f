// Kernels matMul and fusedMatMul run this package's packed program
// (kernels/mat_mul_packed.ts) on WebGL 2 and 1: judged here against
// float64 sums on shapes that reach each of its cases (odd and even sides,
// an odd shared dimension, shorter than one unrolled step and with a
// remainder after it, every transpose, batches with a broadcast batch of 1),
// fused bias and activations, non-finite values, and operands arriving from
// the host, packed by an earlier product or left unpacked by a flat program.
// The results are also compared with tfjs's own program, whose order of adds
// the program keeps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TensorInfo } from '@polytensor/core';
import type { WebGLBackend } from './index.js';
import { expectActivatedNear, expectNearReference, newBackend, watchPrograms } from './test_util.js';

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = 2 * (s / 2147483648) - 1;
  }
  return out;
}

interface Case {
  name: string;
  /** batch of a and of b (0: rank 2) */
  batch: [number, number];
  M: number;
  K: number;
  N: number;
  transposeA: boolean;
  transposeB: boolean;
}

const shapeA = (c: Case): number[] => [...(c.batch[0] ? [c.batch[0]] : []), ...(c.transposeA ? [c.K, c.M] : [c.M, c.K])];
const shapeB = (c: Case): number[] => [...(c.batch[1] ? [c.batch[1]] : []), ...(c.transposeB ? [c.N, c.K] : [c.K, c.N])];

/** a·b (+ bias) in float64 by the definition, and Σ|terms| per output (the bias included). */
function reference(c: Case, a: Float32Array, b: Float32Array, bias: Float32Array | null): { value: Float64Array; magnitude: Float64Array; terms: number } {
  const { M, K, N } = c;
  const batch = Math.max(c.batch[0], c.batch[1], 1);
  const value = new Float64Array(batch * M * N);
  const magnitude = new Float64Array(value.length);
  for (let q = 0; q < batch; q++) {
    const qa = c.batch[0] > 1 ? q : 0;
    const qb = c.batch[1] > 1 ? q : 0;
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        const o = (q * M + i) * N + j;
        for (let k = 0; k < K; k++) {
          const av = a[qa * M * K + (c.transposeA ? k * M + i : i * K + k)]!;
          const bv = b[qb * K * N + (c.transposeB ? j * K + k : k * N + j)]!;
          value[o]! += av * bv;
          magnitude[o]! += Math.abs(av * bv);
        }
        if (bias) {
          value[o]! += bias[j]!;
          magnitude[o]! += Math.abs(bias[j]!);
        }
      }
  }
  return { value, magnitude, terms: K + (bias ? 1 : 0) };
}

const CASES: Case[] = [
  { name: 'odd sides, K = 7 (below one unrolled step, odd)', batch: [0, 0], M: 5, K: 7, N: 3, transposeA: false, transposeB: false },
  { name: 'K = 21: two unrolled steps, a remainder pair and a last single term', batch: [0, 0], M: 6, K: 21, N: 9, transposeA: false, transposeB: false },
  { name: 'transposed a', batch: [0, 0], M: 7, K: 19, N: 4, transposeA: true, transposeB: false },
  { name: 'transposed b', batch: [0, 0], M: 4, K: 18, N: 7, transposeA: false, transposeB: true },
  { name: 'both transposed', batch: [0, 0], M: 9, K: 17, N: 5, transposeA: true, transposeB: true },
  { name: 'one row', batch: [0, 0], M: 1, K: 33, N: 10, transposeA: false, transposeB: false },
  { name: 'batch 3', batch: [3, 3], M: 5, K: 13, N: 6, transposeA: false, transposeB: true },
  { name: 'batch of a broadcast', batch: [1, 3], M: 3, K: 10, N: 7, transposeA: true, transposeB: false },
  { name: 'batch of b broadcast', batch: [4, 1], M: 6, K: 9, N: 3, transposeA: false, transposeB: false },
];

describe('matMul, packed program', () => {
  let gl: WebGLBackend;
  let seen: string[] = [];
  let restore: () => void;
  const expected = 'PackedProgram'; // this package's (tfjs's is MatMulPackedProgram)
  beforeAll(async () => {
    gl = await newBackend();
    restore = watchPrograms(gl, (p) => seen.push(p));
  });
  afterAll(() => {
    restore();
    gl.dispose();
  });

  const host = (v: Float32Array, shape: readonly number[]): TensorInfo => ({ dataId: gl.write(v, shape, 'float32'), shape, dtype: 'float32' });
  const dispose = (...ts: TensorInfo[]): void => {
    for (const t of ts) gl.disposeData(t.dataId);
  };
  /** tfjs's BatchMatMul on the same operands (tfjs's program, however the kernel dispatches). */
  const tfjsProduct = (a: TensorInfo, b: TensorInfo, c: Case): Float32Array => {
    const out = gl.store.kernel('BatchMatMul', { a, b }, { transposeA: c.transposeA, transposeB: c.transposeB });
    const t = gl.store.wrap(out, [...out.shape], 'float32');
    const v = gl.readSync(t.dataId) as Float32Array;
    dispose(t);
    return v;
  };

  for (const c of CASES) {
    it(`${c.name}: one program, within the bound of float64, bit-identical to tfjs’s`, () => {
      const ids = gl.memory().numDataIds;
      const av = values(
        shapeA(c).reduce((x, y) => x * y),
        3 + c.K,
      );
      const bv = values(
        shapeB(c).reduce((x, y) => x * y),
        5 + c.N,
      );
      const [a, b] = [host(av, shapeA(c)), host(bv, shapeB(c))];
      const first = gl.kernels.matMul(a, b, c.transposeA, c.transposeB); // uploads a and b too
      seen = [];
      const y = gl.kernels.matMul(a, b, c.transposeA, c.transposeB);
      expect(seen, c.name).toEqual([expected]);
      expect(y.shape).toEqual([...(c.batch[0] ? [Math.max(...c.batch)] : []), c.M, c.N]);
      const got = gl.readSync(y.dataId);
      expectNearReference(reference(c, av, bv, null), got, c.name);
      expect(gl.readSync(first.dataId)).toEqual(got);
      expect(got).toEqual(tfjsProduct(a, b, c));
      dispose(a, b, first, y);
      expect(gl.memory().numDataIds).toBe(ids);
    });
  }

  it('reads operands packed by an earlier product and left unpacked by a flat program', () => {
    const c = CASES[1]!;
    const av = values(c.M * c.K, 71);
    const bv = values(c.K * c.N, 73);
    // a = (a·I): packed, from a product; b negated twice on the flat path: unpacked
    const eye = new Float32Array(c.K * c.K);
    for (let i = 0; i < c.K; i++) eye[i * c.K + i] = 1;
    const [ha, hi, hb] = [host(av, [c.M, c.K]), host(eye, [c.K, c.K]), host(bv, [c.K, c.N])];
    const a = gl.kernels.matMul(ha, hi, false, false);
    gl.store.packedMinSize = Number.POSITIVE_INFINITY;
    const n1 = gl.kernels.unary('neg', hb);
    const b = gl.kernels.unary('neg', n1);
    gl.store.packedMinSize = 1024;
    const isPacked = (t: TensorInfo): boolean => gl.store.tf.texData.get(gl.store.data(t.dataId, 'test').tf!).isPacked === true;
    expect([isPacked(a), isPacked(b)]).toEqual([true, false]);
    const y = gl.kernels.matMul(a, b, false, false);
    expectNearReference(reference(c, av, bv, null), gl.readSync(y.dataId), 'packed and unpacked operands');
    dispose(ha, hi, hb, a, n1, b, y);
  });

  it('one tensor as both operands: x·xᵀ runs the program; two views in different shapes (dot(v, v)) keep tfjs’s', () => {
    const c: Case = { name: 'x·xᵀ', batch: [0, 0], M: 6, K: 9, N: 6, transposeA: false, transposeB: true };
    const xv = values(c.M * c.K, 79);
    const x = host(xv, [c.M, c.K]);
    const y0 = gl.kernels.matMul(x, x, false, true); // uploads x too
    seen = [];
    const y = gl.kernels.matMul(x, x, false, true);
    expect(seen).toEqual([expected]);
    expectNearReference(reference(c, xv, xv, null), gl.readSync(y.dataId), 'x·xᵀ');
    // v as [1, n] and as [n, 1]: their packed layouts differ, so neither may repack the shared texture
    const n = 5;
    const vv = values(n, 83);
    const row = host(vv, [1, n]);
    const col: TensorInfo = { ...row, shape: [n, 1] };
    const first = gl.kernels.matMul(row, col, false, false);
    seen = [];
    const d = gl.kernels.matMul(row, col, false, false);
    // tfjs's program, after its per-call repack of one view
    expect(seen).toContain('MatMulPackedProgram');
    expect(seen).not.toContain(expected);
    const dotCase: Case = { name: 'v·v', batch: [0, 0], M: 1, K: n, N: 1, transposeA: false, transposeB: false };
    expectNearReference(reference(dotCase, vv, vv, null), gl.readSync(d.dataId), 'v·v');
    expect(gl.readSync(first.dataId)).toEqual(gl.readSync(d.dataId));
    dispose(x, y0, y, row, first, d);
  });

  for (const act of ['linear', 'relu', 'sigmoid', 'tanh'] as const) {
    for (const c of [CASES[1]!, CASES[4]!]) {
      it(`fused, bias and ${act}, ${c.name}: ${act === 'tanh' ? 'tanh after the program' : 'one program'}, within the bound of float64`, () => {
        const av = values(
          shapeA(c).reduce((x, y) => x * y),
          7,
        );
        const bv = values(
          shapeB(c).reduce((x, y) => x * y),
          11,
        );
        const biasV = values(c.N, 13);
        const [a, b, bias] = [host(av, shapeA(c)), host(bv, shapeB(c)), host(biasV, [c.N])];
        const first = gl.kernels.fusedMatMul(a, b, bias, act, c.transposeA, c.transposeB);
        seen = [];
        const y = gl.kernels.fusedMatMul(a, b, bias, act, c.transposeA, c.transposeB);
        // tanh: the program, then the unary kernel, flat on these few values (an unpack, then tanh)
        expect(seen[0], act).toBe(expected);
        expect(seen.length, act).toBe(act === 'tanh' ? 3 : 1);
        const ref = reference(c, av, bv, biasV);
        expectActivatedNear(act, ref, gl.readSync(y.dataId));
        dispose(a, b, bias, first, y);
      });
    }
  }

  it('NaN and ±∞ reach exactly the outputs they touch (odd K: the last term is real, no padding term is added)', () => {
    const c: Case = { name: 'non-finite', batch: [2, 2], M: 5, K: 11, N: 7, transposeA: false, transposeB: true };
    const av = values(2 * c.M * c.K, 17);
    const bv = values(2 * c.N * c.K, 19);
    av[0] = Number.POSITIVE_INFINITY; // a[0][0][0]: row 0 of batch 0 → ±∞ (or NaN against a 0 of b)
    av[c.M * c.K + 3 * c.K + c.K - 1] = Number.NaN; // a[1][3][K − 1]: the odd last term of row 3, batch 1
    bv[c.N * c.K + 2 * c.K + c.K - 1] = Number.NEGATIVE_INFINITY; // b[1][2][K − 1]: column 2 of batch 1, last term
    bv[4 * c.K] = 0; // b[0][4][0] = 0: ∞·0 = NaN at (0, 0, 4)
    const [a, b] = [host(av, shapeA(c)), host(bv, shapeB(c))];
    const y = gl.kernels.matMul(a, b, c.transposeA, c.transposeB);
    const ref = reference(c, av, bv, null);
    expectNearReference(ref, gl.readSync(y.dataId), 'non-finite');
    expect(ref.value.some((v) => v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY)).toBe(true);
    expect(ref.value.some((v) => Number.isNaN(v))).toBe(true);
    expect(ref.value.some((v) => Number.isFinite(v))).toBe(true);
    dispose(a, b, y);
  });
});
