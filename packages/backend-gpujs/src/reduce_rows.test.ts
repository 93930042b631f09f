// Reductions over rows that are texture rows (util/chunks.ts, reduceAligned):
// sum, max, min and prod over the last axis of a 2-D kernel output (a
// texture exactly one row wide) against float64 (sum, prod: within float32
// accumulation error) and against the same reduction over the same values
// uploaded into a near-square texture (the texel walk: max and min exactly,
// NaN and Inf rows alike). The terms are taken in the same order; SwiftShader
// keeps it, so there the sums have the walk's bits too, but GLSL lets a
// compiler reassociate (llvmpipe does in the 4-term steps). Node (headless-gl)
// and Chromium.
import { describe, expect, it } from 'vitest';
import type { ReduceOp } from '@polytensor/core';
import { createGpujsBackend } from './backend.js';
import { putFlat } from './test_util.js';

const R = 9;

/** Host values uploaded flat (test_util.ts). */
const put = putFlat;

describe('backend-gpujs reductions over texture rows', () => {
  // 7: one term per loop step; 6: two; 256, 1000 and 2048 (the longest row reduced in one pass): four
  it.each([7, 6, 256, 1000, 2048])("r = %i: sum, max, min, prod give the texel walk's bits", (r) => {
    const b = createGpujsBackend();
    try {
      const values = Float32Array.from({ length: R * r }, (_, i) => Math.fround(1 + Math.sin(i * 0.37) * 0.01));
      values[3 * r + (r >> 1)] = Number.NaN; // row 3: NaN propagates through every op
      values[5 * r] = Number.POSITIVE_INFINITY;
      const aligned = b.kernels.binary('mul', put(b, values, [R, r]), put(b, new Array(r).fill(1), [r]), [R, r]);
      const walked = put(b, values, [R, r]);
      expect(b.store.tex(aligned).size[0]).toBe(r);
      expect(b.store.tex(walked).size[0]).not.toBe(r);
      for (const op of ['sum', 'max', 'min', 'prod'] as ReduceOp[]) {
        const got = Array.from(b.readSync(b.kernels.reduce(op, aligned, [1]).dataId));
        const want = Array.from(b.readSync(b.kernels.reduce(op, walked, [1]).dataId));
        if (op === 'max' || op === 'min' || b.info.glslVersion === 3) expect(got, op).toEqual(want);
        if (op !== 'sum' && op !== 'prod') continue;
        for (let row = 0; row < R; row++) {
          let acc = op === 'sum' ? 0 : 1;
          for (let j = 0; j < r; j++) acc = op === 'sum' ? acc + values[row * r + j]! : acc * values[row * r + j]!;
          const at = `${op} row ${row}`;
          // each of the r − 1 float32 roundings moves the result by at most 2^-24 of a partial ≤ 1.02·r (sum), ≤ 2·acc (prod)
          if (Number.isFinite(acc)) expect(Math.abs(got[row]! - acc), at).toBeLessThanOrEqual(r * 2 ** -24 * (op === 'sum' ? 1.02 * r : 2 * acc));
          else expect(Object.is(got[row], acc) || (Number.isNaN(got[row]!) && Number.isNaN(acc)), at).toBe(true);
        }
      }
    } finally {
      b.dispose();
    }
  });
});
