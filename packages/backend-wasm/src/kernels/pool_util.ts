import type { Conv2DInfo } from '@polytensor/core';
import { CDTYPE, type PoolWindow, type Tw, type WasmRuntime } from '../runtime.js';

/** The window arguments of tfjs's MaxPool and AvgPool for core's geometry. */
export function poolWindow(info: Conv2DInfo): PoolWindow {
  return [info.batchSize, info.inHeight, info.inWidth, info.filterHeight, info.filterWidth, info.padTop, info.padRight, info.padBottom, info.padLeft];
}

/**
 * The real (unpadded) taps of each window along one axis: output position o
 * reads `count[o]` input indices from `first[o]`, a dilation apart.
 */
export interface AxisTaps {
  readonly first: Int32Array;
  readonly count: Int32Array;
}

function axisTaps(outSize: number, inSize: number, filter: number, stride: number, dilation: number, padBefore: number): AxisTaps {
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const start = o * stride - padBefore;
    const lo = start >= 0 ? 0 : Math.ceil(-start / dilation); // first tap at or after index 0
    const hi = Math.min(filter, Math.floor((inSize - 1 - start) / dilation) + 1); // past the last tap before inSize
    first[o] = start + lo * dilation;
    count[o] = Math.max(0, hi - lo);
  }
  return { first, count };
}

/** The real taps of every pooling window, by output row and column (windows are separable). */
export function poolTaps(info: Conv2DInfo): { rows: AxisTaps; cols: AxisTaps } {
  return {
    rows: axisTaps(info.outHeight, info.inHeight, info.filterHeight, info.strideHeight, info.dilationHeight, info.padTop),
    cols: axisTaps(info.outWidth, info.inWidth, info.filterWidth, info.strideWidth, info.dilationWidth, info.padLeft),
  };
}

/**
 * A 1×1 pooling window (which XNNPACK rejects) just samples x at the strided
 * positions; a position that falls in the padding has no real cell and gets
 * `empty`. A loop over heap views: the output is no bigger than the input.
 */
export function subsample(rt: WasmRuntime, x: Tw, info: Conv2DInfo, empty: number): Tw {
  const out = rt.empty(info.outShape, 'float32');
  if (out.data.size === 0) return out;
  const { batchSize: b, inHeight: ih, inWidth: iw, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const src = rt.f32(x.data);
  const dst = rt.f32(out.data);
  let o = 0;
  for (let n = 0; n < b; n++) {
    for (let y = 0; y < oh; y++) {
      const yi = y * info.strideHeight - info.padTop;
      for (let xo = 0; xo < ow; xo++) {
        const xi = xo * info.strideWidth - info.padLeft;
        if (yi < 0 || yi >= ih || xi < 0 || xi >= iw) {
          dst.fill(empty, o, o + c);
        } else {
          const s = ((n * ih + yi) * iw + xi) * c;
          dst.set(src.subarray(s, s + c), o);
        }
        o += c;
      }
    }
  }
  return out;
}

/**
 * Whether x holds a NaN or ±Infinity, by one XNNPACK sum over all of it (a
 * NaN or an infinity always leaves the sum non-finite; a finite sum that
 * overflows only sends the caller down its careful path for nothing).
 */
export function hasNonFinite(rt: WasmRuntime, x: Tw): boolean {
  if (x.data.size === 0) return false;
  const s = rt.empty([], 'float32');
  try {
    rt.m._Sum(x.data.id, x.data.size, CDTYPE.float32, s.data.id);
    return !Number.isFinite(rt.f32(s.data)[0]!);
  } finally {
    rt.dispose(s);
  }
}

/**
 * Max or average pooling as a loop over views of the heap, for inputs holding
 * NaN or ±Infinity: XNNPACK's pooling drops a NaN from a max and clamps its
 * output, turning NaN into −Infinity. Here a NaN in a window gives NaN (max,
 * as max propagates it; avg, as IEEE sums do, also +Inf with −Inf); the
 * average sums in double and divides by the count of real cells. A window with
 * no real cell gives −Infinity (max) or NaN (avg), as `subsample` does.
 */
export function poolOnHost(rt: WasmRuntime, x: Tw, info: Conv2DInfo, op: 'max' | 'avg'): Tw {
  const out = rt.empty(info.outShape, 'float32');
  if (out.data.size === 0) return out;
  const { batchSize: nb, inHeight: ih, inWidth: iw, inChannels: c, outHeight: oh, outWidth: ow, dilationHeight: dh, dilationWidth: dw } = info;
  const { rows, cols } = poolTaps(info);
  const src = rt.f32(x.data);
  const dst = rt.f32(out.data);
  const acc = new Float64Array(c);
  let o = 0;
  for (let b = 0; b < nb; b++) {
    const base = b * ih * iw * c;
    for (let y = 0; y < oh; y++) {
      const y0 = rows.first[y]!;
      const yEnd = y0 + rows.count[y]! * dh;
      for (let xo = 0; xo < ow; xo++, o += c) {
        const x0 = cols.first[xo]!;
        const xEnd = x0 + cols.count[xo]! * dw;
        acc.fill(op === 'max' ? -Infinity : 0);
        for (let yi = y0; yi < yEnd; yi += dh) {
          for (let xi = x0; xi < xEnd; xi += dw) {
            const p = base + (yi * iw + xi) * c;
            for (let ch = 0; ch < c; ch++) {
              const v = src[p + ch]!;
              if (op === 'avg') acc[ch] = acc[ch]! + v;
              else if (v !== v) acc[ch] = NaN;
              else if (v > acc[ch]!) acc[ch] = v; // false once the max is NaN: it stays
            }
          }
        }
        const count = rows.count[y]! * cols.count[xo]!;
        for (let ch = 0; ch < c; ch++) dst[o + ch] = op === 'max' ? acc[ch]! : acc[ch]! / count;
      }
    }
  }
  return out;
}
