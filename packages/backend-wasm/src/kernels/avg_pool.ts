import type { Conv2DInfo } from '@polytensor/core';
import { type Tw, type WasmRuntime } from '../runtime.js';
import { subsample } from './pool_util.js';

/** Average pooling by the tfjs wasm AvgPool kernel (XNNPACK; divides by the count of real cells). */
export function avgPool(rt: WasmRuntime, x: Tw, info: Conv2DInfo): Tw {
  if (info.filterHeight * info.filterWidth === 1) return subsample(rt, x, info, NaN);
  const out = rt.empty(info.outShape, 'float32');
  if (out.data.size === 0) return out;
  rt.m._AvgPool(
    x.data.id, info.batchSize, info.inHeight, info.inWidth, info.filterHeight, info.filterWidth,
    info.padTop, info.padRight, info.padBottom, info.padLeft, info.strideHeight, info.strideWidth, info.inChannels, out.data.id,
  );
  return out;
}
