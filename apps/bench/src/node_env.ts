/**
 * Backends in Node: polytensor ts (↔ tfjs cpu) and wasm (↔ tfjs wasm), each
 * loaded on demand so that a missing or broken package becomes an
 * `unavailable` row with the reason instead of a crash.
 */
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as pt from '@polytensor/core';
import { setThreads, threadsReady } from '@polytensor/backend-ts';
import * as tf from '@tensorflow/tfjs-core';
import { baseBackend, threadSetting, type ThreadSetting } from './threads.js';
import type { GuardRequest } from './guard_worker.js';
import type { OnnxRuntimeBackend } from './onnx_runtime.js';
import type { GuardResult, ImplSpec } from './runner.js';
import type { Implementation } from './types.js';

/**
 * tfjs-core's Node build registers no gradients, and its ES-module gradient
 * files import each other without file extensions, which Node's ESM loader
 * will not resolve. This resolve hook adds '.js' / '/index.js' for files under
 * @tensorflow/, so `dist/register_all_gradients.js` loads in plain Node. (tfjs
 * keeps its kernel and gradient registries on the global object, so the
 * gradients registered by that copy serve the CommonJS copy the backends use.)
 */
const RESOLVE_HOOK = `
export async function resolve(specifier, context, next) {
  if (specifier.startsWith('.') && !/\\.[cm]?js$/.test(specifier) && context.parentURL && context.parentURL.includes('/@tensorflow/')) {
    for (const suffix of ['.js', '/index.js']) {
      try { return await next(specifier + suffix, context); } catch { /* try the next form */ }
    }
  }
  return next(specifier, context);
}`;

let tfjsReady: Promise<void> | null = null;

/** Register tfjs' gradients (once) and switch off its debug checks. */
export function prepareTfjs(): Promise<void> {
  tfjsReady ??= (async () => {
    register(`data:text/javascript,${encodeURIComponent(RESOLVE_HOOK)}`, import.meta.url);
    const specifier = '@tensorflow/tfjs-core/dist/register_all_gradients.js';
    await import(/* @vite-ignore */ specifier);
    tf.enableProdMode();
  })();
  return tfjsReady;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

/**
 * The name core knows a bench backend by: `ts@N` is backend-ts itself (its
 * threads are set before each run); `wasm@N` is a wasm backend of its own,
 * created with `{ threads: N }` and registered under that name.
 */
const coreName = (name: string): string => (baseBackend(name) === 'wasm' && threadSetting(name) !== null ? name : baseBackend(name));

/** Load a polytensor backend package and initialise the backend (`ts@N`: backend-ts; `wasm@N`: a wasm backend on N threads); null on success, else why not. */
export async function loadPolytensor(name: string): Promise<string | null> {
  const backend = baseBackend(name);
  if (!pt.registeredBackends().includes(backend)) {
    const pkg = `@polytensor/backend-${backend}`;
    try {
      await import(/* @vite-ignore */ pkg);
    } catch (e) {
      const m = message(e);
      return /Cannot find (module|package)|ERR_MODULE_NOT_FOUND/.test(m) ? `${pkg} is not installed or not built (${m})` : `${pkg} failed to load: ${m}`;
    }
  }
  const threads = threadSetting(name);
  if (backend === 'wasm' && threads !== null && !pt.registeredBackends().includes(name)) {
    const { createWasmBackend } = (await import(/* @vite-ignore */ '@polytensor/backend-wasm')) as typeof import('@polytensor/backend-wasm');
    pt.registerBackend(name, () => createWasmBackend({ threads }), -1);
  }
  try {
    await pt.setBackend(coreName(name));
    return null;
  } catch (e) {
    return `polytensor backend '${coreName(name)}' did not initialise: ${message(e)}`;
  }
}

/** Load and initialise a tfjs backend; null on success, else why not. */
export async function loadTfjs(backend: string): Promise<string | null> {
  try {
    await prepareTfjs();
    if (backend === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
    else if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
    else return `tfjs backend '${backend}' does not run in Node here`;
    const ok = await tf.setBackend(backend);
    return ok ? null : `tfjs backend '${backend}' failed to initialise`;
  } catch (e) {
    return `tfjs backend '${backend}': ${message(e)}`;
  }
}

/** backend-ts's thread setting as last set here (set only when it changes: setThreads resets the pool's back-off). */
let threadsNow: ThreadSetting | null = null;

/** Give backend-ts `threads` (waiting for the workers); the thread count then in use. */
export async function useThreads(threads: ThreadSetting): Promise<number> {
  if (threadsNow !== threads) {
    setThreads(threads);
    threadsNow = threads;
  }
  return threadsReady();
}

/**
 * Threads a backend with a thread setting runs on: backend-ts's pool once
 * given its setting; a wasm backend's XNNPACK pool (with why it has fewer
 * than asked for, if so). Call after loadPolytensor.
 */
export async function threadsInUse(name: string): Promise<string> {
  const threads = threadSetting(name);
  if (baseBackend(name) === 'ts') return threads === null ? '1' : String(await useThreads(threads));
  const info = (pt.getBackend() as unknown as { info?: { threads: number; threadsFallback: string | null } }).info;
  return info ? `${info.threads}${info.threadsFallback ? ` (${info.threadsFallback})` : ''}` : '?';
}

/** A polytensor backend in Node; `ts@N` is backend-ts with its threads set to N before every run, `wasm@N` a wasm backend on N threads. */
export function polytensorImpl(name: string, baseline: string, unavailable: string | null): ImplSpec {
  const backend = coreName(name);
  const threads = baseBackend(name) === 'ts' ? threadSetting(name) : null;
  return {
    implementation: 'polytensor',
    backend: name,
    environment: 'node',
    baseline,
    unavailable,
    async activate() {
      if (threads !== null) await useThreads(threads);
      if (pt.activeBackendName() !== backend) await pt.setBackend(backend);
    },
  };
}

const WORKER_FILE = fileURLToPath(new URL('./guard_worker.js', import.meta.url));

/**
 * A guard that runs gates in a worker thread and stops it after the limit; the
 * thread is kept for the next workload unless it had to be stopped. null when
 * the compiled worker is missing (running from sources under Vitest).
 */
export function workerGuard(implementation: Implementation, backend: string): { guard: NonNullable<ImplSpec['guard']>; close(): Promise<void> } | null {
  if (!existsSync(WORKER_FILE)) return null;
  let worker: Worker | null = null;
  const guard = (workload: string, quick: boolean, limitMs: number): Promise<GuardResult> => {
    const w = (worker ??= new Worker(WORKER_FILE));
    return new Promise<GuardResult>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const arm = (ms: number, result: GuardResult): void => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          worker = null;
          void w.terminate();
          finish(result);
        }, ms);
      };
      const finish = (r: GuardResult): void => {
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', onError);
        resolve(r);
      };
      // the limit counts from the start of the run; setup (loading, inputs, reference) gets its own, generous one
      const onMessage = (m: GuardResult | { kind: 'started' }): void => {
        if (m.kind === 'started') arm(limitMs, { kind: 'stopped' });
        else finish(m);
      };
      const onError = (e: Error): void => {
        worker = null;
        finish({ kind: 'error', message: e.message });
      };
      arm(SETUP_LIMIT_MS, { kind: 'error', message: `setup in the guard worker took longer than ${SETUP_LIMIT_MS / 1000} s` });
      w.on('message', onMessage);
      w.on('error', onError);
      const req: GuardRequest = { workload, quick, implementation, backend };
      w.postMessage(req);
    });
  };
  return {
    guard,
    async close() {
      await worker?.terminate();
      worker = null;
    },
  };
}

/** Time a guarded worker gets for loading the library, the inputs and the reference, before its run starts. */
const SETUP_LIMIT_MS = 300_000;

/** Whether an ONNX Runtime build loads (onnxruntime-node's native addon, onnxruntime-web's wasm); null when it does, else why not. */
export async function loadOnnxRuntime(backend: OnnxRuntimeBackend): Promise<{ why: string | null; detail?: string }> {
  const pkg = backend === 'cpu' ? 'onnxruntime-node' : 'onnxruntime-web';
  try {
    const ort = await (await import('./onnx_runtime.js')).loadOrt(backend);
    // onnxruntime-web picks its thread count when its first session starts; report what it will use
    return {
      why: null,
      ...(backend === 'wasm' ? { detail: `threads: ${ort.env.wasm.numThreads ?? 'default'}, SIMD: ${ort.env.wasm.simd ?? 'default'}` } : {}),
    };
  } catch (e) {
    return { why: `${pkg} did not load: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}` };
  }
}

/** An ONNX Runtime execution provider, on the workloads that have an ONNX version (the seed models' inference). */
export function onnxRuntimeImpl(backend: OnnxRuntimeBackend, unavailable: string | null): ImplSpec {
  return {
    implementation: 'onnxruntime',
    backend,
    environment: 'node',
    baseline: null,
    unavailable,
    async activate() {},
    covers: (w) => w.onnx !== undefined,
    setup: async (w, ctx) => (await import('./onnx_runtime.js')).onnxRuntimeHandle(w, ctx, backend),
  };
}

export function tfjsImpl(backend: string, unavailable: string | null, guard?: ImplSpec['guard']): ImplSpec {
  return {
    ...(guard ? { guard } : {}),
    implementation: 'tfjs',
    backend,
    environment: 'node',
    baseline: null,
    unavailable,
    async activate() {
      if (tf.getBackend() !== backend) await tf.setBackend(backend);
    },
  };
}
