import { sizeOfShape, type Conv2DInfo, type KernelImpl } from '@polytensor/core';
import type { Tw, WasmRuntime } from '../runtime.js';
import type { WasmStore } from '../store.js';
import { poolTaps } from './pool_util.js';

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

/** The contract-level kernel: tfjs's loop for small inputs, core's composite for large ones. */
export const avgPoolGradKernel: KernelImpl<'avgPoolGrad', WasmStore> = (s, dy, info) => {
  const op = 'avgPoolGrad';
  if (sizeOfShape(info.inShape) >= AVG_POOL_GRAD_COMPOSITE_FROM) return s.composite(op, dy, info);
  return s.run(() => avgPoolGrad(s.rt, s.input(dy, op), info));
};
