import type { Conv2DInfo, KernelImpl } from '@polytensor/core';
import type { Tw, WasmRuntime } from '../runtime.js';
import type { WasmStore } from '../store.js';
import { hasNonFinite, poolOnHost, poolWindow, subsample } from './pool_util.js';

/**
 * Max pooling by the tfjs wasm MaxPool kernel (XNNPACK; padded cells never
 * win). XNNPACK drops a NaN from a window's max (or turns the max into
 * −Infinity): an input holding NaN or ±Infinity (one XNNPACK sum finds out)
 * is pooled by a loop over the heap instead, where NaN propagates.
 */
export function maxPool(rt: WasmRuntime, x: Tw, info: Conv2DInfo): Tw {
  if (info.filterHeight * info.filterWidth === 1) return subsample(rt, x, info, -Infinity);
  if (hasNonFinite(rt, x)) return poolOnHost(rt, x, info, 'max');
  const out = rt.empty(info.outShape, 'float32');
  if (out.data.size === 0) return out;
  const { dilationHeight: dh, dilationWidth: dw, strideHeight: sh, strideWidth: sw } = info;
  rt.m._MaxPool(x.data.id, ...poolWindow(info), dh, dw, sh, sw, info.inChannels, info.outChannels, out.data.id);
  return out;
}

/** The contract-level kernel: this instance's buffers in, a buffer it owns out. */
export const maxPoolKernel: KernelImpl<'maxPool', WasmStore> = (s, x, info) => s.run(() => maxPool(s.rt, s.input(x, 'maxPool'), info));
