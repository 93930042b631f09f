import type { Conv2DInfo } from '@polytensor/core';
import type { Tw, WasmRuntime } from '../runtime.js';
import { CONV_SIMD_WASM, CONV_SIMD_WASM_SHARED } from './conv_simd_module.js';
import { onHeap } from './heap_simd.js';
import { type Emit, type HeapFn, runParts } from './heap_threads.js';

/** One function of the module: (in, f, out, rows, groups, cBlocks, fh, fw, K, inRow, outRow, tapRow, tapCol, fK, pixIn, pixOut), byte units. */
type CorrelateFn = HeapFn;

/** The module's exports: 4 or 1 adjacent pixels × 8 or 4 output channels, average pooling, and the in-place epilogues (out, bias, pixels, vectors of 4 channels). */
interface CorrelateTiles {
  p4c8: CorrelateFn;
  p1c8: CorrelateFn;
  p4c4: CorrelateFn;
  p1c4: CorrelateFn;
  avg_pool: CorrelateFn;
  avg_pool_2x2: CorrelateFn;
  bias: CorrelateFn;
  relu: CorrelateFn;
  bias_relu: CorrelateFn;
}

/**
 * A 3×3, stride-1, undilated convolution with non-negative padding and a
 * non-empty output: the shapes the padded-input paths (Winograd, the narrow
 * first layer) take, before their own channel conditions.
 */
export function isPadded3x3Unit(info: Conv2DInfo): boolean {
  return (
    info.filterHeight === 3 &&
    info.filterWidth === 3 &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    Math.min(info.padTop, info.padBottom, info.padLeft, info.padRight) >= 0 &&
    info.outShape.every((d) => d > 0)
  );
}

/** The correlation tiles on the runtime's heap, or null where WebAssembly SIMD does not validate. */
export function correlateTiles(rt: WasmRuntime): CorrelateTiles | null {
  return onHeap<CorrelateTiles>(rt, CONV_SIMD_WASM, CONV_SIMD_WASM_SHARED);
}

/**
 * Stride-1 'valid' correlation of NHWC `input` [B, Hp, Wp, K] with `filter`
 * [fh, fw, K, C] at dilation (dh, dw), by the module's SIMD tiles where the
 * buffers lie: out [B, Hp − (fh−1)·dh, Wp − (fw−1)·dw, C]. C must be a
 * multiple of 4. Per image one call per tile shape: groups of 4 pixels along
 * each row, then the row's last 0–3 pixels one by one; blocks of 8 channels,
 * then one of 4.
 */
export function correlateValid(rt: WasmRuntime, tiles: CorrelateTiles, input: Tw, filter: Tw, dh: number, dw: number): Tw {
  const [b, hp, wp, k] = input.shape as [number, number, number, number];
  const [fh, fw, , c] = filter.shape as [number, number, number, number];
  const oh = hp - (fh - 1) * dh;
  const ow = wp - (fw - 1) * dw;
  const out = rt.empty([b, oh, ow, c], 'float32');
  if (out.data.size === 0) return out;
  if (k === 0) {
    rt.f32(out.data).fill(0);
    return out;
  }
  runParts(rt, b, b * oh * ow * fh * fw * k * c, correlateImage(tiles, input, filter, out, dh, dw));
  return out;
}

/**
 * The calls that make image n of correlateValid's `out` (one part per image:
 * every output pixel is one tile call's, whichever thread makes it). `out`
 * must have correlateValid's shape; K ≥ 1.
 */
export function correlateImage(tiles: CorrelateTiles, input: Tw, filter: Tw, out: Tw, dh: number, dw: number): (n: number, emit: Emit) => void {
  const [, hp, wp, k] = input.shape as [number, number, number, number];
  const [fh, fw, , c] = filter.shape as [number, number, number, number];
  const [, oh, ow] = out.shape as [number, number, number, number];
  const pixIn = k * 4;
  const pixOut = c * 4;
  const inRow = wp * pixIn;
  const outRow = ow * pixOut;
  const tapRow = dh * inRow;
  const tapCol = dw * pixIn;
  const fK = c * 4;
  const groups = ow >> 2;
  const rest = ow & 3;
  const c8 = c >> 3;
  const c4 = (c & 7) >> 2;
  return (n, emit) => {
    const inBase = input.data.offset + n * hp * inRow;
    const outBase = out.data.offset + n * oh * outRow;
    const call = (fn: CorrelateFn, px: number, count: number, cOff: number, cBlocks: number): void =>
      emit(
        fn,
        inBase + px * pixIn,
        filter.data.offset + cOff,
        outBase + px * pixOut + cOff,
        oh,
        count,
        cBlocks,
        fh,
        fw,
        k,
        inRow,
        outRow,
        tapRow,
        tapCol,
        fK,
        pixIn,
        pixOut,
      );
    if (groups > 0) {
      if (c8 > 0) call(tiles.p4c8, 0, groups, 0, c8);
      if (c4 > 0) call(tiles.p4c4, 0, groups, c8 * 32, 1);
    }
    if (rest > 0) {
      if (c8 > 0) call(tiles.p1c8, groups * 4, rest, 0, c8);
      if (c4 > 0) call(tiles.p1c4, groups * 4, rest, c8 * 32, 1);
    }
  };
}
