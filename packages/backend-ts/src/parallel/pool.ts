/**
 * An optional pool of worker threads for the big GEMMs (matMul, fused matMul,
 * convolutions and their gradients).
 *
 * Every kernel stays synchronous: the calling thread publishes a job in shared
 * memory, wakes the workers, and then takes chunks of output rows itself
 * until none is left, waiting only for chunks still in flight. Workers run the
 * same `drive` function as the main thread (its source is shipped to them), and
 * each output element is computed by one thread in one fixed order, so results
 * are bit-identical to the single-threaded path whatever the split.
 *
 * Operands reach the workers through a few growable SharedArrayBuffer arenas:
 * kernels that can (convolutions) build their unfolded matrices directly in an
 * arena; other operands are copied in (O(n²) against O(n³) work).
 *
 * Where it runs: Node (worker_threads, started synchronously through
 * process.getBuiltinModule: Node ≥ 20.16; older Node runs single-threaded), and browsers when the
 * page is cross-origin isolated (SharedArrayBuffer available; Web Workers from
 * a Blob). Anywhere else, and whenever a worker is not up yet, kernels simply
 * run on the calling thread.
 *
 * Switch: `setThreads(n)` (1 = off), or the environment variable
 * POLYTENSOR_TS_THREADS in Node (read once, when the pool is first needed).
 */
import { GEMM_WORKER_FUNCTIONS, drive as gemmDrive } from '../util/gemm.js';

// ---- the shared layout --------------------------------------------------------

/** Control words (Int32Array). */
const SEQ = 0; // job sequence number (workers sleep on it)
const NEXT = 1; // (seq & 0xffff) << 16 | next chunk index: chunks are claimed with compareExchange
const DONE = 2; // chunks finished in the current job
const STOP = 3; // 1: workers exit
const READY = 4; // workers that have entered their loop
const ERROR = 5; // 1: a worker threw (the job is redone on the calling thread)
const CTRL_WORDS = 8;

/**
 * Job parameters (Float64Array), by index: 0 kind, 1 m, 2 n, 3 k,
 * 4 A arena, 5 A offset, 6 A row stride, 7 A column stride,
 * 8 B arena, 9 B offset, 10 B row stride, 11 B column stride,
 * 12 output arena, 13 output offset, 14 output row stride,
 * 15 bias arena (−1: none), 16 bias offset, 17 activation,
 * 19 accumulator offset, 20 accumulator row stride, 21 chunks, 22 rows per chunk.
 * (The worker reads them by number: its source is shipped on its own.)
 */
const PARAM_WORDS = 32;
const MAX_CHUNKS = 1024;

/** Arenas: float32 A, B, C (outputs), bias; float64 ACC (accumulators). */
export const ARENA_A = 0;
export const ARENA_B = 1;
export const ARENA_C = 2;
export const ARENA_BIAS = 3;
export const ARENA_ACC = 4;
const ARENAS = 5;
/** Largest arena (bytes): virtual address space reserved by each growable buffer. */
const ARENA_MAX_BYTES = 1 << 30;

export const KIND_GEMM = 1;
export const KIND_ACCUMULATE = 2;

// ---- the worker side (shipped as source; must only use its arguments and the shipped functions) --------

interface WorkerData {
  ctrl: SharedArrayBuffer;
  params: SharedArrayBuffer;
  owner: SharedArrayBuffer;
  arenas: SharedArrayBuffer[];
  id: number;
}

/**
 * The worker loop: sleep until a job is published, claim chunks of rows until
 * none is left, report each finished chunk. Self-contained apart from `drive`.
 */
function workerMain(data: WorkerData): void {
  const ctrl = new Int32Array(data.ctrl);
  const params = new Float64Array(data.params);
  const owner = new Int32Array(data.owner);
  // Fixed-length views over the growable arenas, re-made when the calling thread has grown one
  // (length-tracking views would follow by themselves, but V8 does not optimise code using them).
  const arenas = data.arenas;
  const f32: Float32Array[] = [];
  for (let i = 0; i < 4; i++) f32.push(new Float32Array(arenas[i]!, 0, arenas[i]!.byteLength >> 2));
  let acc = new Float64Array(arenas[4]!, 0, arenas[4]!.byteLength >> 3);
  const buffers = new Map<string, Float64Array>();
  const scratch = {
    f64(key: string, n: number): Float64Array {
      let b = buffers.get(key);
      if (!b || b.length < n) {
        b = new Float64Array(Math.max(n, b ? Math.ceil(b.length * 1.5) : 0));
        buffers.set(key, b);
      }
      return b;
    },
  };
  let seen = Atomics.load(ctrl, 0);
  Atomics.add(ctrl, 4, 1);
  for (;;) {
    Atomics.wait(ctrl, 0, seen);
    if (Atomics.load(ctrl, 3) === 1) return;
    seen = Atomics.load(ctrl, 0);
    for (let i = 0; i < 4; i++) {
      if (f32[i]!.length !== arenas[i]!.byteLength >> 2) f32[i] = new Float32Array(arenas[i]!, 0, arenas[i]!.byteLength >> 2);
    }
    if (acc.length !== arenas[4]!.byteLength >> 3) acc = new Float64Array(arenas[4]!, 0, arenas[4]!.byteLength >> 3);
    const tag = (seen & 0xffff) << 16;
    const kind = params[0]!, m = params[1]!, n = params[2]!, k = params[3]!;
    const chunks = params[21]!, chunkRows = params[22]!;
    for (;;) {
      const v = Atomics.load(ctrl, 1);
      if ((v & 0xffff0000) !== tag) break;
      const c = v & 0xffff;
      if (c >= chunks) break;
      if (Atomics.compareExchange(ctrl, 1, v, v + 1) !== v) continue;
      owner[c] = data.id;
      const i0 = c * chunkRows;
      const i1 = Math.min(m, i0 + chunkRows);
      try {
        const a = f32[params[4]!]!, b = f32[params[8]!]!;
        if (kind === 1) {
          const bias = params[15]! >= 0 ? f32[params[15]!]!.subarray(params[16]!, params[16]! + n) : null;
          drive(n, k, a, params[5]!, params[6]!, params[7]!, b, params[9]!, params[10]!, params[11]!,
            f32[params[12]!]!, params[13]!, params[14]!, bias, params[17]!, null, 0, 0, i0, i1, scratch);
        } else {
          drive(n, k, a, params[5]!, params[6]!, params[7]!, b, params[9]!, params[10]!, params[11]!,
            null, 0, 0, null, 0, acc, params[19]!, params[20]!, i0, i1, scratch);
        }
      } catch {
        Atomics.store(ctrl, 5, 1);
      }
      Atomics.add(ctrl, 2, 1);
      Atomics.notify(ctrl, 2);
    }
  }
}
// In the worker, `drive` is an alias the shipped source defines for the GEMM driver
// (whatever a minifier renamed it to); this declaration only satisfies the type checker.
declare function drive(...args: unknown[]): void;

/** The worker's script: the shipped functions, the loop, and the host's way of handing it its data. */
function workerSource(host: 'node' | 'web'): string {
  const fns = [...GEMM_WORKER_FUNCTIONS, workerMain].map((f) => `var ${f.name} = ${f.toString()};`).join('\n');
  const alias = gemmDrive.name === 'drive' ? '' : `var drive = ${gemmDrive.name};\n`;
  const start =
    host === 'node'
      ? `${workerMain.name}(require('node:worker_threads').workerData);`
      : `self.onmessage = function (e) { self.onmessage = null; ${workerMain.name}(e.data); };`;
  return `'use strict';\n${fns}\n${alias}${start}\n`;
}

// ---- the calling side ---------------------------------------------------------------

interface Handle {
  terminate(): unknown;
}

interface NodeWorkerThreads {
  Worker: new (src: string, opts: { eval: boolean; workerData: WorkerData }) => Handle & { unref(): void; on(ev: string, f: (e: unknown) => void): void };
}

type WaitMode = 'wait' | 'spin';

/** A started pool: shared control, parameters, arenas and the workers. */
export class ThreadPool {
  readonly ctrl: Int32Array;
  readonly params: Float64Array;
  readonly owner: Int32Array;
  private readonly arenaBuffers: SharedArrayBuffer[] = [];
  private readonly workers: Handle[] = [];
  private seq = 0;
  broken = false;
  /** Jobs run, chunks of them that workers (not the calling thread) computed, and back-offs. */
  readonly stats = { jobs: 0, workerChunks: 0, backoffs: 0 };
  private backoffMs = 1000;
  private resumeAt = 0;

  constructor(readonly size: number, private readonly waitMode: WaitMode) {
    this.ctrl = new Int32Array(new SharedArrayBuffer(CTRL_WORDS * 4));
    this.params = new Float64Array(new SharedArrayBuffer(PARAM_WORDS * 8));
    this.owner = new Int32Array(new SharedArrayBuffer(MAX_CHUNKS * 4));
    for (let i = 0; i < ARENAS; i++) {
      const Ctor = SharedArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => SharedArrayBuffer;
      this.arenaBuffers.push(new Ctor(0, { maxByteLength: ARENA_MAX_BYTES }));
    }
  }

  data(id: number): WorkerData {
    return { ctrl: this.ctrl.buffer as SharedArrayBuffer, params: this.params.buffer as SharedArrayBuffer, owner: this.owner.buffer as SharedArrayBuffer, arenas: this.arenaBuffers, id };
  }

  add(worker: Handle): void {
    this.workers.push(worker);
  }

  /** Workers that are in their loop and can take chunks. */
  ready(): number {
    return this.broken ? 0 : Atomics.load(this.ctrl, READY);
  }

  /** The arena's buffer (to recognise operands that already live there). */
  arena(id: number): SharedArrayBuffer {
    return this.arenaBuffers[id]!;
  }

  /** A view of `n` elements at the start of an arena, grown if needed; null when it cannot grow that far. */
  f32(id: number, n: number): Float32Array | null {
    return this.grow(id, n * 4) ? new Float32Array(this.arenaBuffers[id]!, 0, n) : null;
  }

  f64(id: number, n: number): Float64Array | null {
    return this.grow(id, n * 8) ? new Float64Array(this.arenaBuffers[id]!, 0, n) : null;
  }

  private grow(id: number, bytes: number): boolean {
    const buf = this.arenaBuffers[id]! as SharedArrayBuffer & { grow(n: number): void; maxByteLength: number };
    if (buf.byteLength >= bytes) return true;
    if (bytes > buf.maxByteLength) return false;
    // Grow with headroom (page-rounded) so slowly growing requests do not grow every time.
    buf.grow(Math.min(buf.maxByteLength, Math.max(bytes, Math.ceil((buf.byteLength * 1.25) / 65536) * 65536)));
    return true;
  }

  /**
   * Publish the job already written to `params` (with `chunks` chunks), take
   * chunks on this thread with `runChunk`, and wait for the rest. Returns false
   * (the caller then redoes the work itself) if a worker failed or stalled.
   */
  run(chunks: number, runChunk: (c: number) => void): boolean {
    const ctrl = this.ctrl;
    this.seq = (this.seq + 1) & 0x7fff;
    const tag = (this.seq & 0xffff) << 16;
    Atomics.store(ctrl, DONE, 0);
    Atomics.store(ctrl, ERROR, 0);
    Atomics.store(ctrl, NEXT, tag);
    Atomics.store(ctrl, SEQ, this.seq);
    Atomics.notify(ctrl, SEQ);
    const t0 = now();
    let mine = 0;
    for (;;) {
      const v = Atomics.load(ctrl, NEXT);
      const c = v & 0xffff;
      if (c >= chunks) break;
      if (Atomics.compareExchange(ctrl, NEXT, v, v + 1) !== v) continue;
      this.owner[c] = 0;
      runChunk(c);
      mine++;
      Atomics.add(ctrl, DONE, 1);
    }
    const t1 = now();
    // Wait for chunks still in flight on workers; give up (and recompute) if they stall.
    let last = Atomics.load(ctrl, DONE);
    let since = Date.now();
    while (last < chunks) {
      if (this.waitMode === 'wait') Atomics.wait(ctrl, DONE, last, 100);
      const now = Atomics.load(ctrl, DONE);
      if (now !== last) {
        last = now;
        since = Date.now();
      } else if (Date.now() - since > 30_000) {
        this.broken = true;
        return false;
      }
    }
    this.stats.jobs++;
    for (let c = 0; c < chunks; c++) if (this.owner[c] !== 0) this.stats.workerChunks++;
    this.judge(mine, t1 - t0, now() - t1);
    return Atomics.load(ctrl, ERROR) === 0;
  }

  /**
   * Back off when the workers cannot keep up: on a machine whose cores are busy
   * with other work, a worker descheduled mid-chunk leaves the calling thread
   * waiting, and one thread would have been faster. When the wait after this
   * thread ran out of chunks exceeds 1.5 of its own chunk times, large kernels
   * run single-threaded for a while (1 s, doubling up to 60 s while stalls
   * recur), then the pool is tried again.
   */
  private judge(mine: number, work: number, wait: number): void {
    if (mine === 0) return;
    if (wait > (1.5 * work) / mine + 0.2) {
      this.stats.backoffs++;
      this.resumeAt = now() + this.backoffMs;
      this.backoffMs = Math.min(60_000, this.backoffMs * 2);
    } else {
      this.backoffMs = Math.max(1000, this.backoffMs / 2);
    }
  }

  /** Forget past stalls (a new setThreads call). */
  resetBackoff(): void {
    this.backoffMs = 1000;
    this.resumeAt = 0;
  }

  /** False while backing off (see judge). */
  usable(): boolean {
    return this.resumeAt === 0 || now() >= this.resumeAt;
  }

  terminate(): void {
    Atomics.store(this.ctrl, STOP, 1);
    Atomics.add(this.ctrl, SEQ, 1);
    Atomics.notify(this.ctrl, SEQ);
    for (const w of this.workers) w.terminate();
    this.workers.length = 0;
    this.broken = true;
  }
}

// ---- configuration and startup ------------------------------------------------------------

let requested: number | 'auto' | null = null;
let pool: ThreadPool | null = null;
let started = false;
/** False after setThreads(1): the workers (if any) sleep, kept for a later setThreads(n). */
let enabled = true;

interface HostGlobals {
  process?: { env?: Record<string, string | undefined>; getBuiltinModule?: (id: string) => unknown; versions?: { node?: string } };
  navigator?: { hardwareConcurrency?: number };
  crossOriginIsolated?: boolean;
  Worker?: new (url: string) => Handle & { postMessage(d: unknown): void };
  Blob?: new (parts: string[], o: { type: string }) => unknown;
  URL?: { createObjectURL(b: unknown): string };
}
const host = globalThis as unknown as HostGlobals;

function isNode(): boolean {
  return typeof host.process?.versions?.node === 'string';
}

/** Threads wanted (including the calling thread): setThreads, else POLYTENSOR_TS_THREADS, else 'auto'. */
function wanted(): number {
  let want: number | 'auto' = requested ?? 'auto';
  if (requested === null) {
    const env = host.process?.env?.['POLYTENSOR_TS_THREADS'];
    if (env !== undefined && env !== '' && env !== 'auto') want = Math.max(1, Math.floor(Number(env)) || 1);
  }
  if (want !== 'auto') return want;
  let cores = host.navigator?.hardwareConcurrency ?? 1;
  if (isNode()) {
    const os = host.process?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
    cores = os?.availableParallelism?.() ?? cores;
  }
  return Math.max(1, Math.min(cores, 8));
}

/**
 * Use up to `n` threads for large kernels (the calling thread included):
 * 1 turns the pool off (and stops its workers); 'auto' uses the machine's
 * cores (up to 8). Results are bit-identical for every setting.
 */
export function setThreads(n: number | 'auto'): void {
  if (n !== 'auto' && !(Number.isInteger(n) && n >= 1)) {
    throw new Error(`setThreads: expected a positive integer or 'auto', got ${String(n)}`);
  }
  requested = n;
  const want = wanted();
  enabled = want > 1;
  if (!enabled) return; // running workers just sleep; a later setThreads(n) reuses them
  if (pool && pool.size !== want - 1) shutdownThreads(); // a different size: start afresh
  pool?.resetBackoff();
  if (!pool) started = false;
}

/** Threads in use now (1 when off or not started yet; workers still starting are not counted). */
export function getThreads(): number {
  return 1 + (enabled && pool ? pool.ready() : 0);
}

/**
 * Start the pool now (if threads are wanted and possible) and resolve once its
 * workers are up, or after `timeoutMs`, with the thread count then in use.
 * Never needed for correctness: kernels use whatever threads are ready.
 */
export async function threadsReady(timeoutMs = 10_000): Promise<number> {
  threadPool();
  const deadline = Date.now() + timeoutMs;
  while (enabled && pool && !pool.broken && pool.ready() < pool.size && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 5));
  }
  return getThreads();
}

/** Parallel jobs run so far and how many of their chunks workers computed (for tests and benchmarks). */
export function threadStats(): { threads: number; jobs: number; workerChunks: number; backoffs: number } {
  return { threads: getThreads(), jobs: pool?.stats.jobs ?? 0, workerChunks: pool?.stats.workerChunks ?? 0, backoffs: pool?.stats.backoffs ?? 0 };
}

/** Stop the workers (the next large kernel may start them again, per setThreads). */
export function shutdownThreads(): void {
  pool?.terminate();
  pool = null;
  started = false;
}

/**
 * The pool if it has at least one worker ready, starting it on first use.
 * Never waits for workers to come up: until they do, kernels run on the calling thread.
 */
export function threadPool(): ThreadPool | null {
  if (!enabled) return null;
  if (!started) {
    started = true;
    try {
      pool = start();
    } catch {
      pool = null;
    }
  }
  return pool && pool.ready() > 0 && pool.usable() ? pool : null;
}

function now(): number {
  return globalThis.performance ? globalThis.performance.now() : Date.now();
}

function start(): ThreadPool | null {
  const threads = wanted();
  if (threads <= 1 || typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return null;
  if (isNode()) {
    // Node < 20.16 has no getBuiltinModule and runs single-threaded: importing
    // worker_threads instead would leave a node: import in every browser
    // bundle (minifiers fold any run-time specifier back into a literal).
    const wt = host.process?.getBuiltinModule?.('node:worker_threads') as NodeWorkerThreads | undefined;
    if (!wt) return null;
    const p = new ThreadPool(threads - 1, 'wait');
    spawnNode(p, wt);
    return p;
  }
  if (host.crossOriginIsolated === true && host.Worker && host.Blob && host.URL) {
    const p = new ThreadPool(threads - 1, 'spin'); // the window's thread may not block in Atomics.wait
    const url = host.URL.createObjectURL(new host.Blob([workerSource('web')], { type: 'text/javascript' }));
    for (let i = 0; i < p.size; i++) {
      const w = new host.Worker(url);
      w.postMessage(p.data(i + 1));
      p.add(w);
    }
    return p;
  }
  return null;
}

function spawnNode(p: ThreadPool, wt: NodeWorkerThreads): void {
  const src = workerSource('node');
  for (let i = 0; i < p.size; i++) {
    const w = new wt.Worker(src, { eval: true, workerData: p.data(i + 1) });
    w.unref(); // idle workers never keep the process alive
    w.on('error', () => {
      p.broken = true;
    });
    p.add(w);
  }
}
