import type { Conv2DInfo } from '@polytensor/core';
import { scratchF64 } from './scratch.js';

/** True when no input cell lies in two windows (stride ≥ window extent on both axes): gradients then need no accumulation. */
export function windowsDisjoint(info: Conv2DInfo): boolean {
  return info.strideHeight >= (info.filterHeight - 1) * info.dilationHeight + 1 && info.strideWidth >= (info.filterWidth - 1) * info.dilationWidth + 1;
}

/**
 * NHWC offsets of the real (unpadded) cells of the window of output pixel
 * (b, oy, ox), in row-major window order, written to `cells`; returns the count.
 */
export function windowCells(info: Conv2DInfo, b: number, oy: number, ox: number, cells: Int32Array): number {
  const { inHeight: H, inWidth: W, inChannels: C, filterHeight: fh, filterWidth: fw } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, padTop, padLeft } = info;
  let count = 0;
  for (let fy = 0; fy < fh; fy++) {
    const iy = oy * sh - padTop + fy * dh;
    if (iy < 0 || iy >= H) continue;
    for (let fx = 0; fx < fw; fx++) {
      const ix = ox * sw - padLeft + fx * dw;
      if (ix < 0 || ix >= W) continue;
      cells[count++] = ((b * H + iy) * W + ix) * C;
    }
  }
  return count;
}

/**
 * The real cells of every output pixel's window within one image, as NHWC
 * offsets from the image's start: pixel p (= oy·outW + ox) has
 * cells[start[p] .. start[p + 1]), in row-major window order. Built once per
 * call and reused for every image of the batch.
 */
export interface WindowTable {
  start: Int32Array;
  cells: Int32Array;
}

export function windowTable(info: Conv2DInfo): WindowTable {
  const P = info.outHeight * info.outWidth;
  const start = new Int32Array(P + 1);
  const cells = new Int32Array(P * info.filterHeight * info.filterWidth);
  let n = 0;
  for (let oy = 0, p = 0; oy < info.outHeight; oy++) {
    for (let ox = 0; ox < info.outWidth; ox++, p++) {
      n += windowCells(info, 0, oy, ox, cells.subarray(n));
      start[p + 1] = n;
    }
  }
  return { start, cells };
}

/**
 * Where a pool gradient of `n` elements gathers: null when the windows are
 * disjoint (each share is stored straight into dx), else zeroed float64 sums
 * (overlapping windows add up there and the caller rounds once).
 */
export function overlapSums(info: Conv2DInfo, n: number): Float64Array | null {
  if (windowsDisjoint(info)) return null;
  const dx = scratchF64('poolGrad.dx', n);
  dx.fill(0);
  return dx;
}
