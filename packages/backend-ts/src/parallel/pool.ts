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
 * A worker that dies (exits, throws, is terminated) is noticed at once when
 * it can say so (its exit handler marks it dead, mid-job included: the
 * calling thread recomputes the chunks it held and does not wait for it),
 * else when Node reports its exit between kernels; either way it is replaced.
 * A worker that stops making progress without dying is given up on after
 * STALL_MS: the job is redone on the calling thread and the pool restarted.
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
import { WINO_WORKER_FUNCTIONS, winoFilterGroup as winoFilterGroupFn, winoForward as winoForwardFn } from '../util/winograd.js';

// ---- the shared layout --------------------------------------------------------

/** Control words (Int32Array). */
const SEQ = 0; // job sequence number (workers sleep on it)
const NEXT = 1; // (seq & 0xffff) << 16 | next chunk index: chunks are claimed with compareExchange
const DONE = 2; // chunks finished in the current job
const STOP = 3; // 1: workers exit
const READY = 4; // workers that have entered their loop (and not died)
const ERROR = 5; // 1: a worker threw (the job is redone on the calling thread)
const DEATHS = 6; // workers that died so far (each marks itself in `dead` first)
const FAULT = 7; // tests: 1 makes the next worker to claim a chunk exit while holding it
const CTRL_WORDS = 8;

/**
 * Job parameters (Float64Array), by index: 0 kind, 1 m, 2 n, 3 k,
 * 4 A arena, 5 A offset, 6 A row stride, 7 A column stride,
 * 8 B arena, 9 B offset, 10 B row stride, 11 B column stride,
 * 12 output arena, 13 output offset, 14 output row stride,
 * 15 bias arena (−1: none), 16 bias offset, 17 activation,
 * 19 accumulator offset, 20 accumulator row stride, 21 chunks, 22 rows per chunk.
 * Winograd jobs (kinds 3 forward, 4 filter gradient; see parallel/winograd.ts)
 * use 1 tiles (kind 3) or groups (kind 4), 2 N, 3 C, 4 x arena, 5 x offset,
 * 6 H, 7 W, 8 dy arena, 9 dy offset, 10 outH, 11 outW, 12 output arena,
 * 13 output offset, 14 batch, 15–17 bias and activation as above,
 * 18 offset in the float64 arena (transformed filter / partial sums),
 * 19 padTop, 20 padLeft, 23 doubles per group (kind 4).
 * (The worker reads them by number: its source is shipped on its own.)
 */
const PARAM_WORDS = 32;
const MAX_CHUNKS = 1024;
/** Workers at most (ids 1..MAX_WORKERS; 0 is the calling thread). */
const MAX_WORKERS = 64;
/** A job whose chunks make no progress for this long is redone on the calling thread. */
const STALL_MS = 30_000;
/** Replacements for dead workers per pool before it gives up (kernels then run on the calling thread). */
const MAX_RESPAWNS = 8;

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
export const KIND_WINO_FORWARD = 3;
export const KIND_WINO_FILTER = 4;

// ---- the worker side (shipped as source; must only use its arguments and the shipped functions) --------

interface WorkerData {
  ctrl: SharedArrayBuffer;
  params: SharedArrayBuffer;
  /** Per chunk: the id of the thread that claimed it. */
  owner: SharedArrayBuffer;
  /** Per chunk: the job sequence number once finished. */
  done: SharedArrayBuffer;
  /** Per worker id: 1 once it died. */
  dead: SharedArrayBuffer;
  arenas: SharedArrayBuffer[];
  id: number;
}

/**
 * The worker loop: sleep until a job is published, claim chunks of rows until
 * none is left, report each finished chunk. Self-contained apart from `drive`.
 */
function workerMain(data: WorkerData, exit: () => void): void {
  const ctrl = new Int32Array(data.ctrl);
  const params = new Float64Array(data.params);
  const owner = new Int32Array(data.owner);
  const done = new Int32Array(data.done);
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
    const kind = params[0]!,
      m = params[1]!,
      n = params[2]!,
      k = params[3]!;
    const chunks = params[21]!,
      chunkRows = params[22]!;
    for (;;) {
      const v = Atomics.load(ctrl, 1);
      if ((v & 0xffff0000) !== tag) break;
      const c = v & 0xffff;
      if (c >= chunks) break;
      if (Atomics.compareExchange(ctrl, 1, v, v + 1) !== v) continue;
      Atomics.store(owner, c, data.id);
      if (Atomics.compareExchange(ctrl, 7, 1, 0) === 1) exit();
      const i0 = c * chunkRows;
      const i1 = Math.min(m, i0 + chunkRows);
      try {
        if (kind >= 3) {
          const shape = {
            batch: params[14]!,
            H: params[6]!,
            W: params[7]!,
            C: params[3]!,
            outH: params[10]!,
            outW: params[11]!,
            N: n,
            padTop: params[19]!,
            padLeft: params[20]!,
          };
          const x = f32[params[4]!]!.subarray(params[5]!);
          if (kind === 3) {
            const bias = params[15]! >= 0 ? f32[params[15]!]!.subarray(params[16]!, params[16]! + n) : null;
            winoForward(x, shape, acc.subarray(params[18]!), f32[params[12]!]!, params[13]!, bias, params[17]!, i0, i1, scratch);
          } else {
            winoFilterGroup(x, f32[params[8]!]!.subarray(params[9]!), shape, c, acc, params[18]! + c * params[23]!, scratch);
          }
        } else {
          const out = kind === 1 ? f32[params[12]!]! : null;
          drive(
            {
              m,
              n,
              k,
              a: { data: f32[params[4]!]!, off: params[5]!, rs: params[6]!, cs: params[7]! },
              b: { data: f32[params[8]!]!, off: params[9]!, rs: params[10]!, cs: params[11]! },
              out,
              oOff: params[13]!,
              ldo: params[14]!,
              bias: out && params[15]! >= 0 ? f32[params[15]!]!.subarray(params[16]!, params[16]! + n) : null,
              act: params[17]!,
              c: out ? null : acc,
              cOff: params[19]!,
              ldc: params[20]!,
            },
            i0,
            i1,
            scratch,
          );
        }
      } catch {
        Atomics.store(ctrl, 5, 1);
      }
      Atomics.store(done, c, seen);
      Atomics.add(ctrl, 2, 1);
      Atomics.notify(ctrl, 2);
    }
  }
}
// In the worker, `drive` is an alias the shipped source defines for the GEMM driver
// (whatever a minifier renamed it to); this declaration only satisfies the type checker.
declare function drive(...args: unknown[]): void;
declare function winoForward(...args: unknown[]): void;
declare function winoFilterGroup(...args: unknown[]): void;

/**
 * Mark worker `data.id` dead (once) so that the calling thread, even while it
 * waits inside a job, stops counting on it and recomputes what it held.
 * Runs in the dying worker (its exit handler) or on the calling thread.
 */
function markDead(data: WorkerData): void {
  const ctrl = new Int32Array(data.ctrl);
  if (Atomics.compareExchange(new Int32Array(data.dead), data.id, 0, 1) !== 0) return;
  if (Atomics.load(ctrl, 4) > 0) Atomics.sub(ctrl, 4, 1);
  Atomics.add(ctrl, 6, 1);
  Atomics.notify(ctrl, 2);
}

/** The worker's script: the shipped functions, the loop, and the host's way of handing it its data and of exiting. */
function workerSource(host: 'node' | 'web'): string {
  const fns = [...GEMM_WORKER_FUNCTIONS, ...WINO_WORKER_FUNCTIONS, workerMain, markDead].map((f) => `var ${f.name} = ${f.toString()};`).join('\n');
  const entries: [string, { name: string }][] = [
    ['drive', gemmDrive],
    ['winoForward', winoForwardFn],
    ['winoFilterGroup', winoFilterGroupFn],
  ];
  const alias = entries.map(([want, f]) => (f.name === want ? '' : `var ${want} = ${f.name};\n`)).join('');
  // Node runs exit handlers on process.exit and on uncaught errors; a terminated worker gets none
  // (the calling thread learns of it from the 'exit' event).
  const start =
    host === 'node'
      ? `var data = require('node:worker_threads').workerData;\n` +
        `process.on('exit', function () { ${markDead.name}(data); });\n` +
        `${workerMain.name}(data, function () { process.exit(1); });`
      : `self.onmessage = function (e) { self.onmessage = null; try { ${workerMain.name}(e.data, function () { self.close(); throw new Error('worker exit'); }); } finally { ${markDead.name}(e.data); } };`;
  return `'use strict';\n${fns}\n${alias}${start}\n`;
}

// ---- the calling side ---------------------------------------------------------------

interface Handle {
  terminate(): unknown;
}

interface NodeWorker extends Handle {
  unref(): void;
  on(ev: string, f: (e: unknown) => void): void;
}

interface NodeWorkerThreads {
  Worker: new (src: string, opts: { eval: boolean; workerData: WorkerData }) => NodeWorker;
}

type WaitMode = 'wait' | 'spin';

/** A started pool: shared control, parameters, arenas and the workers. */
export class ThreadPool {
  readonly ctrl: Int32Array;
  readonly params: Float64Array;
  readonly owner: Int32Array;
  private readonly done: Int32Array;
  private readonly dead: Int32Array;
  private readonly arenaBuffers: SharedArrayBuffer[] = [];
  /** Worker handles by id − 1. */
  private readonly workers: (Handle | null)[] = [];
  private seq = 0;
  broken = false;
  /** Set by terminate(): exits are expected from then on. */
  stopping = false;
  /** Starts a replacement worker with a given id (set by whoever started the pool). */
  spawn: ((id: number) => void) | null = null;
  /**
   * Jobs run, chunks of them that workers (not the calling thread) computed, back-offs,
   * chunks recomputed because their worker died, and dead workers replaced.
   */
  readonly stats = { jobs: 0, workerChunks: 0, backoffs: 0, recovered: 0, respawns: 0 };
  private backoffMs = 1000;
  private resumeAt = 0;

  constructor(
    readonly size: number,
    private readonly waitMode: WaitMode,
  ) {
    if (size > MAX_WORKERS) throw new Error(`thread pool: at most ${MAX_WORKERS} workers, asked for ${size}`);
    this.ctrl = new Int32Array(new SharedArrayBuffer(CTRL_WORDS * 4));
    this.params = new Float64Array(new SharedArrayBuffer(PARAM_WORDS * 8));
    this.owner = new Int32Array(new SharedArrayBuffer(MAX_CHUNKS * 4));
    this.done = new Int32Array(new SharedArrayBuffer(MAX_CHUNKS * 4));
    this.dead = new Int32Array(new SharedArrayBuffer((MAX_WORKERS + 1) * 4));
    for (let i = 0; i < ARENAS; i++) {
      const Ctor = SharedArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => SharedArrayBuffer;
      this.arenaBuffers.push(new Ctor(0, { maxByteLength: ARENA_MAX_BYTES }));
    }
  }

  data(id: number): WorkerData {
    const sab = (a: Int32Array | Float64Array): SharedArrayBuffer => a.buffer as SharedArrayBuffer;
    return {
      ctrl: sab(this.ctrl),
      params: sab(this.params),
      owner: sab(this.owner),
      done: sab(this.done),
      dead: sab(this.dead),
      arenas: this.arenaBuffers,
      id,
    };
  }

  /** Record the handle of worker `id` (1-based). */
  set(id: number, worker: Handle): void {
    this.workers[id - 1] = worker;
  }

  /**
   * Worker `id` died (its exit handler may have said so already): count it
   * out and start a replacement, unless the pool is stopping or has replaced
   * too many (then it is broken and kernels run on the calling thread).
   * Only called between kernels (from an event), never during a job.
   */
  died(id: number): void {
    if (this.stopping) return;
    markDead(this.data(id));
    this.workers[id - 1] = null;
    if (!this.spawn || this.stats.respawns >= MAX_RESPAWNS) {
      this.broken = true;
      return;
    }
    this.stats.respawns++;
    Atomics.store(this.dead, id, 0);
    this.spawn(id);
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
   * chunks on this thread with `runChunk`, and wait for the rest. A chunk
   * held by a worker that dies meanwhile is computed here with `recoverChunk`
   * (which must first undo whatever part of it the worker wrote) as soon as
   * the death is known. Returns false (the caller then redoes the whole job
   * itself) if a worker's kernel threw or the job stalled.
   */
  run(chunks: number, runChunk: (c: number) => void, recoverChunk: (c: number) => void = runChunk): boolean {
    const ctrl = this.ctrl;
    this.seq = (this.seq + 1) & 0x7fff;
    const seq = this.seq;
    const tag = (seq & 0xffff) << 16;
    // No stale owner may pass for a dead worker's claim in this job.
    this.owner.fill(-1, 0, chunks);
    Atomics.store(ctrl, DONE, 0);
    Atomics.store(ctrl, ERROR, 0);
    Atomics.store(ctrl, NEXT, tag);
    Atomics.store(ctrl, SEQ, seq);
    Atomics.notify(ctrl, SEQ);
    const t0 = now();
    let mine = 0;
    for (;;) {
      const v = Atomics.load(ctrl, NEXT);
      const c = v & 0xffff;
      if (c >= chunks) break;
      if (Atomics.compareExchange(ctrl, NEXT, v, v + 1) !== v) continue;
      Atomics.store(this.owner, c, 0);
      runChunk(c);
      mine++;
      Atomics.add(ctrl, DONE, 1);
    }
    const t1 = now();
    // Wait for chunks still in flight on workers, taking over those of workers that die.
    let recovered = 0;
    let deaths = -1;
    let last = -1;
    let since = Date.now();
    for (;;) {
      const finished = Atomics.load(ctrl, DONE);
      if (finished + recovered >= chunks) break;
      const d = Atomics.load(ctrl, DEATHS);
      if (d !== deaths) {
        deaths = d;
        for (let c = 0; c < chunks; c++) {
          const o = Atomics.load(this.owner, c);
          if (o > 0 && Atomics.load(this.dead, o) === 1 && Atomics.load(this.done, c) !== seq) {
            // Its worker ran its exit handler, so it writes nothing more: undo its part and compute the chunk here.
            recoverChunk(c);
            Atomics.store(this.owner, c, 0);
            recovered++;
          }
        }
        continue;
      }
      if (finished !== last) {
        last = finished;
        since = Date.now();
      } else if (Date.now() - since > STALL_MS) {
        // A worker stopped without dying: stop them all, redo the job here, start a fresh pool later.
        this.terminate();
        return false;
      }
      if (this.waitMode === 'wait') Atomics.wait(ctrl, DONE, finished, 100);
    }
    this.stats.jobs++;
    this.stats.recovered += recovered;
    for (let c = 0; c < chunks; c++) if (this.owner[c]! > 0) this.stats.workerChunks++;
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

  /** @internal tests: the next worker to claim a chunk exits while holding it. */
  injectExit(): void {
    Atomics.store(this.ctrl, FAULT, 1);
  }

  /** @internal tests: terminate worker `id` (1-based) the way a host would, without it knowing. */
  terminateWorker(id: number): void {
    this.workers[id - 1]?.terminate();
  }

  terminate(): void {
    this.stopping = true;
    Atomics.store(this.ctrl, STOP, 1);
    Atomics.add(this.ctrl, SEQ, 1);
    Atomics.notify(this.ctrl, SEQ);
    for (const w of this.workers) w?.terminate();
    this.workers.length = 0;
    this.broken = true;
  }
}

// ---- configuration and startup ------------------------------------------------------------

let requested: number | 'auto' | null = null;
let pool: ThreadPool | null = null;
let started = false;
/** Pools restarted after a stall since the last setThreads (each restart costs a stall first). */
let restarts = 0;
/** False after setThreads(1): the workers (if any) sleep, kept for a later setThreads(n). */
let enabled = true;

interface HostGlobals {
  process?: { env?: Record<string, string | undefined>; getBuiltinModule?: (id: string) => unknown; versions?: { node?: string } };
  navigator?: { hardwareConcurrency?: number };
  crossOriginIsolated?: boolean;
  Worker?: new (url: string) => Handle & { postMessage(d: unknown): void; addEventListener(ev: string, f: () => void): void };
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
  restarts = 0;
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

/** What the pool has done (for tests and benchmarks): see ThreadPool.stats. */
export interface ThreadStats {
  threads: number;
  jobs: number;
  workerChunks: number;
  backoffs: number;
  /** Chunks the calling thread took over from workers that died holding them. */
  recovered: number;
  /** Dead workers replaced. */
  respawns: number;
}

/** Parallel jobs run so far and how many of their chunks workers computed (for tests and benchmarks). */
export function threadStats(): ThreadStats {
  const st = pool?.stats;
  return {
    threads: getThreads(),
    jobs: st?.jobs ?? 0,
    workerChunks: st?.workerChunks ?? 0,
    backoffs: st?.backoffs ?? 0,
    recovered: st?.recovered ?? 0,
    respawns: st?.respawns ?? 0,
  };
}

/** @internal tests: the running pool, for fault injection (null when none). */
export function currentPool(): ThreadPool | null {
  return pool;
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
  if (started && pool?.broken && restarts < MAX_RESPAWNS) {
    // Stalled (or out of replacements): start a fresh pool; kernels run here until its workers are up.
    restarts++;
    shutdownThreads();
  }
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
    const Worker = host.Worker;
    p.spawn = (id) => {
      const w = new Worker(url);
      // A web worker that throws out of its loop has marked itself dead; replace it.
      w.addEventListener('error', () => {
        w.terminate();
        p.died(id);
      });
      w.postMessage(p.data(id));
      p.set(id, w);
    };
    for (let id = 1; id <= p.size; id++) p.spawn(id);
    return p;
  }
  return null;
}

function spawnNode(p: ThreadPool, wt: NodeWorkerThreads): void {
  const src = workerSource('node');
  p.spawn = (id) => {
    const w = new wt.Worker(src, { eval: true, workerData: p.data(id) });
    w.unref(); // idle workers never keep the process alive
    // Every way a worker ends (process.exit, an uncaught error, terminate()) emits 'exit'; an error also emits 'error' first.
    w.on('error', () => undefined);
    w.on('exit', () => p.died(id));
    p.set(id, w);
  };
  for (let id = 1; id <= p.size; id++) p.spawn(id);
}
