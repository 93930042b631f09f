import type { Conv2DInfo } from '@polytensor/core';

/**
 * Calls `visit(outOffset, cells)` for every output pixel of a pooling walk, with
 * the NHWC offsets of the window's real (unpadded) cells in row-major order.
 * `cells` is reused between calls. Channels are left to the caller so its inner
 * loop runs over contiguous memory.
 */
export function forEachWindow(info: Conv2DInfo, visit: (outOffset: number, cells: Int32Array, count: number) => void): void {
  const { batchSize, inHeight: H, inWidth: W, inChannels: C, outHeight, outWidth, filterHeight: fh, filterWidth: fw } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, padTop, padLeft } = info;
  const cells = new Int32Array(fh * fw);
  let outOffset = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++, outOffset += C) {
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
        visit(outOffset, cells, count);
      }
    }
  }
}
