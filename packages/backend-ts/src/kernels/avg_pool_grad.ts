import type { Conv2DInfo } from '@polytensor/core';
import { toFloat32 } from '../util/alloc.js';
import { forEachWindow } from '../util/pool_window.js';

/** Each dy is shared equally among the real cells of its window; overlaps sum in float64. */
export function avgPoolGrad(dy: Float32Array, info: Conv2DInfo): Float32Array {
  const C = info.inChannels;
  const dx = new Float64Array(info.batchSize * info.inHeight * info.inWidth * C);
  if (dy.length === 0 || dx.length === 0) return toFloat32(dx);
  forEachWindow(info, (o, cells, count) => {
    for (let t = 0; t < count; t++) {
      const base = cells[t]!;
      for (let c = 0; c < C; c++) dx[base + c] += dy[o + c]! / count;
    }
  });
  return toFloat32(dx);
}
