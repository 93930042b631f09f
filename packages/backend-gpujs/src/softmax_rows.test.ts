// softmax and logSoftmax on logits in a texture exactly as wide as a row
// (kernels/softmax.ts, rowStatsAligned): each row's statistics in equal
// segments, combined per row. Checked against a float64 softmax of the same
// float32 logits, and, for rows with NaN or ±Inf, against the texel-walking
// statistics of the same logits uploaded into a near-square texture. Node
// (headless-gl) and Chromium.
import { describe, expect, it } from 'vitest';
import type { TensorInfo } from '@polytensor/core';
import { createGpujsBackend, type GpujsBackend } from './backend.js';

const R = 6;

const put = (b: GpujsBackend, values: ArrayLike<number>, shape: number[]): TensorInfo => ({
  dataId: b.write(Float32Array.from(values), shape, 'float32'),
  shape,
  dtype: 'float32',
});

/** values · 1 by an [R, c] kernel: a texture exactly c wide. */
const rows2d = (b: GpujsBackend, values: Float32Array, c: number): TensorInfo =>
  b.kernels.binary('mul', put(b, values, [R, c]), put(b, new Array(c).fill(1), [c]), [R, c]);

/** Rows: smooth values, large ones (exp overflows without the max), ties at the max in every segment, one NaN, one +Inf, −Inf entries. */
function logits(c: number): Float32Array {
  const v = new Float32Array(R * c);
  for (let i = 0; i < v.length; i++) v[i] = Math.fround(Math.sin(i * 0.37) * 8);
  for (let j = 0; j < c; j++) v[c + j] = Math.fround(80 + 40 * Math.cos(j * 1.3));
  for (let j = 0; j < c; j += 5) v[2 * c + j] = 9;
  v[3 * c + (c >> 1)] = Number.NaN;
  v[4 * c + c - 1] = Number.POSITIVE_INFINITY;
  for (let j = 1; j < c; j += 3) v[5 * c + j] = Number.NEGATIVE_INFINITY;
  return v;
}

/** float64 softmax (log: log-softmax) of row r; null where a NaN or +Inf makes it undefined here (checked against the walk instead). */
function reference(v: Float32Array, c: number, r: number, log: boolean): Float64Array | null {
  const row = Array.from(v.subarray(r * c, (r + 1) * c));
  if (row.some((x) => Number.isNaN(x) || x === Number.POSITIVE_INFINITY)) return null;
  const m = Math.max(...row);
  const t = row.reduce((acc, x) => acc + Math.exp(x - m), 0);
  return Float64Array.from(row, (x) => (log ? x - m - Math.log(t) : Math.exp(x - m) / t));
}

describe('backend-gpujs softmax on rows', () => {
  // 6: one segment; 256: 2 × 128; 387 (odd, 3·129): 3 segments, 1 term per step; 1000: 8 segments of 125, 4 per step
  it.each([6, 256, 387, 1000])('C = %i: softmax and logSoftmax match float64, special rows match the texel walk', (c) => {
    const b = createGpujsBackend();
    try {
      const v = logits(c);
      for (const log of [false, true]) {
        const x = rows2d(b, v, c);
        const ranBefore = b.store.rt.runs;
        const got = b.readSync((log ? b.kernels.logSoftmax(x) : b.kernels.softmax(x)).dataId) as Float32Array;
        // the segmented statistics add a combining pass (GPU only: CPU mode has no texture widths)
        if (!b.store.rt.isCpu) expect(b.store.rt.runs - ranBefore, 'passes').toBe(c >= 192 ? 3 : 2);
        const walked = b.readSync((log ? b.kernels.logSoftmax(put(b, v, [R, c])) : b.kernels.softmax(put(b, v, [R, c]))).dataId) as Float32Array;
        for (let r = 0; r < R; r++) {
          const want = reference(v, c, r, log);
          for (let j = 0; j < c; j++) {
            const g = got[r * c + j]!;
            const at = `C = ${c}, ${log ? 'logSoftmax' : 'softmax'}, row ${r}, column ${j}`;
            if (want === null || !Number.isFinite(want[j]!)) {
              // undefined rows, and −Inf logits (softmax 0, log-softmax −Inf): as the texel walk gives them
              expect(Object.is(g, walked[r * c + j]) || (Number.isNaN(g) && Number.isNaN(walked[r * c + j]!)), at).toBe(true);
              if (want !== null) expect(g, at).toBe(want[j]);
              continue;
            }
            // within 16 float32 ulps of the output (log-softmax: of max(1, |output|) near 0); softmax outputs
            // within 2^8 of the subnormal range lose relative precision (exp's scaling flushes subnormal
            // intermediates: the backend declares that it flushes subnormals), so those get 2^-118 absolute
            const scale = log ? Math.max(1, Math.abs(want[j]!)) : Math.abs(want[j]!);
            expect(Math.abs(g - want[j]!), at).toBeLessThanOrEqual(scale * 2 ** -19 + (log ? 0 : 2 ** -118));
          }
        }
      }
    } finally {
      b.dispose();
    }
  });
});
