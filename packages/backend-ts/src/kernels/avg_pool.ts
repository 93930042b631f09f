import type { TsStore } from '../store.js';
import type { Conv2DInfo, KernelImpl } from '@polytensor/core';
import { windowCells } from '../util/pool_window.js';
import { scratchF64 } from '../util/scratch.js';

/** Mean over each window's real cells (padding is not counted); an all-padding window gives 0/0 = NaN. */
export function avgPool(x: Float32Array, info: Conv2DInfo): Float32Array {
  const C = info.inChannels;
  const out = new Float32Array(info.batchSize * info.outHeight * info.outWidth * C);
  if (out.length === 0) return out;
  const acc = scratchF64('pool.acc', C);
  const cells = new Int32Array(info.filterHeight * info.filterWidth);
  let o = 0;
  for (let b = 0; b < info.batchSize; b++) {
    for (let oy = 0; oy < info.outHeight; oy++) {
      for (let ox = 0; ox < info.outWidth; ox++, o += C) {
        const count = windowCells(info, b, oy, ox, cells);
        acc.fill(0);
        for (let t = 0; t < count; t++) {
          const base = cells[t]!;
          for (let c = 0; c < C; c++) acc[c]! += x[base + c]!;
        }
        for (let c = 0; c < C; c++) out[o + c] = acc[c]! / count;
      }
    }
  }
  return out;
}

/** The contract-level kernel: storage in, storage out. */
export const avgPoolKernel: KernelImpl<'avgPool', TsStore> = (s, x, info) => s.output(avgPool(s.f32(x, 'avgPool'), info), info.outShape);
