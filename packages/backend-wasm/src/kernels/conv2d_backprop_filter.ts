import type { Conv2DInfo, KernelImpl } from '@polytensor/core';
import type { Tw, WasmRuntime } from '../runtime.js';
import type { WasmStore } from '../store.js';
import { convOutSize, xnnConv } from './conv_util.js';
import { bySimdTiles, filterGradTiles, simdTilesFit } from './filter_grad_simd.js';
import { slice } from './slice.js';
import { transpose } from './transpose.js';

/**
 * Gradient of conv2d w.r.t. its filter, which tfjs-backend-wasm lacks: by
 * this package's SIMD tiles on x and dy as they lie (`bySimdTiles`; 0.75× the
 * forward convolution's time on the seed CNN's big layer) where the SIMD
 * module runs and the output channels are a multiple of 4; otherwise as one
 * XNNPACK convolution with the roles swapped (`byConvolution`).
 */
export function conv2dBackpropFilter(rt: WasmRuntime, x: Tw, dy: Tw, info: Conv2DInfo): Tw {
  const { batchSize: b, inHeight: ih, inWidth: iw, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  if (info.filterHeight * info.filterWidth * ci * co === 0) return rt.empty(info.filterShape, 'float32');
  if (b * oh * ow === 0 || ih * iw === 0) {
    const out = rt.empty(info.filterShape, 'float32');
    rt.f32(out.data).fill(0);
    return out;
  }
  const tiles = simdTilesFit(info) ? filterGradTiles(rt) : null;
  if (tiles) return bySimdTiles(rt, tiles, x, dy, info);
  return byConvolution(rt, x, dy, info);
}

/**
 * dW as one XNNPACK convolution with the roles swapped: batch ↔ channels.
 *
 *   dW[i, j, c, o] = Σ_{b,y,x} x[b, y·sh − pt + i·dh, x·sw − pl + j·dw, c] · dy[b, y, x, o]
 *
 * is a convolution of x seen as [Ci, H, W, B] (images = input channels,
 * channels = batch) with dy seen as a filter [Ho, Wo, B, Co], at stride
 * (dh, dw) and dilation (sh, sw): its output [Ci, fh, fw, Co] is dW up to a
 * transpose. Bottom/right padding is chosen so the output covers fh × fw; any
 * extra rows are sliced off.
 */
export function byConvolution(rt: WasmRuntime, x: Tw, dy: Tw, info: Conv2DInfo): Tw {
  const { inHeight: ih, inWidth: iw, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const temps: Tw[] = [];
  try {
    const xt = transpose(rt, x, [3, 1, 2, 0]);
    temps.push(xt);
    const dyt = transpose(rt, dy, [1, 2, 0, 3]);
    temps.push(dyt);
    const padBottom = Math.max(0, (fh - 1) * dh + (oh - 1) * sh + 1 - ih - info.padTop);
    const padRight = Math.max(0, (fw - 1) * dw + (ow - 1) * sw + 1 - iw - info.padLeft);
    const g = {
      filterHeight: oh,
      filterWidth: ow,
      strideHeight: dh,
      strideWidth: dw,
      dilationHeight: sh,
      dilationWidth: sw,
      padTop: info.padTop,
      padBottom,
      padLeft: info.padLeft,
      padRight,
    };
    const fh2 = convOutSize(ih, oh, dh, sh, info.padTop, padBottom);
    const fw2 = convOutSize(iw, ow, dw, sw, info.padLeft, padRight);
    let r = xnnConv(rt, xt, dyt, g); // [Ci, fh2, fw2, Co]
    temps.push(r);
    if (fh2 !== fh || fw2 !== fw) {
      r = slice(rt, r, [0, 0, 0, 0], [ci, fh, fw, co]);
      temps.push(r);
    }
    return transpose(rt, r, [1, 2, 0, 3]);
  } finally {
    for (const t of temps) rt.dispose(t);
  }
}

/** The contract-level kernel: this instance's buffers in, a buffer it owns out. */
export const conv2dBackpropFilterKernel: KernelImpl<'conv2dBackpropFilter', WasmStore> = (s, x, dy, info) =>
  s.run(() => conv2dBackpropFilter(s.rt, s.input(x, 'conv2dBackpropFilter'), s.input(dy, 'conv2dBackpropFilter'), info));
