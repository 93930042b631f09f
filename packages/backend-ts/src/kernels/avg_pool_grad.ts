import type { TsStore } from '../store.js';
import type { Conv2DInfo, KernelImpl } from '@polytensor/core';
import { overlapSums, windowTable } from '../util/pool_window.js';

/**
 * Each dy is shared equally among the real cells of its window. Disjoint
 * windows (the usual pool 2, stride 2) write each share straight to dx;
 * overlapping ones sum in float64 and round once.
 */
export function avgPoolGrad(dy: Float32Array, info: Conv2DInfo): Float32Array {
  const C = info.inChannels;
  const imgSize = info.inHeight * info.inWidth * C;
  const out = new Float32Array(info.batchSize * imgSize);
  if (dy.length === 0 || out.length === 0) return out;
  const P = info.outHeight * info.outWidth;
  const dx = overlapSums(info, out.length);
  const { start, cells } = windowTable(info);
  for (let b = 0, o = 0; b < info.batchSize; b++) {
    for (let p = 0; p < P; p++, o += C) {
      const count = start[p + 1]! - start[p]!;
      for (let t = start[p]!; t < start[p + 1]!; t++) {
        const base = b * imgSize + cells[t]!;
        if (dx) for (let c = 0; c < C; c++) dx[base + c]! += dy[o + c]! / count;
        else for (let c = 0; c < C; c++) out[base + c] = dy[o + c]! / count;
      }
    }
  }
  if (dx) out.set(dx);
  return out;
}

/** The contract-level kernel: storage in, storage out. */
export const avgPoolGradKernel: KernelImpl<'avgPoolGrad', TsStore> = (s, dy, info) => s.output(avgPoolGrad(s.f32(dy, 'avgPoolGrad'), info), info.inShape);
