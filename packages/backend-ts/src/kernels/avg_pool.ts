import type { TsStore } from '../store.js';
import type { Conv2DInfo, KernelImpl } from '@polytensor/core';
import { windowTable } from '../util/pool_window.js';
import { scratchF64 } from '../util/scratch.js';

/**
 * Per channel, the mean (`max` false) or the max of each window's real cells,
 * summed or compared in float64. Padding is not counted: an all-padding window
 * gives 0/0 = NaN for the mean and -Infinity for the max; NaN propagates.
 */
export function pool(x: Float32Array, info: Conv2DInfo, max: boolean): Float32Array {
  const C = info.inChannels;
  const P = info.outHeight * info.outWidth;
  const out = new Float32Array(info.batchSize * P * C);
  if (out.length === 0) return out;
  const imgSize = info.inHeight * info.inWidth * C;
  const acc = scratchF64('pool.acc', C);
  const { start, cells } = windowTable(info);
  for (let b = 0, o = 0; b < info.batchSize; b++) {
    for (let p = 0; p < P; p++, o += C) {
      const t0 = start[p]!;
      const t1 = start[p + 1]!;
      acc.fill(max ? -Infinity : 0);
      for (let t = t0; t < t1; t++) {
        const base = b * imgSize + cells[t]!;
        if (max) for (let c = 0; c < C; c++) acc[c] = Math.max(acc[c]!, x[base + c]!);
        else for (let c = 0; c < C; c++) acc[c]! += x[base + c]!;
      }
      const scale = max ? 1 : t1 - t0;
      for (let c = 0; c < C; c++) out[o + c] = acc[c]! / scale;
    }
  }
  return out;
}

/** Mean over each window's real cells (padding is not counted); an all-padding window gives 0/0 = NaN. */
export const avgPool = (x: Float32Array, info: Conv2DInfo): Float32Array => pool(x, info, false);

/** The contract-level kernel: storage in, storage out. */
export const avgPoolKernel: KernelImpl<'avgPool', TsStore> = (s, x, info) => s.output(avgPool(s.f32(x, 'avgPool'), info), info.outShape);
