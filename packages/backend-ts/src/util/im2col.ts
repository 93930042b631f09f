import type { Conv2DInfo } from '@polytensor/core';

/**
 * The geometry of one unfolding: an NHWC image of H×W×C read through an
 * fh×fw window with strides, dilations and a top/left pad, producing outH×outW
 * rows. conv2d unfolds x with its own info; conv2dBackpropInput (stride 1)
 * unfolds dy through the flipped window.
 */
export interface Unfold {
  H: number;
  W: number;
  C: number;
  outH: number;
  outW: number;
  fh: number;
  fw: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  padTop: number;
  padLeft: number;
}

/** The unfolding conv2d uses for its input x. */
export function unfoldOf(info: Conv2DInfo): Unfold {
  return {
    H: info.inHeight,
    W: info.inWidth,
    C: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    fh: info.filterHeight,
    fw: info.filterWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    dh: info.dilationHeight,
    dw: info.dilationWidth,
    padTop: info.padTop,
    padLeft: info.padLeft,
  };
}

/**
 * Unfold image `img` (NHWC offset `imgOff`) into `col` [outH·outW, fh·fw·C]
 * from row `row0` on (rows of `rows` pixels starting at output pixel `p0`):
 * row p holds the receptive field of output pixel p in (fy, fx, c) order, which
 * matches the HWIO filter viewed as a [fh·fw·C, outC] matrix. Padded taps are
 * zeros. With unit width stride and dilation the fw taps of a filter row are
 * one contiguous run of fw·C input values, copied in one loop.
 */
export function im2col(x: Float32Array, imgOff: number, u: Unfold, col: Float32Array, p0 = 0, rows = u.outH * u.outW): void {
  const { H, W, C, outW, fh, fw, sh, sw, dh, dw, padTop, padLeft } = u;
  const runLen = fw * C;
  let dst = 0;
  for (let p = p0; p < p0 + rows; p++) {
    const oy = (p / outW) | 0;
    const ox = p - oy * outW;
    const ix0 = ox * sw - padLeft;
    for (let fy = 0; fy < fh; fy++) {
      const iy = oy * sh - padTop + fy * dh;
      if (iy < 0 || iy >= H) {
        col.fill(0, dst, dst + runLen);
        dst += runLen;
        continue;
      }
      const rowOff = imgOff + iy * W * C;
      if (dw === 1 && ix0 >= 0 && ix0 + fw <= W) {
        // The whole filter row lies inside the image: one contiguous copy.
        let src = rowOff + ix0 * C;
        for (let t = 0; t < runLen; t++) col[dst++] = x[src++]!;
        continue;
      }
      for (let fx = 0; fx < fw; fx++) {
        const ix = ix0 + fx * dw;
        if (ix < 0 || ix >= W) {
          for (let c = 0; c < C; c++) col[dst++] = 0;
        } else {
          let src = rowOff + ix * C;
          for (let c = 0; c < C; c++) col[dst++] = x[src++]!;
        }
      }
    }
  }
}

/** The adjoint of im2col: add each row of `col` back onto the pixels it was read from (image `dx`, float64). */
export function col2im(col: Float32Array, u: Unfold, dx: Float64Array): void {
  const { H, W, C, outH, outW, fh, fw, sh, sw, dh, dw, padTop, padLeft } = u;
  let src = 0;
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      for (let fy = 0; fy < fh; fy++) {
        const iy = oy * sh - padTop + fy * dh;
        for (let fx = 0; fx < fw; fx++, src += C) {
          const ix = ox * sw - padLeft + fx * dw;
          if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
          const dst = (iy * W + ix) * C;
          for (let c = 0; c < C; c++) dx[dst + c]! += col[src + c]!;
        }
      }
    }
  }
}

/** A 1×1, stride-1, unpadded conv reads x directly as the [H·W, inC] matrix: no unfolding needed. */
export function isPointwise(info: Conv2DInfo): boolean {
  return (
    info.filterHeight === 1 &&
    info.filterWidth === 1 &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.padTop === 0 &&
    info.padBottom === 0 &&
    info.padLeft === 0 &&
    info.padRight === 0
  );
}
