/**
 * tfjs-backend-wasm's threaded SIMD build in Node. tfjs itself never runs it
 * there (its WASM_HAS_MULTITHREAD_SUPPORT flag is false in Node, and its
 * loader hands Emscripten the pthread worker and the glue as blob URLs, which
 * worker_threads cannot start). Emscripten's glue does support Node: it runs
 * each pthread on a worker_threads Worker started from a script file, which
 * evaluates the glue from a file path. So this loader calls the glue's
 * factory itself with file paths: the worker script scripts/copy-wasm.mjs
 * writes to dist/wasm/, and the glue and .wasm inside the installed tfjs.
 *
 * Node built-ins are reached through `process.getBuiltinModule` (Node ≥
 * 20.16), as backend-ts's pool does, so browser bundles see no `node:` import;
 * older Node runs the single-threaded build.
 */

import { threadpoolAddress } from './xnn_threadpool.js';

/** What the loaded module is handed to tfjs's BackendWasm as (an Emscripten module with tfjs's cwrapped helpers). */
export interface ThreadedModule {
  readonly tfjs: unknown;
  /** Heap address of tfjs's pthreadpool global, read from the binary (null if it could not be). */
  readonly threadpoolAddress: number | null;
}

/** The worker file scripts/copy-wasm.mjs writes next to the .wasm copies (same path from src/ and dist/). */
const WORKER_FILE = 'tfjs-backend-wasm-threaded-simd.worker.cjs';
const GLUE = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';
const BINARY = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.wasm';

interface NodeBuiltins {
  module: { createRequire(from: string): NodeRequireLike };
  fs: { existsSync(p: string): boolean; readFileSync(p: string): Uint8Array };
  url: { fileURLToPath(u: string): string };
  path: { dirname(p: string): string; join(...parts: string[]): string };
}
interface NodeRequireLike {
  (id: string): unknown;
  resolve(id: string): string;
}
interface NodeWorker {
  ref(): void;
  unref(): void;
  terminate(): unknown;
}
interface PThreadApi {
  unusedWorkers: NodeWorker[];
  runningWorkers: NodeWorker[];
}
interface EmscriptenModule {
  PThread: PThreadApi;
  cwrap(name: string, ret: string | null, args: string[]): unknown;
  tfjs?: unknown;
}
type Factory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;

function builtins(): NodeBuiltins | null {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof get !== 'function') return null;
  return { module: get('node:module'), fs: get('node:fs'), url: get('node:url'), path: get('node:path') } as NodeBuiltins;
}

/**
 * Why the threaded build cannot run in this Node process, or null when it can
 * (worker_threads reachable, SharedArrayBuffer present, the glue, the binary
 * and the worker script found).
 */
export function threadedNodeUnavailable(): string | null {
  return locate().reason;
}

interface Located {
  reason: string | null;
  node?: NodeBuiltins;
  require?: NodeRequireLike;
  glue?: string;
  binary?: string;
  worker?: string;
}

function locate(): Located {
  if (typeof SharedArrayBuffer !== 'function') return { reason: 'SharedArrayBuffer is not available' };
  const node = builtins();
  if (!node) return { reason: 'process.getBuiltinModule is missing (Node < 20.16)' };
  const require = node.module.createRequire(import.meta.url);
  let glue: string;
  let binary: string;
  try {
    glue = require.resolve(GLUE);
    binary = require.resolve(BINARY);
  } catch (e) {
    return { reason: `@tensorflow/tfjs-backend-wasm's threaded build was not found (${e instanceof Error ? e.message.split('\n')[0] : String(e)})` };
  }
  // ../dist/wasm/ from this module, in src/ and in dist/ alike; a path join, not
  // `new URL('…', import.meta.url)`, which bundlers would emit as a browser asset.
  const worker = node.path.join(node.path.dirname(node.url.fileURLToPath(import.meta.url)), '..', 'dist', 'wasm', WORKER_FILE);
  if (!node.fs.existsSync(worker)) return { reason: `the pthread worker script ${worker} is missing (the package's build writes it)` };
  return { reason: null, node, require, glue, binary, worker };
}

/**
 * Instantiate the threaded SIMD build with XNNPACK's pool at `threads`
 * threads (the calling thread included): the module, with tfjs's helpers
 * attached, ready for `new BackendWasm(module)`, which creates the pool.
 * Rejects when it cannot run (see threadedNodeUnavailable).
 */
export async function instantiateThreadedNode(threads: number): Promise<ThreadedModule> {
  const where = locate();
  if (where.reason !== null) throw new Error(where.reason);
  const { node, require, glue, binary, worker } = where as Required<Located>;
  const factory = require(glue) as Factory;
  const bytes = node.fs.readFileSync(binary) as Uint8Array<ArrayBuffer>;
  let failed: (e: unknown) => void = () => {};
  const instantiateFailed = new Promise<never>((_, reject) => {
    failed = reject;
  });
  const loaded = factory({
    locateFile: (path: string, prefix: string) => (path.endsWith('.worker.js') ? worker : prefix + path),
    // Each pthread worker evaluates the glue from this path (a Blob in browsers).
    mainScriptUrlOrBlob: glue,
    instantiateWasm(imports: { env: Record<string, unknown> }, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) {
      // tfjs caps XNNPACK's pool at half the logical cores (it counts two
      // hardware threads per core); report twice the wanted threads so the
      // cap is the count asked for.
      imports.env['emscripten_num_logical_cores'] = () => 2 * threads;
      WebAssembly.instantiate(bytes, imports as WebAssembly.Imports).then((r) => receive(r.instance, r.module), failed);
      return {};
    },
    onAbort: (what: unknown) => failed(new Error(`the threaded module aborted: ${String(what)}`)),
  });
  const module = await Promise.race([loaded, instantiateFailed]);
  // The helpers tfjs's own loader attaches (BackendWasm calls them).
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  (module as { threadpoolAddress?: number | null }).threadpoolAddress = threadpoolAddress(bytes);
  return module as unknown as ThreadedModule;
}

/**
 * After XNNPACK's pool has started: its workers are unref'd (they wait for
 * work forever, and must not keep Node alive once the application is done),
 * and the workers Emscripten started in advance but the pool does not use (it
 * always starts 8) are terminated.
 */
export function settleThreadedNode(module: ThreadedModule): void {
  const { PThread } = module as unknown as EmscriptenModule;
  for (const w of PThread.runningWorkers) w.unref();
  for (const w of PThread.unusedWorkers.splice(0)) void w.terminate();
}
