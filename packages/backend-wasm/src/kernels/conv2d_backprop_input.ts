import type { Conv2DInfo, KernelImpl } from '@polytensor/core';
import type { Tw, WasmRuntime } from '../runtime.js';
import type { WasmStore } from '../store.js';
import { correlateTiles, correlateValid } from './conv_simd.js';
import { xnnConv } from './conv_util.js';
import { pad } from './pad.js';
import { slice } from './slice.js';
import { transpose } from './transpose.js';

/**
 * The filter of the transposed convolution: spatially flipped, in/out channels
 * swapped ([fh, fw, Ci, Co] → [fh, fw, Co, Ci] with (i, j) → (fh-1-i, fw-1-j)),
 * by the tfjs wasm Transpose and Reverse kernels.
 */
function flippedFilter(rt: WasmRuntime, filter: Tw): Tw {
  const [fh, fw, ci, co] = filter.shape as [number, number, number, number];
  const swapped = transpose(rt, { ...filter, shape: [fh * fw, ci, co] }, [0, 2, 1]);
  if (fh * fw === 1) return { ...swapped, shape: [fh, fw, co, ci] };
  try {
    const out = rt.empty([fh, fw, co, ci], 'float32');
    // Reversing the flattened (fh·fw) axis reverses both spatial axes.
    rt.m._Reverse(swapped.data.id, rt.ints(0, [0]), 1, rt.ints(1, [fh * fw, co, ci]), 3, out.data.id);
    return out;
  } finally {
    rt.dispose(swapped);
  }
}

/**
 * Gradient of conv2d w.r.t. its input, as a convolution on XNNPACK (tfjs's own
 * Conv2DBackpropInput kernel is a scalar loop without dilations): dy, with
 * strides turned into zero rows/columns (PadV2 over a 6-d view), convolved at
 * stride 1 and the forward dilation with the flipped, channel-swapped filter.
 * Padding that would be negative crops dy instead.
 */
export function conv2dBackpropInput(rt: WasmRuntime, dy: Tw, filter: Tw, info: Conv2DInfo): Tw {
  const { batchSize: b, inHeight: ih, inWidth: iw, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const zeros = (): Tw => {
    const out = rt.empty(info.inShape, 'float32');
    rt.f32(out.data).fill(0);
    return out;
  };
  if (b * ih * iw * ci === 0) return rt.empty(info.inShape, 'float32');
  if (oh * ow * co === 0) return zeros();

  const temps: Tw[] = [];
  try {
    let d = dy;
    let hd = oh;
    let wd = ow;
    if (sh > 1 || sw > 1) {
      d = pad(
        rt,
        { ...dy, shape: [b, oh, 1, ow, 1, co] },
        [
          [0, 0],
          [0, 0],
          [0, sh - 1],
          [0, 0],
          [0, sw - 1],
          [0, 0],
        ],
        0,
      );
      temps.push(d);
      hd = oh * sh;
      wd = ow * sw;
      d = { ...d, shape: [b, hd, wd, co] };
    }
    let top = (fh - 1) * dh - info.padTop;
    let bottom = ih - hd - top + (fh - 1) * dh;
    let left = (fw - 1) * dw - info.padLeft;
    let right = iw - wd - left + (fw - 1) * dw;
    if (top < 0 || bottom < 0 || left < 0 || right < 0) {
      const ct = Math.max(0, -top);
      const cb = Math.max(0, -bottom);
      const cl = Math.max(0, -left);
      const cr = Math.max(0, -right);
      if (hd - ct - cb <= 0 || wd - cl - cr <= 0) return zeros();
      d = slice(rt, d, [0, ct, cl, 0], [b, hd - ct - cb, wd - cl - cr, co]);
      temps.push(d);
      top += ct;
      bottom += cb;
      left += cl;
      right += cr;
    }
    const w = flippedFilter(rt, filter);
    temps.push(w);
    const tiles = sh === 1 && sw === 1 && ci % 4 === 0 ? correlateTiles(rt) : null;
    if (tiles) {
      // dy padded so every output pixel has all its taps, then the SIMD correlation: no im2col, no indirection.
      const dp = pad(
        rt,
        d,
        [
          [0, 0],
          [top, bottom],
          [left, right],
          [0, 0],
        ],
        0,
      );
      temps.push(dp);
      return correlateValid(rt, tiles, dp, w, dh, dw);
    }
    const out = xnnConv(rt, d, w, {
      filterHeight: fh,
      filterWidth: fw,
      strideHeight: 1,
      strideWidth: 1,
      dilationHeight: dh,
      dilationWidth: dw,
      padTop: top,
      padBottom: bottom,
      padLeft: left,
      padRight: right,
    });
    return out;
  } finally {
    for (const t of temps) rt.dispose(t);
  }
}

/**
 * Whether the XNNPACK convolution above beats core's composite (one matMul on
 * XNNPACK, then col2im by ScatterNd): only at stride 1, where dy needs no zero
 * rows, and when the transposed convolution has enough output channels (inC)
 * for XNNPACK's kernels: at stride 2 it does 4× the work and measured 2–15×
 * slower; with inC = 1 or 3 and 64 filters, 1.5–4× slower (README).
 */
export function xnnpackBackpropInput(info: Conv2DInfo): boolean {
  if (info.strideHeight !== 1 || info.strideWidth !== 1) return false;
  return info.filterHeight * info.filterWidth === 1 || 8 * info.inChannels >= info.outChannels;
}

/** The contract-level kernel: the XNNPACK convolution where it is the faster, core's composite elsewhere. */
export const conv2dBackpropInputKernel: KernelImpl<'conv2dBackpropInput', WasmStore> = (s, dy, filter, info) => {
  const op = 'conv2dBackpropInput';
  if (!xnnpackBackpropInput(info)) return s.composite(op, dy, filter, info);
  return s.run(() => conv2dBackpropInput(s.rt, s.input(dy, op), s.input(filter, op), info));
};
