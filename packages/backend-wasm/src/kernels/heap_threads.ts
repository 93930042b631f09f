/**
 * This package's own SIMD kernels on more than one thread. With the threaded
 * build the tfjs heap is a shared `WebAssembly.Memory`; a few worker_threads
 * of our own instantiate the generated modules on that same memory, so a
 * kernel's calls can be dealt out between the calling thread and the workers
 * with nothing copied.
 *
 * A kernel describes its work as **parts** that write disjoint outputs (the
 * partition is fixed by the kernel, never by the thread count), each part a
 * list of calls into the modules. With workers the calls are recorded into a
 * list on the heap and every thread, the caller included, claims whole parts
 * from a shared counter until none is left; without (1 thread, browsers,
 * Node < 20.16) the caller runs the parts in order. Either way each output
 * element gets the same calls in the same order: bit-identical results on
 * every thread count.
 */
import type { Tw, WasmRuntime } from '../runtime.js';
import { CONV_SIMD_WASM, CONV_SIMD_WASM_SHARED } from './conv_simd_module.js';
import { ELEMENTWISE_SIMD_WASM, ELEMENTWISE_SIMD_WASM_SHARED } from './elementwise_simd_module.js';
import { FILTER_GRAD_SIMD_WASM, FILTER_GRAD_SIMD_WASM_SHARED } from './filter_grad_simd_module.js';
import { onHeap } from './heap_simd.js';
import { OPTIMIZER_SIMD_WASM, OPTIMIZER_SIMD_WASM_SHARED } from './optimizer_simd_module.js';
import { POOL_GRAD_SIMD_WASM, POOL_GRAD_SIMD_WASM_SHARED } from './pool_grad_simd_module.js';
import { WINOGRAD_SIMD_WASM, WINOGRAD_SIMD_WASM_SHARED } from './winograd_simd_module.js';

/** The modules workers instantiate, in this order (function ids follow it). */
const MODULES: readonly (readonly [plain: string, shared: string])[] = [
  [FILTER_GRAD_SIMD_WASM, FILTER_GRAD_SIMD_WASM_SHARED],
  [CONV_SIMD_WASM, CONV_SIMD_WASM_SHARED],
  [POOL_GRAD_SIMD_WASM, POOL_GRAD_SIMD_WASM_SHARED],
  [OPTIMIZER_SIMD_WASM, OPTIMIZER_SIMD_WASM_SHARED],
  [ELEMENTWISE_SIMD_WASM, ELEMENTWISE_SIMD_WASM_SHARED],
  [WINOGRAD_SIMD_WASM, WINOGRAD_SIMD_WASM_SHARED],
];

/** A function of a generated module (byte addresses and counts, i32). */
export type HeapFn = (...args: number[]) => void;

/** Where a part's calls go: straight to the module, or into the recorded list. */
export type Emit = (fn: HeapFn, ...args: number[]) => void;

/** One recorded call: function id, then up to 16 arguments (unused ones 0: wasm ignores extra JS arguments). */
const RECORD = 17;
const MAX_ARGS = RECORD - 1;

/**
 * Control words (Int32Array on a SharedArrayBuffer). A job is tagged with a
 * 16-bit generation: JOB = gen·2¹⁶ + parts and NEXT = gen·2¹⁶ + next part, so
 * a worker still looking at the previous job can never claim a part of the
 * next one (its compare-exchange on NEXT fails), and it reads the list only
 * after a successful claim, while the caller still waits for that part.
 */
const JOB = 0; // workers wait on it
const NEXT = 1;
const DONE = 2; // parts finished
const LIST = 3; // byte address of the job's list in the heap: [start₀ … start_parts, records…] (int32 words)
const FAILED = 4; // a part a worker could not run, plus 1 (the caller reruns it and throws its error)
const BY_WORKERS = 5; // parts the workers have run, all jobs (for tests and timing scripts)

/** Parts of one job at most (the low half of JOB and NEXT). */
export const MAX_PARTS = 0xffff;

/** Below this many multiply-adds a kernel runs on the calling thread: waking a worker costs tens of µs. */
export const SPLIT_MIN_WORK = 2_000_000;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { memory, modules, control } = workerData;
const fns = [];
for (const b64 of modules) {
  const mod = new WebAssembly.Module(Buffer.from(b64, 'base64'));
  const inst = new WebAssembly.Instance(mod, { e: { m: memory } });
  for (const d of WebAssembly.Module.exports(mod)) if (d.kind === 'function') fns.push(inst.exports[d.name]);
}
const ctrl = new Int32Array(control);
let seen = 0;
let heap = new Int32Array(memory.buffer);
for (;;) {
  Atomics.wait(ctrl, ${JOB}, seen);
  const job = Atomics.load(ctrl, ${JOB});
  seen = job;
  const tag = job & ~0xffff;
  const parts = job & 0xffff;
  for (;;) {
    const next = Atomics.load(ctrl, ${NEXT});
    if ((next & ~0xffff) !== tag || (next & 0xffff) >= parts) break;
    if (Atomics.compareExchange(ctrl, ${NEXT}, next, next + 1) !== next) continue;
    const p = next & 0xffff;
    if (heap.byteLength !== memory.buffer.byteLength) heap = new Int32Array(memory.buffer);
    const base = Atomics.load(ctrl, ${LIST}) >> 2;
    try {
      for (let i = heap[base + p], end = heap[base + 1 + p]; i < end; i += ${RECORD}) {
        fns[heap[i]](heap[i + 1], heap[i + 2], heap[i + 3], heap[i + 4], heap[i + 5], heap[i + 6], heap[i + 7], heap[i + 8],
          heap[i + 9], heap[i + 10], heap[i + 11], heap[i + 12], heap[i + 13], heap[i + 14], heap[i + 15], heap[i + 16]);
      }
    } catch {
      Atomics.store(ctrl, ${FAILED}, p + 1);
    }
    Atomics.add(ctrl, ${BY_WORKERS}, 1);
    Atomics.add(ctrl, ${DONE}, 1);
    Atomics.notify(ctrl, ${DONE});
  }
}
`;

interface NodeWorkerThreads {
  Worker: new (
    src: string,
    opts: { eval: true; workerData: unknown },
  ) => {
    unref(): void;
    on(event: 'error', cb: (e: unknown) => void): void;
  };
}

/** The workers of one shared heap and the caller's side of their protocol. */
class HeapPool {
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(64));
  private readonly fns: HeapFn[] = [];
  private readonly ids = new Map<HeapFn, number>();
  broken = false;
  private gen = 0;
  jobs = 0;
  private buf = new Int32Array(RECORD * 1024);

  constructor(
    private readonly rt: WasmRuntime,
    memory: WebAssembly.Memory,
    readonly workers: number,
    threads: NodeWorkerThreads,
  ) {
    for (const [plain, shared] of MODULES) {
      const exports = onHeap<Record<string, HeapFn>>(rt, plain, shared);
      if (!exports) throw new Error('SIMD does not validate');
      const mod = new WebAssembly.Module(Uint8Array.from(atob(shared), (ch) => ch.charCodeAt(0)));
      for (const d of WebAssembly.Module.exports(mod)) {
        if (d.kind !== 'function') continue;
        const fn = exports[d.name]!;
        this.ids.set(fn, this.fns.length);
        this.fns.push(fn);
      }
    }
    const workerData = { memory, modules: MODULES.map(([, shared]) => shared), control: this.ctrl.buffer };
    for (let w = 0; w < workers; w++) {
      const worker = new threads.Worker(WORKER_SOURCE, { eval: true, workerData });
      worker.unref(); // it waits for work forever; it must not keep Node running
      worker.on('error', () => {
        this.broken = true; // a worker that died leaves its parts to the caller: claiming is dynamic
      });
    }
  }

  /** Run `parts` parts: record them, then claim parts with the workers until all are done. */
  run(parts: number, part: (p: number, emit: Emit) => void): void {
    // Recorded into a reused typed array (grown by doubling), then copied to the heap.
    const starts = new Int32Array(parts + 1);
    let buf = this.buf;
    let n = 0;
    const ids = this.ids;
    const emit: Emit = (fn, ...args) => {
      const id = ids.get(fn);
      if (id === undefined || args.length > MAX_ARGS) throw new Error('wasm backend: internal: a call the heap workers cannot make');
      if (n + RECORD > buf.length) {
        const grown = new Int32Array(buf.length * 2);
        grown.set(buf);
        buf = this.buf = grown;
      }
      buf[n] = id;
      for (let k = 0; k < args.length; k++) buf[n + 1 + k] = args[k]!;
      buf.fill(0, n + 1 + args.length, n + RECORD);
      n += RECORD;
    };
    for (let p = 0; p < parts; p++) {
      starts[p] = n;
      part(p, emit);
    }
    starts[parts] = n;
    const list = this.rt.empty([starts.length + n], 'int32');
    try {
      const base = list.data.offset >> 2;
      const heap = this.rt.m.HEAP32;
      const first = base + starts.length;
      for (let p = 0; p <= parts; p++) heap[base + p] = first + starts[p]!;
      heap.set(buf.subarray(0, n), first);
      this.dispatch(list, parts);
    } finally {
      this.rt.dispose(list);
    }
  }

  private dispatch(list: Tw, parts: number): void {
    const ctrl = this.ctrl;
    this.gen = (this.gen + 1) & 0x7fff;
    const tag = this.gen << 16;
    Atomics.store(ctrl, LIST, list.data.offset);
    Atomics.store(ctrl, DONE, 0);
    Atomics.store(ctrl, FAILED, 0);
    Atomics.store(ctrl, JOB, tag | parts);
    Atomics.store(ctrl, NEXT, tag);
    Atomics.notify(ctrl, JOB);
    this.jobs++;
    for (; callerClaims; ) {
      const next = Atomics.load(ctrl, NEXT);
      if ((next & 0xffff) >= parts) break;
      if (Atomics.compareExchange(ctrl, NEXT, next, next + 1) !== next) continue;
      this.runPart(list, next & 0xffff);
      Atomics.add(ctrl, DONE, 1);
    }
    for (;;) {
      const done = Atomics.load(ctrl, DONE);
      if (done >= parts) break;
      // A worker is inside a part; no time limit, since a part of a large
      // kernel on a busy machine may take seconds. A worker cannot die in a
      // part on its own: it catches what the part throws (below).
      Atomics.wait(ctrl, DONE, done);
    }
    const failed = Atomics.load(ctrl, FAILED);
    // A part that threw on a worker (a trap: the same calls trap again) runs here, so its error surfaces on this thread.
    if (failed > 0) this.runPart(list, failed - 1);
  }

  stats(): { workers: number; jobs: number; partsByWorkers: number } {
    return { workers: this.workers, jobs: this.jobs, partsByWorkers: Atomics.load(this.ctrl, BY_WORKERS) };
  }

  private runPart(list: Tw, p: number): void {
    const heap = this.rt.m.HEAP32;
    const base = list.data.offset >> 2;
    const fns = this.fns;
    for (let i = heap[base + p]!, end = heap[base + 1 + p]!; i < end; i += RECORD) {
      fns[heap[i]!]!(
        heap[i + 1]!,
        heap[i + 2]!,
        heap[i + 3]!,
        heap[i + 4]!,
        heap[i + 5]!,
        heap[i + 6]!,
        heap[i + 7]!,
        heap[i + 8]!,
        heap[i + 9]!,
        heap[i + 10]!,
        heap[i + 11]!,
        heap[i + 12]!,
        heap[i + 13]!,
        heap[i + 14]!,
        heap[i + 15]!,
        heap[i + 16]!,
      );
    }
  }
}

interface RawModule {
  asm?: { memory?: WebAssembly.Memory };
  wasmMemory?: WebAssembly.Memory;
}

const pools = new WeakMap<WasmRuntime, HeapPool | null>();

/**
 * The heap workers of a runtime: `threads − 1` of them where the heap is
 * shared and worker_threads can start (Node ≥ 20.16), started on first use;
 * null otherwise (and after a worker failed).
 */
function poolOf(rt: WasmRuntime): HeapPool | null {
  let pool = pools.get(rt);
  if (pool === undefined) {
    pool = null;
    const raw = rt.m as unknown as RawModule;
    const memory = raw.asm?.memory ?? raw.wasmMemory;
    const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
    const shared = typeof SharedArrayBuffer === 'function' && memory?.buffer instanceof SharedArrayBuffer;
    if (rt.threads > 1 && memory && shared && typeof get === 'function') {
      try {
        pool = new HeapPool(rt, memory, rt.threads - 1, get('node:worker_threads') as NodeWorkerThreads);
      } catch {
        pool = null; // no SIMD, or workers cannot start: the caller runs every part
      }
    }
    pools.set(rt, pool);
  }
  return pool && !pool.broken ? pool : null;
}

/** What the heap workers of a runtime have done: jobs dispatched to them and parts they ran (for tests and timing). */
export function heapWorkerStats(rt: WasmRuntime): { workers: number; jobs: number; partsByWorkers: number } {
  const pool = poolOf(rt);
  return pool ? pool.stats() : { workers: 0, jobs: 0, partsByWorkers: 0 };
}

let callerClaims = true;

/**
 * Tests: false leaves every part of a split kernel to the heap workers (the
 * caller only waits), so their side is checked bit for bit whatever the load.
 * @internal
 */
export function setCallerClaims(on: boolean): void {
  callerClaims = on;
}

/** How many threads run a split kernel of this runtime (the caller and its heap workers). */
export function splitThreads(rt: WasmRuntime): number {
  const pool = poolOf(rt);
  return pool ? pool.workers + 1 : 1;
}

/**
 * Run a kernel's `parts` (see the module comment): `part(p, emit)` makes part
 * p's calls through `emit`. Parts must write disjoint memory, and the calls
 * must not depend on which thread runs them. `work` (multiply-adds, roughly)
 * below SPLIT_MIN_WORK keeps everything on the calling thread.
 */
export function runParts(rt: WasmRuntime, parts: number, work: number, part: (p: number, emit: Emit) => void): void {
  const pool = work >= SPLIT_MIN_WORK && parts > 1 ? poolOf(rt) : null;
  if (pool && parts <= MAX_PARTS) {
    pool.run(parts, part);
    return;
  }
  for (let p = 0; p < parts; p++) part(p, direct);
}

const direct: Emit = (fn, ...args) => fn(...args);
