/**
 * How many threads XNNPACK gets. The threaded build splits convolutions,
 * matrix products and pooling over output tiles (every output element is
 * computed by one thread in the same order), so results are bit-identical
 * for every thread count; src/threads.node.test.ts checks it.
 */
import { PolytensorError } from '@polytensor/core';

/** The most threads chosen automatically: beyond 4, the seed models' kernels are too small to gain. */
export const MAX_AUTO_THREADS = 4;

/** A thread count: a positive integer, or 'auto' (the machine's cores, at most MAX_AUTO_THREADS). */
export type WasmThreads = number | 'auto';

let defaultThreads: WasmThreads | null = null;

interface Host {
  process?: { env?: Record<string, string | undefined>; getBuiltinModule?: (id: string) => unknown; versions?: { node?: string } };
  navigator?: { hardwareConcurrency?: number };
}
const host = globalThis as unknown as Host;

/** Checks a thread count given by the application; `what` names the call. */
export function checkThreads(threads: unknown, what: string): WasmThreads {
  if (threads === 'auto' || (typeof threads === 'number' && Number.isInteger(threads) && threads >= 1)) return threads;
  throw new PolytensorError(
    `@polytensor/backend-wasm: ${what}: expected a positive integer or 'auto' (the logical cores, at most ${MAX_AUTO_THREADS}), got ${String(threads)}`,
  );
}

/** Sets the thread count backends created later without one get (setWasmThreads). */
export function setDefaultThreads(threads: WasmThreads): void {
  defaultThreads = threads;
}

/** Logical cores: os.availableParallelism in Node, navigator.hardwareConcurrency in browsers. */
export function logicalCores(): number {
  const os = host.process?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
  const n = os?.availableParallelism?.() ?? host.navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.floor(n));
}

/**
 * The thread count to load for: `requested`, else setWasmThreads's, else
 * the POLYTENSOR_WASM_THREADS environment variable (Node), else 'auto'; 'auto'
 * resolved to the logical cores, at most MAX_AUTO_THREADS.
 */
export function resolveThreads(requested?: WasmThreads): number {
  let want: WasmThreads = requested ?? defaultThreads ?? 'auto';
  if (requested === undefined && defaultThreads === null) {
    const env = host.process?.env?.['POLYTENSOR_WASM_THREADS'];
    if (env !== undefined && env !== '') want = checkThreads(/^\d+$/.test(env) ? Number(env) : env, 'POLYTENSOR_WASM_THREADS');
  }
  return want === 'auto' ? Math.min(logicalCores(), MAX_AUTO_THREADS) : want;
}
