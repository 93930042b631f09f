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

/** The dy rows one pass over the taps takes: x's and dy's rows for them stay in L1 across all channel tiles. */
const STRIP_ROWS = 2;

/**
 * dW of conv2d by the module's SIMD tiles, reading x and dy where they lie
 * (NHWC) and accumulating into dW (HWIO) in place: per image and strip of dy
 * rows, per filter tap, the rectangle of dy pixels whose window cell for that
 * tap lies inside x (padding contributes nothing, so it is never read), every
 * 4 × 8 block of (input, output) channels. Any stride, dilation and padding.
 * The sum over pixels runs image by image, row by row: a fixed order.
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
  const dwBase = out.data.offset;
  // Parts: ranges of 8-channel output blocks (the 4-channel remainder with the
  // last). Each dW element's sum stays in one tile call per (image, strip,
  // tap), in the same order however the blocks are grouped.
  const parts = Math.max(1, Math.min(FILTER_GRAD_PARTS, o8));
  const work = b * oh * ow * fh * fw * ci * co;
  runParts(rt, parts, work, (p, emit) => {
    const ob0 = Math.floor((p * o8) / parts);
    const obs = Math.floor(((p + 1) * o8) / parts) - ob0;
    const rest = p === parts - 1 && o4 > 0;
    const oOff = ob0 * 32;
    const rOff = o8 * 32;
    for (let n = 0; n < b; n++) {
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
  return out;
}
