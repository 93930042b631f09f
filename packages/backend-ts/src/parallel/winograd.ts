/**
 * The Winograd convolutions (util/winograd.ts) on the calling thread, or split
 * over the thread pool: the forward pass by ranges of output tiles, the filter
 * gradient by its fixed tile groups. Each output tile, and each group's
 * partial sums, is computed by one thread in the same order whatever the
 * split, so results are bit-identical to one thread.
 */
import { winoFilterGroup, winoForward, winoTiles, type WinoScratch, type WinoShape } from '../util/winograd.js';
import { scratchF64 } from '../util/scratch.js';
import { ARENA_A, ARENA_ACC, ARENA_B, ARENA_BIAS, ARENA_C, KIND_WINO_FILTER, KIND_WINO_FORWARD, threadPool, type ThreadPool } from './pool.js';

const mainScratch: WinoScratch = { f64: scratchF64 };

/** Multiply-adds (36 per tile and channel pair) below which a job stays on the calling thread (≈ 1 ms). */
const MIN_PARALLEL_MACS = 1 << 22;
/** Tiles per chunk at least (each chunk re-reads the whole transformed filter per block of tiles). */
const MIN_CHUNK_TILES = 64;

function writeShape(pool: ThreadPool, kind: number, units: number, s: WinoShape): Float64Array {
  const p = pool.params;
  p[0] = kind;
  p[1] = units;
  p[2] = s.N;
  p[3] = s.C;
  p[6] = s.H;
  p[7] = s.W;
  p[10] = s.outH;
  p[11] = s.outW;
  p[14] = s.batch;
  p[19] = s.padTop;
  p[20] = s.padLeft;
  return p;
}

/** Copy `x` into arena `id` (null when it cannot grow that far). */
function copyIn(pool: ThreadPool, id: number, x: Float32Array): Float32Array | null {
  const dst = pool.f32(id, x.length);
  dst?.set(x);
  return dst;
}

/** out = act(conv(x, g) + bias) for every tile of `s`, from the transformed filter `u`. */
export function runWinoForward(x: Float32Array, s: WinoShape, u: Float64Array, out: Float32Array, bias: Float32Array | null, act: number): void {
  const tiles = winoTiles(s);
  if (tiles * 36 * s.C * s.N >= MIN_PARALLEL_MACS && forwardParallel(x, s, u, out, bias, act, tiles)) return;
  winoForward(x, s, u, out, 0, bias, act, 0, tiles, mainScratch);
}

function forwardParallel(x: Float32Array, s: WinoShape, u: Float64Array, out: Float32Array, bias: Float32Array | null, act: number, tiles: number): boolean {
  const pool = threadPool();
  if (!pool) return false;
  const threads = 1 + pool.ready();
  // About four chunks per thread, so a busy core just takes fewer.
  const rows = Math.max(MIN_CHUNK_TILES, Math.ceil(tiles / (4 * threads)));
  const chunks = Math.ceil(tiles / rows);
  if (chunks < 2) return false;
  const xa = copyIn(pool, ARENA_A, x);
  const ua = pool.f64(ARENA_ACC, u.length);
  const oa = pool.f32(ARENA_C, out.length);
  const ba = bias ? copyIn(pool, ARENA_BIAS, bias) : null;
  if (!xa || !ua || !oa || (bias && !ba)) return false;
  ua.set(u);
  const p = writeShape(pool, KIND_WINO_FORWARD, tiles, s);
  p[4] = ARENA_A;
  p[5] = 0;
  p[12] = ARENA_C;
  p[13] = 0;
  p[15] = ba ? ARENA_BIAS : -1;
  p[16] = 0;
  p[17] = act;
  p[18] = 0;
  p[21] = chunks;
  p[22] = rows;
  const runChunk = (ch: number): void => {
    const t0 = ch * rows;
    winoForward(xa, s, ua, oa, 0, ba, act, t0, Math.min(tiles, t0 + rows), mainScratch);
  };
  if (!pool.run(chunks, runChunk)) return false;
  out.set(oa);
  return true;
}

/**
 * The filter gradient's partial sums: `groups` blocks of `groupSize` doubles
 * (winoFilterGroup), for winoFilterFinish. The returned array is scratch (or
 * the pool's arena), valid until the next kernel.
 */
export function runWinoFilter(x: Float32Array, dy: Float32Array, s: WinoShape, groups: number, groupSize: number): Float64Array {
  const tiles = winoTiles(s);
  if (groups > 1 && tiles * 36 * s.C * s.N >= MIN_PARALLEL_MACS) {
    const acc = filterParallel(x, dy, s, groups, groupSize);
    if (acc) return acc;
  }
  const acc = scratchF64('wino.acc', groups * groupSize);
  for (let g = 0; g < groups; g++) winoFilterGroup(x, dy, s, g, acc, g * groupSize, mainScratch);
  return acc;
}

function filterParallel(x: Float32Array, dy: Float32Array, s: WinoShape, groups: number, groupSize: number): Float64Array | null {
  const pool = threadPool();
  if (!pool) return null;
  const xa = copyIn(pool, ARENA_A, x);
  const dya = copyIn(pool, ARENA_B, dy);
  const acc = pool.f64(ARENA_ACC, groups * groupSize);
  if (!xa || !dya || !acc) return null;
  const p = writeShape(pool, KIND_WINO_FILTER, groups, s);
  p[4] = ARENA_A;
  p[5] = 0;
  p[8] = ARENA_B;
  p[9] = 0;
  p[18] = 0;
  p[21] = groups;
  p[22] = 1;
  p[23] = groupSize;
  // A group clears its own sums first, so recomputing one a dead worker held is just running it again.
  const runChunk = (g: number): void => winoFilterGroup(xa, dya, s, g, acc, g * groupSize, mainScratch);
  return pool.run(groups, runChunk) ? acc : null;
}
