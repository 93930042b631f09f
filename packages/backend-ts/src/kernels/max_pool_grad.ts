import type { TsStore } from '../store.js';
import type { Conv2DInfo, KernelImpl } from '@polytensor/core';
import { overlapSums, windowTable } from '../util/pool_window.js';
import { scratchF64 } from '../util/scratch.js';

/**
 * Route each dy to the first max of its window (row-major; the first NaN if any,
 * matching maxPool's NaN propagation). Disjoint windows store straight into dx;
 * overlapping ones sum in float64 and round once.
 */
export function maxPoolGrad(dy: Float32Array, x: Float32Array, info: Conv2DInfo): Float32Array {
  const C = info.inChannels;
  const out = new Float32Array(x.length);
  if (dy.length === 0 || out.length === 0) return out;
  const dx = overlapSums(info, out.length);
  const best = scratchF64('pool.acc', C);
  const where = new Int32Array(C);
  const P = info.outHeight * info.outWidth;
  const imgSize = info.inHeight * info.inWidth * C;
  const { start, cells } = windowTable(info);
  for (let b = 0, o = 0; b < info.batchSize; b++) {
    for (let p = 0; p < P; p++, o += C) {
      const t0 = start[p]!;
      const t1 = start[p + 1]!;
      if (t0 === t1) continue;
      const first = b * imgSize + cells[t0]!;
      for (let c = 0; c < C; c++) {
        best[c] = x[first + c]!;
        where[c] = first + c;
      }
      for (let t = t0 + 1; t < t1; t++) {
        const base = b * imgSize + cells[t]!;
        for (let c = 0; c < C; c++) {
          const v = x[base + c]!;
          const m = best[c]!;
          // Strictly greater keeps the first max; once a NaN is chosen nothing replaces it.
          if (m === m && (v > m || v !== v)) {
            best[c] = v;
            where[c] = base + c;
          }
        }
      }
      if (dx) for (let c = 0; c < C; c++) dx[where[c]!]! += dy[o + c]!;
      else for (let c = 0; c < C; c++) out[where[c]!] = dy[o + c]!;
    }
  }
  if (dx) out.set(dx);
  return out;
}

/** The contract-level kernel: storage in, storage out. */
export const maxPoolGradKernel: KernelImpl<'maxPoolGrad', TsStore> = (s, dy, x, info) =>
  s.output(maxPoolGrad(s.f32(dy, 'maxPoolGrad'), s.f32(x, 'maxPoolGrad'), info), info.inShape);
