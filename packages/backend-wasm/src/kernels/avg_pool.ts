import type { Conv2DInfo, KernelImpl } from '@polytensor/core';
import type { Tw, WasmRuntime } from '../runtime.js';
import type { WasmStore } from '../store.js';
import { correlateTiles } from './conv_simd.js';
import { runParts } from './heap_threads.js';
import { hasNonFinite, poolOnHost, poolWindow, subsample } from './pool_util.js';

/**
 * Average pooling by the tfjs wasm AvgPool kernel (XNNPACK; divides by the
 * count of real cells). XNNPACK clamps its output, turning a NaN average (a
 * NaN, or +Inf with −Inf, in the window) into −Infinity; an average is never
 * finite when its window is not, so a non-finite output (one XNNPACK sum over
 * the output finds out) sends the input to a loop over the heap instead.
 * Unpadded, undilated windows over channels in multiples of 4 (the seed
 * CNN's pools) run as `windowAverages` instead.
 */
export function avgPool(rt: WasmRuntime, x: Tw, info: Conv2DInfo): Tw {
  if (info.filterHeight * info.filterWidth === 1) return subsample(rt, x, info, NaN);
  const out = rt.empty(info.outShape, 'float32');
  if (out.data.size === 0) return out;
  if (windowAverages(rt, x, out, info)) return out;
  rt.m._AvgPool(x.data.id, ...poolWindow(info), info.strideHeight, info.strideWidth, info.inChannels, out.data.id);
  if (!hasNonFinite(rt, out)) return out;
  rt.dispose(out);
  return poolOnHost(rt, x, info, 'avg');
}

/** The contract-level kernel: this instance's buffers in, a buffer it owns out. */
export const avgPoolKernel: KernelImpl<'avgPool', WasmStore> = (s, x, info) => s.run(() => avgPool(s.rt, s.input(x, 'avgPool'), info));

/**
 * Every window wholly inside the input (no padding, no dilation) and channels
 * in multiples of 4: the averages by the conv module's `avg_pool` (SIMD, 4
 * channels at a time), one part per image on the heap workers. XNNPACK's
 * AvgPool ran on the calling thread only (the seed CNN's 28×28×64 pool at
 * batch 100: ~3 ms of it on 1 and on 2 threads), and needed a second pass for
 * non-finite outputs; IEEE sums give NaN and ±∞ as they come. Each average is
 * the window's sum row by row from 0, divided by its cell count. By shape only:
 * the same bits on every thread count. False (nothing written) where it does
 * not apply.
 */
function windowAverages(rt: WasmRuntime, x: Tw, out: Tw, info: Conv2DInfo): boolean {
  const tiles = correlateTiles(rt);
  const { batchSize: nb, inHeight: ih, inWidth: iw, inChannels: c, outHeight: oh, outWidth: ow } = info;
  if (
    !tiles ||
    c % 4 !== 0 ||
    info.dilationHeight !== 1 ||
    info.dilationWidth !== 1 ||
    info.padTop !== 0 ||
    info.padBottom !== 0 ||
    info.padLeft !== 0 ||
    info.padRight !== 0 ||
    (oh - 1) * info.strideHeight + info.filterHeight > ih ||
    (ow - 1) * info.strideWidth + info.filterWidth > iw
  )
    return false;
  // the cell count as float32 bits: the module splats them (an argument, so no constant buffer on the heap)
  const countBits = new Int32Array(Float32Array.of(info.filterHeight * info.filterWidth).buffer)[0]!;
  const pix = c * 4;
  const inImage = ih * iw * pix;
  const outImage = oh * ow * pix;
  runParts(rt, nb, nb * ih * iw * c, (n, emit) =>
    emit(
      info.filterHeight === 2 && info.filterWidth === 2 ? tiles.avg_pool_2x2 : tiles.avg_pool,
      x.data.offset + n * inImage,
      countBits,
      out.data.offset + n * outImage,
      oh,
      ow,
      c / 4,
      info.filterHeight,
      info.filterWidth,
      0,
      info.strideHeight * iw * pix,
      ow * pix,
      iw * pix,
      pix,
      0,
      info.strideWidth * pix,
      pix,
    ),
  );
  return true;
}
