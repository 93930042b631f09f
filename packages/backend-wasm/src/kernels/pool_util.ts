import type { Conv2DInfo } from '@polytensor/core';
import { type Tw, type WasmRuntime } from '../runtime.js';

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
