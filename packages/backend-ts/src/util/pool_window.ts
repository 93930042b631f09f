import type { Conv2DInfo } from '@polytensor/core';

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
