import type { Conv2DInfo, KernelImpl } from '@polytensor/core';
import type { Tw, WasmRuntime } from '../runtime.js';
import type { WasmStore } from '../store.js';
import { hasNonFinite, poolOnHost, poolWindow, subsample } from './pool_util.js';

/**
 * Average pooling by the tfjs wasm AvgPool kernel (XNNPACK; divides by the
 * count of real cells). XNNPACK clamps its output, turning a NaN average (a
 * NaN, or +Inf with −Inf, in the window) into −Infinity; an average is never
 * finite when its window is not, so a non-finite output (one XNNPACK sum over
 * the output finds out) sends the input to a loop over the heap instead.
 */
export function avgPool(rt: WasmRuntime, x: Tw, info: Conv2DInfo): Tw {
  if (info.filterHeight * info.filterWidth === 1) return subsample(rt, x, info, NaN);
  const out = rt.empty(info.outShape, 'float32');
  if (out.data.size === 0) return out;
  rt.m._AvgPool(x.data.id, ...poolWindow(info), info.strideHeight, info.strideWidth, info.inChannels, out.data.id);
  if (!hasNonFinite(rt, out)) return out;
  rt.dispose(out);
  return poolOnHost(rt, x, info, 'avg');
}

/** The contract-level kernel: this instance's buffers in, a buffer it owns out. */
export const avgPoolKernel: KernelImpl<'avgPool', WasmStore> = (s, x, info) => s.run(() => avgPool(s.rt, s.input(x, 'avgPool'), info));
