import type { Conv2DInfo } from '@polytensor/core';
import type { Tw, WasmRuntime } from '../runtime.js';
import { correlateImage, correlateTiles, isPadded3x3Unit } from './conv_simd.js';
import { runParts } from './heap_threads.js';

/**
 * Input channels at most this take the narrow path. XNNPACK's convolution of
 * the seed CNN's first layer (28×28×1 → 64, 3×3, batch 100) gains nothing
 * from a second thread: the calling thread's CPU time was ~3.9 ms (with the
 * relu pass) on 1 and on 2 threads, against ~3.9 and ~2.1 ms for the conv
 * module's tiles (1 and 3 input channels measured, load ~11;
 * see the README's "Inference").
 */
export const NARROW_MAX_CHANNELS = 3;

/**
 * Whether `narrowConv2d` takes this convolution: a 3×3 stride-1 convolution
 * without dilation, non-negative padding, 1–NARROW_MAX_CHANNELS input
 * channels and a multiple of 4 output channels, where the conv module's
 * SIMD tiles load. By shape only, so every thread count takes the same path.
 */
export function narrowConvApplies(rt: WasmRuntime, info: Conv2DInfo): boolean {
  return isPadded3x3Unit(info) && info.inChannels >= 1 && info.inChannels <= NARROW_MAX_CHANNELS && info.outChannels % 4 === 0 && correlateTiles(rt) !== null;
}

/**
 * relu?(conv2d(x, filter) + bias) for a convolution with few input channels
 * (a network's first layer) by the conv module's SIMD correlation tiles on the
 * zero-padded input, one part per image on the heap workers: the image's tile
 * calls, then the bias and relu in place on its output while it is in cache.
 * Each output sums its taps in row-major order from 0, then adds the bias;
 * relu is y < 0 ? 0 : y (NaN stays NaN, as tfjs's Relu). The part of each
 * image is fixed by the shape: the same bits on every thread count. Call only
 * where `narrowConvApplies`.
 */
export function narrowConv2d(rt: WasmRuntime, x: Tw, filter: Tw, bias: Tw | null, relu: boolean, info: Conv2DInfo): Tw {
  const tiles = correlateTiles(rt)!;
  const [batch, h, w, ci] = x.shape as [number, number, number, number];
  const co = info.outChannels;
  const [, oh, ow] = info.outShape as [number, number, number, number];
  // the padded input: as large as the output needs (a 'valid' correlation of it gives exactly outShape)
  const hp = oh + 2;
  const wp = ow + 2;
  const xp = rt.empty([batch, hp, wp, ci], 'float32');
  let out: Tw | null = null;
  try {
    const src = rt.f32(x.data);
    const dst = rt.f32(xp.data);
    dst.fill(0);
    // rows and columns of x inside the padded frame (padding may crop nothing: pad ≥ 0, and hp = h + padTop + padBottom)
    const row = w * ci;
    for (let b = 0; b < batch; b++)
      for (let y = 0; y < h; y++) {
        const at = ((b * hp + info.padTop + y) * wp + info.padLeft) * ci;
        dst.set(src.subarray((b * h + y) * row, (b * h + y + 1) * row), at);
      }
    out = rt.empty(info.outShape, 'float32');
    const image = correlateImage(tiles, xp, filter, out, 1, 1);
    const epilogue = bias ? (relu ? tiles.bias_relu : tiles.bias) : relu ? tiles.relu : null;
    const biasAt = bias ? bias.data.offset : 0;
    const imageBytes = oh * ow * co * 4;
    const o = out;
    runParts(rt, batch, batch * oh * ow * 9 * ci * co, (n, emit) => {
      image(n, emit);
      if (epilogue) emit(epilogue, 0, biasAt, o.data.offset + n * imageBytes, oh * ow, 0, co / 4);
    });
    return out;
  } catch (e) {
    if (out) rt.dispose(out);
    throw e;
  } finally {
    rt.dispose(xp);
  }
}
