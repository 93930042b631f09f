import type { Conv2DInfo } from '@polytensor/core';
import { forEachWindow } from '../util/pool_window.js';

/** Max over each window's real cells; NaN propagates; a window with no real cells gives -Infinity. */
export function maxPool(x: Float32Array, info: Conv2DInfo): Float32Array {
  const C = info.inChannels;
  const out = new Float32Array(info.batchSize * info.outHeight * info.outWidth * C);
  if (out.length === 0) return out;
  const acc = new Float64Array(C);
  forEachWindow(info, (o, cells, count) => {
    acc.fill(-Infinity);
    for (let t = 0; t < count; t++) {
      const base = cells[t]!;
      for (let c = 0; c < C; c++) acc[c] = Math.max(acc[c]!, x[base + c]!);
    }
    out.set(acc, o);
  });
  return out;
}
