import type { Conv2DInfo, KernelImpl } from '@polytensor/core';
import type { Tw, WasmRuntime } from '../runtime.js';
import type { WasmStore } from '../store.js';
import { poolTaps } from './pool_util.js';

/**
 * dy routed to the first max of each window (row-major, padded cells
 * ignored), summed where windows overlap. tfjs's MaxPoolGrad (and
 * MaxPoolWithArgmax) start each window's search at FLT_MIN, not −∞, and take
 * the last of tied maxima, so all-negative windows and ties go wrong; this
 * walks the windows over views of the wasm heap instead (scalar work of the
 * same order as the C kernel's; no copy leaves wasm memory).
 */
export function maxPoolGrad(rt: WasmRuntime, dy: Tw, x: Tw, info: Conv2DInfo): Tw {
  const out = rt.empty(info.inShape, 'float32');
  if (out.data.size === 0) return out;
  const dx = rt.f32(out.data);
  dx.fill(0);
  const { batchSize: nb, inHeight: ih, inWidth: iw, inChannels: c, outHeight: oh, outWidth: ow, dilationHeight: dh, dilationWidth: dw } = info;
  if (oh * ow * c === 0) return out;
  const { rows, cols } = poolTaps(info);
  const xs = rt.f32(x.data);
  const g = rt.f32(dy.data);
  const best = new Float64Array(c);
  const at = new Int32Array(c);
  let o = 0;
  for (let b = 0; b < nb; b++) {
    const base = b * ih * iw * c;
    for (let y = 0; y < oh; y++) {
      const y0 = rows.first[y]!;
      const yEnd = y0 + rows.count[y]! * dh;
      for (let xo = 0; xo < ow; xo++, o += c) {
        const x0 = cols.first[xo]!;
        const xEnd = x0 + cols.count[xo]! * dw;
        at.fill(-1);
        for (let yi = y0; yi < yEnd; yi += dh) {
          for (let xi = x0; xi < xEnd; xi += dw) {
            const p = base + (yi * iw + xi) * c;
            for (let ch = 0; ch < c; ch++) {
              const v = xs[p + ch]!;
              if (at[ch]! < 0 || v > best[ch]!) {
                best[ch] = v;
                at[ch] = p + ch;
              }
            }
          }
        }
        for (let ch = 0; ch < c; ch++) {
          const p = at[ch]!;
          if (p >= 0) dx[p] = dx[p]! + g[o + ch]!;
        }
      }
    }
  }
  return out;
}

/** The contract-level kernel: this instance's buffers in, a buffer it owns out. */
export const maxPoolGradKernel: KernelImpl<'maxPoolGrad', WasmStore> = (s, dy, x, info) =>
  s.run(() => maxPoolGrad(s.rt, s.input(dy, 'maxPoolGrad'), s.input(x, 'maxPoolGrad'), info));
