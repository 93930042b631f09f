/**
 * The GEMM entry points the kernels call: single-threaded `drive` for small
 * products, split by chunks of output rows over the thread pool for large
 * ones. Every element is computed by exactly one thread, in the same order as
 * the single-threaded path, so the results are bit-identical either way.
 */
import { ACT_LINEAR, drive, type GemmJob, type GemmOperands, type GemmScratch, type StridedMatrix } from '../util/gemm.js';
import { scratchF32, scratchF64 } from '../util/scratch.js';
import { ARENA_A, ARENA_ACC, ARENA_B, ARENA_BIAS, ARENA_C, KIND_ACCUMULATE, KIND_GEMM, threadPool, type ThreadPool } from './pool.js';

const mainScratch: GemmScratch = { f64: scratchF64 };

/**
 * Products smaller than this (multiply-adds, ≈ 1.3 ms on one core) stay on the
 * calling thread: waking a worker costs tens of microseconds, and on a busy
 * machine a worker descheduled mid-chunk can hold the whole job up.
 */
const MIN_PARALLEL_MACS = 1 << 22;
/** Fewest rows per chunk: each chunk packs its own copy of B, so chunks must not get too thin. */
const MIN_CHUNK_ROWS = 32;

/** A strided float32 matrix operand (see StridedMatrix in util/gemm.ts). */
export const strided = (data: Float32Array, off: number, rs: number, cs: number): StridedMatrix => ({ data, off, rs, cs });

/** A product rounded into a float32 output: out = act(A·B + bias), rows with stride `ldo` from `oOff`. */
export interface GemmOutput extends GemmOperands {
  out: Float32Array;
  oOff: number;
  ldo: number;
  bias?: Float32Array | null;
  act?: number;
}

/** A product summed into float64 accumulators: c += A·B, rows with stride `ldc` from `cOff`. */
export interface GemmAccumulation extends GemmOperands {
  c: Float64Array;
  cOff: number;
  ldc: number;
}

/**
 * out = act(A·B + bias), rounded once to float32 (see util/gemm.ts for the
 * operand layout). Rows [i0, i1) select part of the output.
 */
export function gemm(p: GemmOutput, i0 = 0, i1 = p.m): void {
  const job: GemmJob = { ...p, bias: p.bias ?? null, act: p.act ?? ACT_LINEAR, c: null, cOff: 0, ldc: 0 };
  if (i0 === 0 && i1 === p.m && runParallel(job)) return;
  drive(job, i0, i1, mainScratch);
}

/**
 * c += A·B into float64 accumulators. Split over threads only when `c` lives in
 * the pool's accumulator arena (see `accumulatorBuffer`).
 */
export function gemmAccumulate(p: GemmAccumulation): void {
  const job: GemmJob = { ...p, out: null, oOff: 0, ldo: 0, bias: null, act: ACT_LINEAR };
  if (runParallel(job)) return;
  drive(job, 0, p.m, mainScratch);
}

/**
 * A float32 buffer for a GEMM's A operand (an unfolded image batch): in the
 * pool's A arena when threads are on (workers read it in place, no copy),
 * else reusable scratch. Contents are not cleared.
 */
export function operandBuffer(key: string, n: number): Float32Array {
  const pool = n > 0 ? threadPool() : null;
  return pool?.f32(ARENA_A, n) ?? scratchF32(key, n);
}

/** A float64 accumulator buffer (gemmAccumulate's C): in the pool's arena when threads are on. Not cleared. */
export function accumulatorBuffer(key: string, n: number): Float64Array {
  const pool = n > 0 ? threadPool() : null;
  return pool?.f64(ARENA_ACC, n) ?? scratchF64(key, n);
}

function worthSplitting(m: number, n: number, k: number): boolean {
  return m >= 2 * MIN_CHUNK_ROWS && n >= 4 && m * n * k >= MIN_PARALLEL_MACS;
}

/** Rows per chunk: about four chunks per thread (so a busy core does not hold everyone up), in whole 4-row tiles. */
function chunking(pool: ThreadPool, m: number): { rows: number; chunks: number } {
  const threads = 1 + pool.ready();
  const rows = Math.max(MIN_CHUNK_ROWS, Math.ceil(m / (4 * threads) / 4) * 4);
  return { rows, chunks: Math.ceil(m / rows) };
}

/**
 * Where the workers find an operand: in place if it already lives in one of
 * the pool's arenas, else copied (its span only) into arena `id`.
 * Returns [arena, offset] or null when the arena cannot hold it.
 */
function place(pool: ThreadPool, x: Float32Array, off: number, span: number, id: number): [number, number] | null {
  for (const arena of [ARENA_A, ARENA_B, ARENA_C, ARENA_BIAS]) {
    if (x.buffer === pool.arena(arena)) return [arena, x.byteOffset / 4 + off];
  }
  const dst = pool.f32(id, span);
  if (!dst) return null;
  dst.set(x.subarray(off, off + span));
  return [id, 0];
}

/** Elements an operand spans: from its first to its last addressed element. */
const span = (rows: number, cols: number, rs: number, cs: number): number => (rows - 1) * rs + (cols - 1) * cs + 1;

/**
 * Run `job` split by chunks of rows over the thread pool. False, with nothing
 * written, when it is too small to be worth it, when there is no pool, or when
 * the pool's arenas cannot take its operands (the caller then runs it here).
 */
function runParallel(job: GemmJob): boolean {
  const { m, n, k, a, b, out, bias, c, cOff, ldc } = job;
  if (!worthSplitting(m, n, k)) return false;
  const pool = threadPool();
  if (!pool || (c && c.buffer !== pool.arena(ARENA_ACC))) return false;
  const { rows, chunks } = chunking(pool, m);
  if (chunks < 2) return false;
  const pa = place(pool, a.data, a.off, span(m, k, a.rs, a.cs), ARENA_A);
  const pb = place(pool, b.data, b.off, span(k, n, b.rs, b.cs), ARENA_B);
  const pbias = bias ? place(pool, bias, 0, n, ARENA_BIAS) : null;
  // Workers write their rows of a float32 output to the C arena (n wide), copied into `out` afterwards.
  const arenaOut = out ? pool.f32(ARENA_C, m * n) : null;
  if (!pa || !pb || (bias && !pbias) || (out && !arenaOut)) return false;
  const p = pool.params;
  p[0] = out ? KIND_GEMM : KIND_ACCUMULATE;
  p[1] = m;
  p[2] = n;
  p[3] = k;
  p[4] = pa[0];
  p[5] = pa[1];
  p[6] = a.rs;
  p[7] = a.cs;
  p[8] = pb[0];
  p[9] = pb[1];
  p[10] = b.rs;
  p[11] = b.cs;
  p[12] = ARENA_C;
  p[13] = 0;
  p[14] = n;
  p[15] = pbias ? pbias[0] : -1;
  p[16] = pbias ? pbias[1] : 0;
  p[17] = job.act;
  p[19] = c ? c.byteOffset / 8 + cOff : 0;
  p[20] = ldc;
  p[21] = chunks;
  p[22] = rows;
  const runChunk = (ch: number): void => {
    const i0 = ch * rows;
    drive(job, i0, Math.min(m, i0 + rows), mainScratch);
  };
  if (out && arenaOut) {
    if (!pool.run(chunks, runChunk)) return false;
    const { oOff, ldo } = job;
    for (let ch = 0; ch < chunks; ch++) {
      if (pool.owner[ch] === 0) continue;
      const r1 = Math.min(m, (ch + 1) * rows);
      if (ldo === n) {
        out.set(arenaOut.subarray(ch * rows * n, r1 * n), oOff + ch * rows * n);
      } else {
        for (let r = ch * rows; r < r1; r++) out.set(arenaOut.subarray(r * n, r * n + n), oOff + r * ldo);
      }
    }
    return true;
  }
  const acc = c!;
  // A failed job cannot simply be redone here (some rows may already hold their sums): keep a copy.
  const before = acc.slice(cOff, cOff + m * ldc);
  // A chunk whose worker died part-way may hold some of its sums: put its rows back first.
  const recoverChunk = (ch: number): void => {
    const r0 = ch * rows * ldc;
    acc.set(before.subarray(r0, Math.min(m, (ch + 1) * rows) * ldc), cOff + r0);
    runChunk(ch);
  };
  const ok = pool.run(chunks, runChunk, recoverChunk);
  if (!ok) acc.set(before, cOff); // the caller recomputes from the state before this call
  return ok;
}
