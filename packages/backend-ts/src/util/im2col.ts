import type { Conv2DInfo } from '@polytensor/core';

/**
 * Unfold image `b` of NHWC `x` into `col` [outH·outW, fh·fw·inC]: row p holds the
 * receptive field of output pixel p in HWC order, which matches the HWIO filter
 * viewed as a [fh·fw·inC, outC] matrix. Padded taps are zeros.
 */
export function im2col(x: Float32Array, b: number, info: Conv2DInfo, col: Float32Array): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight, outWidth, filterHeight: fh, filterWidth: fw } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, padTop, padLeft } = info;
  const rowLen = fh * fw * C;
  const imgOff = b * H * W * C;
  let p = 0;
  for (let oy = 0; oy < outHeight; oy++) {
    for (let ox = 0; ox < outWidth; ox++, p++) {
      let dst = p * rowLen;
      for (let fy = 0; fy < fh; fy++) {
        const iy = oy * sh - padTop + fy * dh;
        for (let fx = 0; fx < fw; fx++, dst += C) {
          const ix = ox * sw - padLeft + fx * dw;
          if (iy < 0 || iy >= H || ix < 0 || ix >= W) {
            col.fill(0, dst, dst + C);
          } else {
            const src = imgOff + (iy * W + ix) * C;
            // Short channel runs are faster as a loop than as subarray+set.
            if (C < 16) for (let c = 0; c < C; c++) col[dst + c] = x[src + c]!;
            else col.set(x.subarray(src, src + C), dst);
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: add each row of `col` back onto the pixels it was read from (image `dx`, float64). */
export function col2im(col: Float64Array, info: Conv2DInfo, dx: Float64Array): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight, outWidth, filterHeight: fh, filterWidth: fw } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, padTop, padLeft } = info;
  const rowLen = fh * fw * C;
  let p = 0;
  for (let oy = 0; oy < outHeight; oy++) {
    for (let ox = 0; ox < outWidth; ox++, p++) {
      let src = p * rowLen;
      for (let fy = 0; fy < fh; fy++) {
        const iy = oy * sh - padTop + fy * dh;
        for (let fx = 0; fx < fw; fx++, src += C) {
          const ix = ox * sw - padLeft + fx * dw;
          if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
          const dst = (iy * W + ix) * C;
          for (let c = 0; c < C; c++) dx[dst + c] += col[src + c]!;
        }
      }
    }
  }
}

/** A 1×1, stride-1, unpadded conv reads x directly as the [H·W, inC] matrix: no unfolding needed. */
export function isPointwise(info: Conv2DInfo): boolean {
  return (
    info.filterHeight === 1 && info.filterWidth === 1 && info.strideHeight === 1 && info.strideWidth === 1 &&
    info.padTop === 0 && info.padBottom === 0 && info.padLeft === 0 && info.padRight === 0
  );
}
