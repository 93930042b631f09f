import type { Conv2DInfo, KernelImpl } from '@polytensor/core';
import type { Tw, WasmRuntime } from '../runtime.js';
import type { WasmStore } from '../store.js';
import { xnnConv } from './conv_util.js';
import { winogradApplies, winogradConv2d } from './winograd_conv2d.js';

/**
 * NHWC conv2d by the tfjs wasm Conv2D kernel (XNNPACK), with core's resolved
 * geometry as explicit padding; 3×3 stride-1 convolutions with enough
 * channels by Winograd F(2×2, 3×3) or F(4×4, 3×3) (`winograd_conv2d.ts`) unless their result
 * is not finite.
 */
export function conv2d(rt: WasmRuntime, x: Tw, filter: Tw, info: Conv2DInfo): Tw {
  if (winogradApplies(rt, info)) {
    const y = winogradConv2d(rt, x, filter, null, false, info);
    if (y) return y;
  }
  const out = xnnConv(rt, x, filter, info);
  if (out.shape.some((d, i) => d !== info.outShape[i])) {
    rt.dispose(out);
    throw new Error(`wasm backend: conv2d: internal: output [${out.shape.join(',')}] does not match core's geometry [${info.outShape.join(',')}]`);
  }
  return out;
}

/** The contract-level kernel: this instance's buffers in, a buffer it owns out. */
export const conv2dKernel: KernelImpl<'conv2d', WasmStore> = (s, x, filter, info) =>
  s.run(() => conv2d(s.rt, s.input(x, 'conv2d'), s.input(filter, 'conv2d'), info));
