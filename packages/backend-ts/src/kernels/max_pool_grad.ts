import type { Conv2DInfo } from '@polytensor/core';
import { toFloat32 } from '../util/alloc.js';
import { forEachWindow } from '../util/pool_window.js';

/**
 * Route each dy to the first max of its window (row-major; the first NaN if any,
 * matching maxPool's NaN propagation), summing where windows overlap.
 */
export function maxPoolGrad(dy: Float32Array, x: Float32Array, info: Conv2DInfo): Float32Array {
  const C = info.inChannels;
  const dx = new Float64Array(x.length);
  if (dy.length === 0 || dx.length === 0) return toFloat32(dx);
  const best = new Float64Array(C);
  const where = new Int32Array(C);
  forEachWindow(info, (o, cells, count) => {
    if (count === 0) return;
    const first = cells[0]!;
    for (let c = 0; c < C; c++) {
      best[c] = x[first + c]!;
      where[c] = first + c;
    }
    for (let t = 1; t < count; t++) {
      const base = cells[t]!;
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
    for (let c = 0; c < C; c++) dx[where[c]!] += dy[o + c]!;
  });
  return toFloat32(dx);
}
