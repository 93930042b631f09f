import { sizeOfShape, type Conv2DInfo, type KernelImpl } from '@polytensor/core';
import type { Tw, WasmRuntime } from '../runtime.js';
import type { WasmStore } from '../store.js';
import { onHeap } from './heap_simd.js';
import { POOL_GRAD_SIMD_WASM, POOL_GRAD_SIMD_WASM_SHARED } from './pool_grad_simd_module.js';
import { poolTaps } from './pool_util.js';

/** The module's one function: (dy, dx, rows, cols, dxRow, dxCol, vectors, count), bytes; count an f32. */
type SpreadFn = (dy: number, dx: number, rows: number, cols: number, dxRow: number, dxCol: number, vectors: number, count: number) => void;

/** The SIMD spread on the runtime's heap, or null where WebAssembly SIMD does not validate. */
export function poolGradSpread(rt: WasmRuntime): SpreadFn | null {
  return onHeap<{ spread: SpreadFn }>(rt, POOL_GRAD_SIMD_WASM, POOL_GRAD_SIMD_WASM_SHARED)?.spread ?? null;
}

/**
 * Gradient of average pooling by this package's SIMD spread, channels a
 * multiple of 4: dx zeroed, then per output pixel (row-major, so every cell
 * sums its windows in a fixed order) dy over its window's count of real
 * cells added into those cells, four channels at a time. Any window, stride,
 * dilation and padding; a window of only padding adds nothing.
 */
export function bySimdSpread(rt: WasmRuntime, spread: SpreadFn, dy: Tw, info: Conv2DInfo): Tw {
  const { batchSize: b, inHeight: ih, inWidth: iw, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const out = rt.empty(info.inShape, 'float32');
  if (out.data.size === 0) return out;
  rt.f32(out.data).fill(0);
  const { rows, cols } = poolTaps(info);
  const pix = c * 4;
  const dxRow = info.dilationHeight * iw * pix;
  const dxCol = info.dilationWidth * pix;
  const vectors = c >> 2;
  let dyAt = dy.data.offset;
  for (let n = 0; n < b; n++) {
    for (let y = 0; y < oh; y++) {
      const nr = rows.count[y]!;
      const rowAt = out.data.offset + (n * ih + rows.first[y]!) * iw * pix;
      for (let x = 0; x < ow; x++, dyAt += pix) {
        const nc = cols.count[x]!;
        if (nr * nc > 0) spread(dyAt, rowAt + cols.first[x]! * pix, nr, nc, dxRow, dxCol, vectors, nr * nc);
      }
    }
  }
  return out;
}

/** Real (unpadded) cells of each output window, as multipliers 1/count per output position; null when every window is whole. */
function inverseCounts(info: Conv2DInfo): Float32Array | null {
  const { rows, cols } = poolTaps(info);
  if (rows.count.every((n) => n === info.filterHeight) && cols.count.every((n) => n === info.filterWidth)) return null;
  const ow = info.outWidth;
  const inv = new Float32Array(info.outHeight * ow);
  for (let y = 0; y < info.outHeight; y++) for (let x = 0; x < ow; x++) inv[y * ow + x] = 1 / (rows.count[y]! * cols.count[x]!);
  return inv;
}

/**
 * Gradient of average pooling by the tfjs wasm AvgPoolGrad kernel. That kernel
 * divides by the full window size; the contract divides by the count of real
 * cells. When padding cuts windows, dy is first scaled by 1/count per output
 * position (the tfjs Multiply kernel, broadcasting a [1, Ho, Wo, 1] map) and the
 * kernel is told the window is 1×1 (its size only sets the divisor).
 */
export function avgPoolGrad(rt: WasmRuntime, dy: Tw, info: Conv2DInfo): Tw {
  const out = rt.empty(info.inShape, 'float32');
  if (out.data.size === 0) return out;
  if (info.outHeight * info.outWidth * info.batchSize === 0) {
    rt.f32(out.data).fill(0);
    return out;
  }
  const inv = inverseCounts(info);
  let g = dy;
  let divisor: [number, number] = [info.filterHeight, info.filterWidth];
  if (inv) {
    const scale = rt.empty([1, info.outHeight, info.outWidth, 1], 'float32');
    try {
      rt.f32(scale.data).set(inv);
      g = rt.empty(dy.shape, 'float32');
      rt.m._Multiply(dy.data.id, rt.ints(0, dy.shape), 4, scale.data.id, rt.ints(1, scale.shape), 4, 0, g.data.id);
    } finally {
      rt.dispose(scale);
    }
    divisor = [1, 1];
  }
  try {
    rt.m._AvgPoolGrad(
      g.data.id,
      out.data.id,
      info.batchSize,
      info.inChannels,
      info.inHeight,
      info.inWidth,
      info.outHeight,
      info.outWidth,
      info.strideHeight,
      info.strideWidth,
      info.dilationHeight,
      info.dilationWidth,
      (info.filterHeight - 1) * info.dilationHeight + 1,
      (info.filterWidth - 1) * info.dilationWidth + 1,
      info.padTop,
      info.padLeft,
      divisor[0],
      divisor[1],
    );
  } finally {
    if (g.data !== dy.data) rt.dispose(g);
  }
  return out;
}

/**
 * Below this many input cells tfjs's AvgPoolGrad (a scalar loop, ~10 ns per
 * cell and window) beats core's composite (a scaled dy spread by a broadcast
 * multiply and summed back by ScatterNd: ~0.2 ms of set-up, then 3–4× faster
 * per cell; README).
 */
export const AVG_POOL_GRAD_COMPOSITE_FROM = 32768;

/**
 * The contract-level kernel: the SIMD spread where channels are a multiple of
 * 4 (and SIMD validates); otherwise tfjs's loop for small inputs, core's
 * composite for large ones.
 */
export const avgPoolGradKernel: KernelImpl<'avgPoolGrad', WasmStore> = (s, dy, info) => {
  const op = 'avgPoolGrad';
  const spread = info.inChannels % 4 === 0 ? poolGradSpread(s.rt) : null;
  if (spread) return s.run(() => bySimdSpread(s.rt, spread, s.input(dy, op), info));
  if (sizeOfShape(info.inShape) >= AVG_POOL_GRAD_COMPOSITE_FROM) return s.composite(op, dy, info);
  return s.run(() => avgPoolGrad(s.rt, s.input(dy, op), info));
};
