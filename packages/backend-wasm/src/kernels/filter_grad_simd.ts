import type { Conv2DInfo } from '@polytensor/core';
import type { Tw, WasmRuntime } from '../runtime.js';
import { FILTER_GRAD_SIMD_WASM, FILTER_GRAD_SIMD_WASM_SHARED } from './filter_grad_simd_module.js';
import { onHeap } from './heap_simd.js';
import { type HeapFn, runParts } from './heap_threads.js';

/** One tile function of the module: (x, dy, dw, rows, cols, xRow, xCol, dyRow, dyCol, cBlocks, oBlocks, dwRow), byte units. */
type TileFn = HeapFn;

/** The module's exports: input-channel block × output-channel block tiles. */
interface FilterGradTiles {
  c4o8: TileFn;
  c1o8: TileFn;
  c4o4: TileFn;
  c1o4: TileFn;
}

/**
 * The filter-gradient tiles on the runtime's heap (the module importing a
 * shared memory for the threaded build), or null where WebAssembly SIMD does
 * not validate.
 */
export function filterGradTiles(rt: WasmRuntime): FilterGradTiles | null {
  return onHeap<FilterGradTiles>(rt, FILTER_GRAD_SIMD_WASM, FILTER_GRAD_SIMD_WASM_SHARED);
}

/** Whether `bySimdTiles` takes this geometry: output channels in whole vectors of 4. */
export function simdTilesFit(info: Conv2DInfo): boolean {
  return info.outChannels % 4 === 0;
}

/**
 * How many parts the output channels are cut into (fewer when there are fewer
 * 8-channel blocks): a constant, so the split is the same on every thread count.
 */
export const FILTER_GRAD_PARTS = 2;

/** Images per group: each group sums into its own dW, and the groups' dWs are added in order at the end. */
export const FILTER_GRAD_GROUP_IMAGES = 8;

/** The most bytes the groups' extra dWs may take (fewer, larger groups beyond). */
const GROUP_BYTES = 64 * 1024 * 1024;

/**
 * Image groups for a filter gradient of `b` images and `dwBytes`: one per
 * FILTER_GRAD_GROUP_IMAGES images while their extra dWs fit GROUP_BYTES. From
 * the shapes alone, never the thread count.
 */
export function filterGradGroups(b: number, dwBytes: number): number {
  const wanted = Math.ceil(b / FILTER_GRAD_GROUP_IMAGES);
  return Math.max(1, Math.min(wanted, 1 + Math.floor(GROUP_BYTES / Math.max(1, dwBytes))));
}

/** The dy rows one pass over the taps takes: x's and dy's rows for them stay in L1 across all channel tiles. */
const STRIP_ROWS = 2;

/**
 * dW of conv2d by the module's SIMD tiles, reading x and dy where they lie
 * (NHWC) and accumulating into dW (HWIO) in place: per image and strip of dy
 * rows, per filter tap, the rectangle of dy pixels whose window cell for that
 * tap lies inside x (padding contributes nothing, so it is never read), every
 * 4 × 8 block of (input, output) channels. Any stride, dilation and padding.
 * Images are taken in groups (`filterGradGroups`), each summed into its own
 * dW (the first into the output), image by image and row by row, and the
 * groups' dWs are added in group order at the end: a fixed order, whatever
 * thread runs a part. Parts: image group × half of the output channels.
 */
export function bySimdTiles(rt: WasmRuntime, tiles: FilterGradTiles, x: Tw, dy: Tw, info: Conv2DInfo): Tw {
  const { batchSize: b, inHeight: ih, inWidth: iw, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const out = rt.empty(info.filterShape, 'float32');
  rt.f32(out.data).fill(0);
  const c4 = ci >> 2;
  const c1 = ci & 3;
  const o8 = co >> 3;
  const o4 = (co & 7) >> 2;
  const xCol = sw * ci * 4;
  const xRow = sh * iw * ci * 4;
  const dyCol = co * 4;
  const dyRow = ow * co * 4;
  const dwRow = co * 4;
  // Per tap: the dy pixels (y0..y1, x0..x1) whose input cell y·s + i·d − pad is inside x.
  const taps: { i: number; j: number; y0: number; y1: number; x0: number; x1: number }[] = [];
  const first = (k: number, d: number, s: number, p: number): number => Math.max(0, Math.ceil((p - k * d) / s));
  const last = (k: number, d: number, s: number, p: number, n: number, o: number): number => Math.min(o - 1, Math.floor((n - 1 + p - k * d) / s));
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      const y0 = first(i, dh, sh, info.padTop);
      const y1 = last(i, dh, sh, info.padTop, ih, oh);
      const x0 = first(j, dw, sw, info.padLeft);
      const x1 = last(j, dw, sw, info.padLeft, iw, ow);
      if (y0 <= y1 && x0 <= x1) taps.push({ i, j, y0, y1, x0, x1 });
    }
  }
  const xBase = x.data.offset;
  const dyBase = dy.data.offset;
  // Parts: image groups × ranges of 8-channel output blocks (the 4-channel
  // remainder with the last range). Each dW element of a group gets one tile
  // call per (image, strip, tap), in the same order however the parts run.
  const groups = filterGradGroups(b, out.data.size * 4);
  const partial = [out];
  try {
    for (let g = 1; g < groups; g++) {
      const t = rt.empty(info.filterShape, 'float32');
      partial.push(t);
      rt.f32(t.data).fill(0);
    }
    const ranges = Math.max(1, Math.min(FILTER_GRAD_PARTS, o8));
    const work = b * oh * ow * fh * fw * ci * co;
    runParts(rt, groups * ranges, work, (p, emit) => {
      const g = Math.floor(p / ranges);
      const r = p % ranges;
      const ob0 = Math.floor((r * o8) / ranges);
      const obs = Math.floor(((r + 1) * o8) / ranges) - ob0;
      const rest = r === ranges - 1 && o4 > 0;
      const oOff = ob0 * 32;
      const rOff = o8 * 32;
      const dwBase = partial[g]!.data.offset;
      const n1 = Math.min(b, Math.ceil(((g + 1) * b) / groups));
      for (let n = Math.ceil((g * b) / groups); n < n1; n++) {
        for (let ys = 0; ys < oh; ys += STRIP_ROWS) {
          for (const t of taps) {
            const ya = Math.max(ys, t.y0);
            const yb = Math.min(ys + STRIP_ROWS - 1, t.y1);
            if (ya > yb) continue;
            const rows = yb - ya + 1;
            const cols = t.x1 - t.x0 + 1;
            const xa = xBase + ((n * ih + ya * sh + t.i * dh - info.padTop) * iw + t.x0 * sw + t.j * dw - info.padLeft) * ci * 4;
            const da = dyBase + ((n * oh + ya) * ow + t.x0) * co * 4;
            const wa = dwBase + (t.i * fw + t.j) * ci * co * 4;
            if (c4 > 0) {
              if (obs > 0) emit(tiles.c4o8, xa, da + oOff, wa + oOff, rows, cols, xRow, xCol, dyRow, dyCol, c4, obs, dwRow);
              if (rest) emit(tiles.c4o4, xa, da + rOff, wa + rOff, rows, cols, xRow, xCol, dyRow, dyCol, c4, 1, dwRow);
            }
            if (c1 > 0) {
              const xr = xa + c4 * 16;
              const wr = wa + c4 * 4 * dwRow;
              if (obs > 0) emit(tiles.c1o8, xr, da + oOff, wr + oOff, rows, cols, xRow, xCol, dyRow, dyCol, c1, obs, dwRow);
              if (rest) emit(tiles.c1o4, xr, da + rOff, wr + rOff, rows, cols, xRow, xCol, dyRow, dyCol, c1, 1, dwRow);
            }
          }
        }
      }
    });
    // The groups' sums in order: ((dW₀ + dW₁) + dW₂) + … (float32 stores round each add).
    const total = rt.f32(out.data);
    for (let g = 1; g < groups; g++) {
      const add = rt.f32(partial[g]!.data);
      for (let i = 0; i < total.length; i++) total[i]! += add[i]!;
    }
  } finally {
    for (let g = 1; g < partial.length; g++) rt.dispose(partial[g]!);
  }
  return out;
}
