import type { TsStore } from '../store.js';
import type { Conv2DInfo, KernelImpl } from '@polytensor/core';
import { windowCells, windowsDisjoint } from '../util/pool_window.js';
import { scratchF64 } from '../util/scratch.js';

/**
 * Each dy is shared equally among the real cells of its window. Disjoint
 * windows (the usual pool 2, stride 2) write each share straight to dx;
 * overlapping ones sum in float64 and round once.
 */
export function avgPoolGrad(dy: Float32Array, info: Conv2DInfo): Float32Array {
  const C = info.inChannels;
  const out = new Float32Array(info.batchSize * info.inHeight * info.inWidth * C);
  if (dy.length === 0 || out.length === 0) return out;
  const disjoint = windowsDisjoint(info);
  const dx = disjoint ? null : scratchF64('poolGrad.dx', out.length);
  dx?.fill(0);
  const cells = new Int32Array(info.filterHeight * info.filterWidth);
  let o = 0;
  for (let b = 0; b < info.batchSize; b++) {
    for (let oy = 0; oy < info.outHeight; oy++) {
      for (let ox = 0; ox < info.outWidth; ox++, o += C) {
        const count = windowCells(info, b, oy, ox, cells);
        for (let t = 0; t < count; t++) {
          const base = cells[t]!;
          if (dx) for (let c = 0; c < C; c++) dx[base + c]! += dy[o + c]! / count;
          else for (let c = 0; c < C; c++) out[base + c] = dy[o + c]! / count;
        }
      }
    }
  }
  if (dx) out.set(dx);
  return out;
}

/** The contract-level kernel: storage in, storage out. */
export const avgPoolGradKernel: KernelImpl<'avgPoolGrad', TsStore> = (s, dy, info) => s.output(avgPoolGrad(s.f32(dy, 'avgPoolGrad'), info), info.inShape);
