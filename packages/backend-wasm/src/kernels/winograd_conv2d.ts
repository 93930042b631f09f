import type { Conv2DInfo } from '@polytensor/core';
import type { Tw, WasmRuntime } from '../runtime.js';
import { correlateTiles, isPadded3x3Unit } from './conv_simd.js';
import { onHeap } from './heap_simd.js';
import { type Emit, MAX_PARTS, runParts } from './heap_threads.js';
import { WINOGRAD_SIMD_WASM, WINOGRAD_SIMD_WASM_SHARED } from './winograd_simd_module.js';

type RowFn = (src: number, dst: number, tiles: number, vectors: number, rowStride: number, offset: number, bias: number, flag: number) => void;
interface WinogradModule {
  input: RowFn;
  output: RowFn;
  output_b: RowFn;
  output_r: RowFn;
  output_br: RowFn;
  input4: RowFn;
  output4: RowFn;
  output4_b: RowFn;
  output4_r: RowFn;
  output4_br: RowFn;
  pad_rows: RowFn;
  copy_rows: RowFn;
}

/**
 * F(4×4, 3×3)'s finite interpolation points (and ∞), as in
 * `scripts/gen-winograd-simd.mjs` (F4_POINTS), which builds the input and
 * output transforms from them; the filter transform here is built from the
 * same list. {0, ±1, ½, −2} was measured the most accurate of the usual sets
 * (`scripts/winograd-error.mjs`, docs/decisions.md).
 */
const F4_POINTS = [0, 1, -1, 0.5, -2] as const;

/**
 * F(4×4, 3×3) runs where both channel counts are at least this: its float32
 * error was measured at ≤ 0.11 of the conformance bound γ_n·Σ|x·w| from 32
 * input channels up, but above the bound with 1–4 (the transforms' rounding
 * does not shrink with n as the bound does), so smaller ones keep F(2×2).
 */
export const WINOGRAD4_MIN_CHANNELS = 32;

/** The tile's output side (2: F(2×2, 3×3); 4: F(4×4, 3×3)) `winogradConv2d` uses for this convolution; by shape only, never by thread count. */
export function winogradTile(info: Conv2DInfo): 2 | 4 {
  return Math.min(info.inChannels, info.outChannels) >= WINOGRAD4_MIN_CHANNELS ? 4 : 2;
}

/**
 * Winograd runs where ci·co/(ci + co) ≥ WINOGRAD_MIN_RATIO. It saves 5 of
 * every 9 multiply-adds (F(2×2)) or 3 of 4 (F(4×4)) but adds transforms
 * proportional to ci + co per output pixel. Since the products run in the
 * same per-image parts as the transforms (one fork-join per chunk), it pays
 * on both thread counts from the seed CNN's 32→32 layer up (b100, process
 * CPU on 1 thread / wall on 2 at load ~10: 14×14 64→32 8.5 / 12–17 ms
 * against 15 / 21 direct; 32→32 4.8 / 8.5–9.3 against 7.7 / 18;
 * scripts/winograd-timing.mjs). The line is the same for every thread
 * count, so that every thread count takes the same path and gives the same
 * bits. Below it (16→16 and smaller) it was measured slower before the
 * products moved; not re-measured.
 */
export const WINOGRAD_MIN_RATIO = 16;

/**
 * Bytes of transformed inputs (and of products) per chunk of images, at
 * least one image. Small chunks keep a chunk's padded inputs, transformed
 * inputs and products in cache between the steps of its parts: at the seed
 * CNN's 28×28×64→64 layer (451 KB per image by F(4×4)), 2 MiB chunks took
 * 33.6 ms of CPU against 38.6 for the whole batch in one (b100, 1 thread;
 * 35 against 40 on 2; 1–8 MiB measured, scripts/winograd-timing.mjs).
 * Chunking does not change any result: every image's parts make the same calls.
 */
const CHUNK_BYTES = 2 * 2 ** 20;

/**
 * Tiles per part at least: an image is split into blocks of tile rows of at
 * least this many tiles, so that one large image (batch 1) still gives both
 * threads work; the seed CNN's images are one part each. By shape only.
 */
const PART_TILES = 64;

/**
 * Whether `winogradConv2d` takes this convolution: 3×3, stride 1, no
 * dilation, non-negative padding, channels in and out multiples of 4 and
 * enough of them (WINOGRAD_MIN_RATIO), and WebAssembly SIMD.
 */
export function winogradApplies(rt: WasmRuntime, info: Conv2DInfo): boolean {
  return (
    isPadded3x3Unit(info) &&
    info.inChannels % 4 === 0 &&
    info.outChannels % 4 === 0 &&
    (info.inChannels * info.outChannels) / (info.inChannels + info.outChannels) >= WINOGRAD_MIN_RATIO &&
    winogradModule(rt) !== null &&
    correlateTiles(rt) !== null
  );
}

function winogradModule(rt: WasmRuntime): WinogradModule | null {
  return onHeap<WinogradModule>(rt, WINOGRAD_SIMD_WASM, WINOGRAD_SIMD_WASM_SHARED);
}

/**
 * relu?(conv2d(x, filter) + bias) by Winograd's F(m×m, 3×3), m = 2 or 4
 * (`winogradTile`): each m×m block of outputs from its (m+2)×(m+2) input
 * patch with (m+2)² multiplications per channel pair instead of 9m², so 2.25×
 * (m = 2) or 4× (m = 4) fewer multiply-adds than the direct convolution. The
 * input patches and the products are transformed by this package's SIMD
 * module (`scripts/gen-winograd-simd.mjs`) in the heap; the (m+2)² products
 * [tiles, Ci]·[Ci, Co] by the conv module's SIMD tiles (`conv_simd.ts`, as
 * 1×1 correlations: measured 63 GFLOP/s against XNNPACK's fully-connected
 * op's 47 at [4900, 64]·[64, 64]). Each image is one part of one job on the
 * heap workers (a large image: one part per block of tile rows): its copy
 * into the zero-padded buffer (whole images only), its input transform, its
 * products, its output transform, so a chunk is one
 * fork-join (XNNPACK's pool took one per product, and on busy cores the
 * caller spun at each), a part's data stays in cache, and
 * results are the same on every thread count. `products: 'xnnpack'`
 * (timing scripts) runs the products as XNNPACK ops between two jobs, as
 * before. The filter transform G g Gᵀ is computed in double and rounded
 * once. The error stays well within the direct convolution's bound
 * γ_n·Σ|x·w| on the shapes that take the path (tested against a float64
 * reference; measured in `scripts/winograd-error.mjs`).
 *
 * Returns null, having freed everything, when any pre-activation output is
 * not finite (a NaN or infinity in the input or filter, or an overflow): the
 * transforms would turn ∞ − ∞ into NaN where the direct sum gives ±∞, so the
 * caller convolves directly then. Call only where `winogradApplies`.
 * `chunkBytes` (tests) bounds the transformed inputs held at once; `tile`
 * (tests) overrides `winogradTile`.
 */
export function winogradConv2d(
  rt: WasmRuntime,
  x: Tw,
  filter: Tw,
  bias: Tw | null,
  relu: boolean,
  info: Conv2DInfo,
  chunkBytes?: number,
  tile: 2 | 4 = winogradTile(info),
  products: 'own' | 'xnnpack' = 'own',
): Tw | null {
  // XNNPACK products: as before they moved, the whole batch in one chunk (each product is a fork-join per chunk)
  const chunkLimit = chunkBytes ?? (products === 'own' ? CHUNK_BYTES : 128 * 2 ** 20);
  const wino = winogradModule(rt)!;
  const gemm = correlateTiles(rt)!;
  const [batch, , , ci] = x.shape as [number, number, number, number];
  const co = info.outChannels;
  const [, outH, outW] = info.outShape as [number, number, number, number];
  const mt = tile;
  const alpha = mt + 2;
  const mats = alpha * alpha;
  const th = Math.ceil(outH / mt);
  const tw = Math.ceil(outW / mt);
  const hp = mt * th + 2;
  const wp = mt * tw + 2;
  const perImage = th * tw;
  const rowsPerPart = Math.max(1, Math.ceil(PART_TILES / tw));
  const partsPerImage = Math.ceil(th / rowsPerPart);
  const chunk = Math.max(1, Math.min(batch, Math.floor(MAX_PARTS / partsPerImage), Math.floor(chunkLimit / (mats * 4 * Math.max(ci, co) * perImage))));
  const rows = chunk * perImage;
  const owned: Tw[] = [];
  const own = (t: Tw): Tw => {
    owned.push(t);
    return t;
  };
  let out: Tw | null = null;
  try {
    // the chunk's images padded, so the input transform of each image can run on any thread
    const xp = own(rt.empty([chunk, hp, wp, ci], 'float32'));
    const v = Array.from({ length: mats }, () => own(rt.empty([rows, ci], 'float32')));
    const m = Array.from({ length: mats }, () => own(rt.empty([rows, co], 'float32')));
    // one non-finite flag vector per part: a part's calls accumulate into theirs only (no shared read-modify-write)
    const flags = own(rt.empty([chunk * partsPerImage * 4], 'float32'));
    // One part per image and an output that is not whole blocks (the seed CNN's 14×14 layers by F(4×4)): each part writes its
    // image's blocks into a chunk buffer and copies the output's rows from it, instead of a serial crop after the last chunk.
    const cropInParts = partsPerImage === 1 && (mt * th !== outH || mt * tw !== outW);
    const blocks = cropInParts ? own(rt.empty([chunk, mt * th, mt * tw, co], 'float32')) : null;
    out = rt.empty(cropInParts ? info.outShape : [batch, mt * th, mt * tw, co], 'float32');
    const uAt = transformedFilter(rt, filter, mt, ci, co);
    // XNNPACK's products take tfjs buffers: copies of the cached matrices (timing scripts only)
    const u =
      products === 'xnnpack'
        ? Array.from({ length: mats }, (_, k) => {
            const t = own(rt.empty([ci, co], 'float32'));
            rt.m.HEAPU8.copyWithin(t.data.offset, uAt + k * ci * co * 4, uAt + (k + 1) * ci * co * 4);
            return t;
          })
        : [];
    // the tables of matrix addresses the module reads (36 do not fit a scratch slot)
    const vTable = own(rt.empty([mats], 'int32'));
    const mTable = own(rt.empty([mats], 'int32'));
    (rt.view(vTable.data) as Int32Array).set(v.map((t) => t.data.offset));
    (rt.view(mTable.data) as Int32Array).set(m.map((t) => t.data.offset));
    rt.f32(flags.data).fill(0);
    const input = mt === 2 ? wino.input : wino.input4;
    const fn =
      mt === 2
        ? bias
          ? relu
            ? wino.output_br
            : wino.output_b
          : relu
            ? wino.output_r
            : wino.output
        : bias
          ? relu
            ? wino.output4_br
            : wino.output4_b
          : relu
            ? wino.output4_r
            : wino.output4;
    const inRow = wp * ci * 4;
    const outRow = mt * tw * co * 4;
    const imageBytes = hp * inRow;
    const biasAt = bias ? bias.data.offset : 0;
    const vAt = vTable.data.offset;
    const mAt = mTable.data.offset;
    // work per transformed value, for runParts' split threshold: F(4×4)'s 6-point transforms take about twice F(2×2)'s operations per value
    const perValue = mt / 2;
    // Parts fixed by the shape (blocks of tile rows of each image), never by the thread count: the same bits on every count.
    const parts = (n: number): number => n * partsPerImage;
    /** Part p's image in the chunk and its first and last (exclusive) tile rows. */
    const rowsOf = (p: number): [number, number, number] => {
      const b = Math.floor(p / partsPerImage);
      const ty0 = (p % partsPerImage) * rowsPerPart;
      return [b, ty0, Math.min(th, ty0 + rowsPerPart)];
    };
    // One part per image: each part copies its image into its slot of xp (the zero border, written once here, is never overwritten),
    // so the copy runs on whichever thread takes the part. Parts of a large image overlap by two padded rows: those are padded here.
    const padInParts = partsPerImage === 1;
    const [, h, w] = x.shape as [number, number, number, number];
    if (padInParts) rt.f32(xp.data).fill(0);
    for (let b0 = 0; b0 < batch; b0 += chunk) {
      const n = Math.min(chunk, batch - b0);
      if (!padInParts) for (let b = 0; b < n; b++) padImage(rt, x, b0 + b, xp, b, info.padTop, info.padLeft);
      const inputs = (p: number, emit: Emit): void => {
        const [b, ty0, ty1] = rowsOf(p);
        if (padInParts)
          emit(
            wino.pad_rows,
            x.data.offset + (b0 + b) * h * w * ci * 4,
            xp.data.offset + b * imageBytes + info.padTop * inRow,
            h,
            w * ci * 4,
            inRow,
            info.padLeft * ci * 4,
            0,
            0,
          );
        for (let ty = ty0; ty < ty1; ty++)
          emit(input, xp.data.offset + b * imageBytes + mt * ty * inRow, vAt, tw, ci / 4, inRow, (b * th + ty) * tw * ci * 4, 0, 0);
      };
      const outputs = (p: number, emit: Emit): void => {
        const [b, ty0, ty1] = rowsOf(p);
        const flag = flags.data.offset + 16 * p;
        const at = blocks ? blocks.data.offset + b * th * mt * outRow : out!.data.offset + (b0 + b) * th * mt * outRow;
        for (let ty = ty0; ty < ty1; ty++) emit(fn, mAt, at + ty * mt * outRow, tw, co / 4, outRow, (b * th + ty) * tw * co * 4, biasAt, flag);
        if (blocks) emit(wino.copy_rows, at, out!.data.offset + (b0 + b) * outH * outW * co * 4, outH, outW * co * 4, outW * co * 4, outRow, 0, 0);
      };
      if (products === 'own') {
        // Per part: its input transform, its (m+2)² products [tiles, Ci]·[Ci, Co] by the conv module's SIMD tiles, its output transform.
        runParts(rt, parts(n), n * perImage * mats * (ci * co + (ci + co + 16) * perValue), (p, emit) => {
          inputs(p, emit);
          const [b, ty0, ty1] = rowsOf(p);
          const t0 = (b * th + ty0) * tw;
          for (let k = 0; k < mats; k++)
            emitProduct(emit, gemm, v[k]!.data.offset + t0 * ci * 4, uAt + k * ci * co * 4, m[k]!.data.offset + t0 * co * 4, (ty1 - ty0) * tw, ci, co);
          outputs(p, emit);
        });
      } else {
        runParts(rt, parts(n), n * perImage * mats * (ci + 8) * perValue, inputs);
        for (let k = 0; k < mats; k++)
          rt.m._BatchMatMul(v[k]!.data.id, rt.ints(0, [1, n * perImage, ci]), 3, u[k]!.data.id, rt.ints(1, [1, ci, co]), 3, 0, 0, m[k]!.data.id);
        runParts(rt, parts(n), n * perImage * mats * (co + 8) * perValue, outputs);
      }
    }
    if (!rt.f32(flags.data).every((f) => f === 0)) {
      rt.dispose(out);
      return null;
    }
    if (cropInParts || (mt * th === outH && mt * tw === outW)) return out;
    const cropped = crop(rt, out, info.outShape);
    rt.dispose(out);
    return cropped;
  } catch (e) {
    if (out) rt.dispose(out);
    throw e;
  } finally {
    for (const t of owned) rt.dispose(t);
  }
}

/**
 * c [rows, n] = a [rows, k] · b [k, n] (byte addresses; n a multiple of 4) by
 * the conv module's correlation tiles as a 1×1 correlation of one row of
 * `rows` pixels: groups of 4 rows, then the last 0–3 one by one; blocks of 8
 * columns, then one of 4. Each element sums over k in order.
 */
function emitProduct(emit: Emit, t: NonNullable<ReturnType<typeof correlateTiles>>, a: number, b: number, c: number, rows: number, k: number, n: number): void {
  const groups = rows >> 2;
  const rest = rows & 3;
  const c8 = n >> 3;
  const c4 = (n & 7) >> 2;
  const call = (fn: (typeof t)['p4c8'], row: number, count: number, col: number, blocks: number): void =>
    emit(fn, a + row * k * 4, b + col * 4, c + (row * n + col) * 4, 1, count, blocks, 1, 1, k, 0, 0, 0, 0, n * 4, k * 4, n * 4);
  if (groups > 0) {
    if (c8 > 0) call(t.p4c8, 0, groups, 0, c8);
    if (c4 > 0) call(t.p4c4, 0, groups, 8 * c8, 1);
  }
  if (rest > 0) {
    if (c8 > 0) call(t.p1c8, 4 * groups, rest, 0, c8);
    if (c4 > 0) call(t.p1c4, 4 * groups, rest, 8 * c8, 1);
  }
}

/** Image `slot` of xp [chunk, hp, wp, c] ← image b of x at (padTop, padLeft), zero around it; an xp image is at least as large as an image plus padding. */
function padImage(rt: WasmRuntime, x: Tw, b: number, xp: Tw, slot: number, padTop: number, padLeft: number): void {
  const [, h, w, c] = x.shape as [number, number, number, number];
  const [, hp, wp] = xp.shape as [number, number, number, number];
  const src = rt.f32(x.data);
  const dst = rt.f32(xp.data).subarray(slot * hp * wp * c, (slot + 1) * hp * wp * c);
  const row = w * c;
  const prow = wp * c;
  dst.fill(0, 0, padTop * prow);
  for (let y = 0; y < h; y++) {
    const at = (padTop + y) * prow;
    dst.fill(0, at, at + padLeft * c);
    dst.set(src.subarray((b * h + y) * row, (b * h + y + 1) * row), at + padLeft * c);
    dst.fill(0, at + padLeft * c + row, at + prow);
  }
  dst.fill(0, (padTop + h) * prow, hp * prow);
}

/** A filter's transform: (m+2)² matrices [ci, co], one after another in a raw heap block at `address`. */
interface TransformedFilter {
  tile: 2 | 4;
  ci: number;
  co: number;
  address: number;
}

/** Per runtime: filter buffer id → its transforms (a buffer may be seen with more than one shape: core's reshape shares buffers). */
const filterCache = new WeakMap<WasmRuntime, Map<number, TransformedFilter[]>>();

/**
 * The heap address of the filter's transform G g Gᵀ for tile `mt`, computed
 * once per filter buffer and shape, then reused: buffers are immutable once
 * written, and inference convolves with the same weights call after call
 * (the transform of the seed CNN's 64→64 filter took ~0.3 ms of the calling
 * thread per call, serial on every thread count). The block is freed with
 * the filter buffer (`rt.onFree`), so a training step's new weights replace
 * the old ones' entries rather than adding to them. Raw heap blocks, not
 * tfjs buffers, so `numDataIds` counts only tensors.
 */
function transformedFilter(rt: WasmRuntime, filter: Tw, mt: 2 | 4, ci: number, co: number): number {
  let byId = filterCache.get(rt);
  if (!byId) {
    byId = new Map();
    filterCache.set(rt, byId);
  }
  const id = filter.data.id;
  const entries = byId.get(id);
  const hit = entries?.find((e) => e.tile === mt && e.ci === ci && e.co === co);
  if (hit) return hit.address;
  const mats = (mt + 2) ** 2;
  const address = rt.allocBlock(mats * ci * co * 4, 'a Winograd filter transform');
  try {
    // views made after the allocation: it may have grown the heap
    const u = Array.from({ length: mats }, (_, k) => new Float32Array(rt.m.HEAPU8.buffer, address + k * ci * co * 4, ci * co));
    if (mt === 2) transformFilter(rt, filter, u, ci, co);
    else transformFilter4(rt, filter, u, ci, co);
  } catch (e) {
    rt.freeBlock(address);
    throw e;
  }
  const entry: TransformedFilter = { tile: mt, ci, co, address };
  if (entries) entries.push(entry);
  else {
    byId.set(id, [entry]);
    const cache = byId;
    rt.onFree(filter.data, () => {
      for (const e of cache.get(id) ?? []) rt.freeBlock(e.address);
      cache.delete(id);
    });
  }
  return address;
}

/** Cached filter transforms of this runtime (tests: they must go with their filters). */
export function winogradFilterCacheSize(rt: WasmRuntime): number {
  let n = 0;
  for (const entries of filterCache.get(rt)?.values() ?? []) n += entries.length;
  return n;
}

/** u[4a + b][ci, co] = (G g Gᵀ)[a, b] for g = filter[:, :, ci, co], G = [[1,0,0],[½,½,½],[½,−½,½],[0,0,1]]; in double, rounded once. */
function transformFilter(rt: WasmRuntime, filter: Tw, views: readonly Float32Array[], ci: number, co: number): void {
  const f = rt.f32(filter.data);
  const tap = ci * co;
  const gg = new Float64Array(12); // G g: 4 rows × 3 columns
  for (let i = 0; i < ci; i++) {
    for (let o = 0; o < co; o++) {
      const at = i * co + o;
      for (let col = 0; col < 3; col++) {
        const g0 = f[col * tap + at]!;
        const g1 = f[(3 + col) * tap + at]!;
        const g2 = f[(6 + col) * tap + at]!;
        gg[col] = g0;
        gg[3 + col] = (g0 + g1 + g2) / 2;
        gg[6 + col] = (g0 - g1 + g2) / 2;
        gg[9 + col] = g2;
      }
      for (let a = 0; a < 4; a++) {
        const h0 = gg[3 * a]!;
        const h1 = gg[3 * a + 1]!;
        const h2 = gg[3 * a + 2]!;
        views[4 * a]![at] = h0;
        views[4 * a + 1]![at] = (h0 + h1 + h2) / 2;
        views[4 * a + 2]![at] = (h0 - h1 + h2) / 2;
        views[4 * a + 3]![at] = h2;
      }
    }
  }
}

/** G of F(4×4, 3×3), 6 × 3 row-major: G[j][k] = p_j^k / Π_{l≠j}(p_j − p_l) for the finite points, [0, 0, 1] for ∞. */
const G4 = Float64Array.from([
  ...F4_POINTS.flatMap((p, j) => {
    const norm = F4_POINTS.reduce<number>((acc, q, l) => (l === j ? acc : acc * (p - q)), 1);
    return [1 / norm, p / norm, (p * p) / norm];
  }),
  0,
  0,
  1,
]);

/**
 * u[6a + b][ci, co] = (G g Gᵀ)[a, b] for g = filter[:, :, ci, co] and F(4×4, 3×3)'s G (G4); in double, rounded once.
 * G g for every channel pair first, then each row of six matrices in one pass (fixed views in locals: indexing an array of 36 views per pair was measured 5× slower).
 */
function transformFilter4(rt: WasmRuntime, filter: Tw, u: readonly Float32Array[], ci: number, co: number): void {
  const f = rt.f32(filter.data);
  const tap = ci * co;
  const gg = new Float64Array(tap * 18); // per pair, G g: 6 rows × 3 columns
  for (let at = 0; at < tap; at++) {
    for (let col = 0; col < 3; col++) {
      const g0 = f[col * tap + at]!;
      const g1 = f[(3 + col) * tap + at]!;
      const g2 = f[(6 + col) * tap + at]!;
      for (let a = 0; a < 6; a++) gg[at * 18 + 3 * a + col] = G4[3 * a]! * g0 + G4[3 * a + 1]! * g1 + G4[3 * a + 2]! * g2;
    }
  }
  const [p0, p1, p2, q0, q1, q2, r0, r1, r2, s0, s1, s2, t0, t1, t2, v0, v1, v2] = G4 as unknown as number[];
  for (let a = 0; a < 6; a++) {
    // row a of G g Gᵀ: its six matrices in one pass over the pairs
    const [w0, w1, w2, w3, w4, w5] = u.slice(6 * a, 6 * a + 6) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
    for (let at = 0, i = 3 * a; at < tap; at++, i += 18) {
      const h0 = gg[i]!;
      const h1 = gg[i + 1]!;
      const h2 = gg[i + 2]!;
      w0[at] = h0 * p0! + h1 * p1! + h2 * p2!;
      w1[at] = h0 * q0! + h1 * q1! + h2 * q2!;
      w2[at] = h0 * r0! + h1 * r1! + h2 * r2!;
      w3[at] = h0 * s0! + h1 * s1! + h2 * s2!;
      w4[at] = h0 * t0! + h1 * t1! + h2 * t2!;
      w5[at] = h0 * v0! + h1 * v1! + h2 * v2!;
    }
  }
}

/** The top-left outShape of `t` (NHWC, same batch and channels). */
function crop(rt: WasmRuntime, t: Tw, outShape: readonly number[]): Tw {
  const [batch, h, w, c] = t.shape as [number, number, number, number];
  const [, oh, ow] = outShape as [number, number, number, number];
  const out = rt.empty(outShape, 'float32');
  for (let b = 0; b < batch; b++) for (let y = 0; y < oh; y++) rt.copy(t.data, (b * h + y) * w * c, out.data, (b * oh + y) * ow * c, ow * c);
  return out;
}
