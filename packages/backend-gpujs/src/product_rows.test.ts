// The product engine (util/gemm.ts) on operands in rows (2-D kernel outputs:
// a texture exactly as wide as the matrix rows), which its packer reads at 2-D
// texel coordinates, plain or transposed, and on flat uploads: every transpose
// combination, odd shapes, ±0, NaN and ±∞, against a float64 product on the
// host. Node (headless-gl) and Chromium.
import { describe, expect, it } from 'vitest';
import type { TensorInfo } from '@polytensor/core';
import { createGpujsBackend, type GpujsBackend } from './backend.js';
import { putFlat } from './test_util.js';

/** Host values uploaded flat (test_util.ts). */
const put = putFlat;

/** values · 1 by a [r, c] kernel: the same values in a texture exactly c wide. */
const inRows = (b: GpujsBackend, values: readonly number[], r: number, c: number): TensorInfo =>
  b.kernels.binary('mul', put(b, values, [r, c]), put(b, new Array(c).fill(1), [c]), [r, c]);

const data = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 0.71 + seed) * 2));

/** C = op(A)·op(B) in float64 with each term's |a·b| summed (for the float32 error bound). */
function reference(a: number[], b: number[], m: number, k: number, n: number, tA: boolean, tB: boolean): { c: number[]; abs: number[] } {
  const c: number[] = [];
  const abs: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let t = 0;
      for (let q = 0; q < k; q++) {
        const p = a[tA ? q * m + i : i * k + q]! * b[tB ? j * k + q : q * n + j]!;
        s += p;
        t += Math.abs(p);
      }
      c.push(s);
      abs.push(t);
    }
  }
  return { c, abs };
}

describe('backend-gpujs products of operands in rows', () => {
  const [M, K, N] = [37, 23, 29];
  for (const layout of ['rows', 'flat'] as const) {
    it(`matMul with every transpose, operands ${layout}, odd shapes and special values`, () => {
      const b = createGpujsBackend();
      try {
        for (const tA of [false, true]) {
          for (const tB of [false, true]) {
            const av = data(M * K, 1);
            const bv = data(K * N, 2);
            // specials: a NaN, ±∞ and −0 in A, a +∞ in B (their rows / columns of C turn NaN or ±∞)
            av[3] = Number.NaN;
            av[5 * K + 2] = Number.POSITIVE_INFINITY;
            av[9 * K + 4] = Number.NEGATIVE_INFINITY;
            av[11] = -0;
            bv[7] = Number.POSITIVE_INFINITY;
            const aShape = tA ? [K, M] : [M, K];
            const bShape = tB ? [N, K] : [K, N];
            const a = layout === 'rows' ? inRows(b, av, aShape[0]!, aShape[1]!) : put(b, av, aShape);
            const bt = layout === 'rows' ? inRows(b, bv, bShape[0]!, bShape[1]!) : put(b, bv, bShape);
            const c = b.kernels.matMul(a, bt, tA, tB);
            expect(c.shape).toEqual([1, M, N]);
            const got = b.readSync(c.dataId) as Float32Array;
            const want = reference(av, bv, M, K, N, tA, tB);
            for (let i = 0; i < M * N; i++) {
              const w = want.c[i]!;
              const g = got[i]!;
              const ok = Number.isNaN(w) ? Number.isNaN(g) : !Number.isFinite(w) ? g === w : Math.abs(g - w) <= 2 * K * 2 ** -24 * want.abs[i]!;
              if (!ok) throw new Error(`tA ${tA} tB ${tB} ${layout}: C[${Math.floor(i / N)}, ${i % N}] = ${g}, float64 ${w}`);
            }
          }
        }
        // the rows operands went through the 2-D packers (plain and transposed), the flat ones did not
        const keys = [...(b.store.rt as unknown as { kernels: Map<string, unknown> }).kernels.keys()];
        for (const v of ['n', 't']) expect(keys.some((key) => key.startsWith(`pack:rows2:xy:${v}|`))).toBe(layout === 'rows');
      } finally {
        b.dispose();
      }
    });
  }

  it('a product read back from its blocks equals the product a kernel reads, batched and odd; the blocks go with the tensor', () => {
    const b = createGpujsBackend();
    try {
      const [B, m, k, n] = [3, 7, 13, 9];
      const av = data(B * m * k, 3);
      const bv = data(k * n, 4);
      av[2] = Number.NaN;
      bv[5] = Number.NEGATIVE_INFINITY;
      // (twice: the second run allocates nothing the first did not, and frees it all)
      const cycle = (): void => {
        const a = put(b, av, [B, m, k]);
        const w = put(b, bv, [1, k, n]);
        const direct = b.kernels.matMul(a, w, false, false);
        const read = Array.from(b.readSync(direct.dataId) as Float32Array);
        // the same product, unpacked by a kernel reading it (x · 1), then read
        const viaKernel = b.kernels.matMul(a, w, false, false);
        const ones = put(b, [1], [1]);
        const scaled = b.kernels.binary('mul', viaKernel, ones, [B, m, n]);
        const unpacked = Array.from(b.readSync(scaled.dataId) as Float32Array);
        expect(read).toEqual(unpacked);
        // and both equal the float64 product per batch (NaN in batch 0's row 0, −∞ down a column)
        for (let bt = 0; bt < B; bt++) {
          const want = reference(av.slice(bt * m * k, (bt + 1) * m * k), bv, m, k, n, false, false);
          for (let i = 0; i < m * n; i++) {
            const g = read[bt * m * n + i]!;
            const wv = want.c[i]!;
            const ok = Number.isNaN(wv) ? Number.isNaN(g) : !Number.isFinite(wv) ? g === wv : Math.abs(g - wv) <= 2 * k * 2 ** -24 * want.abs[i]!;
            if (!ok) throw new Error(`batch ${bt}: C[${i}] = ${g}, float64 ${wv}`);
          }
        }
        for (const t of [direct, viaKernel, scaled, ones, a, w]) b.disposeData(t.dataId);
      };
      cycle();
      const live = b.store.rt.textures.live;
      cycle();
      expect(b.store.rt.textures.live).toBe(live);
    } finally {
      b.dispose();
    }
  });
});
