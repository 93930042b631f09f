import { engine, env } from '@tensorflow/tfjs-core';
import { BackendWasm, setThreadsCount as tfjsSetThreadsCount, setWasmPaths as tfjsSetWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { withoutEmscriptenProcessHandlers } from './process_handlers.js';
import { WasmRuntime } from './runtime.js';
import { instantiateThreadedNode, settleThreadedNode, threadedNodeUnavailable } from './threaded_node.js';
import { checkThreads, resolveThreads, setDefaultThreads, type WasmThreads } from './threads.js';

/** The three builds tfjs-backend-wasm ships. */
export type WasmBinaryName = 'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm';
export const WASM_BINARIES: readonly WasmBinaryName[] = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

/**
 * Where the `.wasm` files are served from: a URL prefix ending in `/` (the
 * folder holding all three), or a map from file name to URL. Only needed when
 * the automatic lookup cannot find them (see README).
 */
export type WasmPaths = string | Partial<Record<WasmBinaryName, string>>;

let userPaths: WasmPaths | undefined;
/** A runtime for a thread count, and why it has a single thread if more were asked for. */
export interface LoadedRuntime {
  readonly runtime: WasmRuntime;
  /** Why the single-threaded build runs although more threads were asked for; null otherwise. */
  readonly threadsFallback: string | null;
}

/** One runtime (module, heap, thread pool) per thread count asked for; a count that falls back shares the 1-thread runtime. */
const loading = new Map<number, Promise<LoadedRuntime>>();

/**
 * Tell the backend where the `.wasm` files are (before the backend is first
 * created). Rarely needed: by default Node reads them from the installed
 * @tensorflow/tfjs-backend-wasm and browsers load this package's copies in
 * `dist/wasm/`, which bundlers that handle `new URL(…, import.meta.url)` emit
 * as assets (see README).
 */
export function setWasmPaths(paths: WasmPaths): void {
  if (loading.size > 0) throw new Error('@polytensor/backend-wasm: setWasmPaths() must be called before the wasm backend is first created');
  userPaths = paths;
}

/**
 * Threads XNNPACK uses in wasm backends created from now on without a count
 * of their own (`createWasmBackend({ threads })`), the calling thread
 * included: a positive integer, or 'auto' (the default: the logical cores, at
 * most 4). Threads run in Node (worker_threads) and in cross-origin isolated
 * pages; elsewhere, or with 1, the single-threaded SIMD build runs. Backends
 * already created keep their thread pool. Results are bit-identical for every
 * count.
 */
export function setWasmThreads(count: WasmThreads): void {
  setDefaultThreads(checkThreads(count, 'setWasmThreads'));
}

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  return typeof p?.versions?.node === 'string';
}

/** Throws a clear error when this JavaScript environment has no WebAssembly. */
export function assertWebAssembly(): void {
  const wa = (globalThis as { WebAssembly?: { instantiate?: unknown } }).WebAssembly;
  if (typeof wa !== 'object' || wa === null || typeof wa.instantiate !== 'function') {
    throw new Error(
      '@polytensor/backend-wasm: WebAssembly is not available in this JavaScript environment ' +
        '(it may be disabled by policy, e.g. a Content-Security-Policy without wasm-unsafe-eval, or by a --jitless / lite mode). ' +
        "Use another backend, e.g. import '@polytensor/backend-ts' and setBackend('ts').",
    );
  }
}

/**
 * Where a binary is served from in a browser. This package ships copies of
 * tfjs-backend-wasm's three `.wasm` files in `dist/wasm/` (copied at build
 * from the exact tfjs version it depends on), and names each with a literal
 * `new URL('<relative path>', import.meta.url)`: the pattern Vite (build, and
 * the dev server's pre-bundled dependencies), webpack 5, Parcel and Rollup's
 * URL plugins resolve and emit as an asset, and that also works unbundled
 * (this module served from `node_modules`). The path is the same from `src/`
 * and `dist/`. One URL per file: probing several would log failed requests.
 */
function binaryUrl(name: WasmBinaryName): string {
  switch (name) {
    case 'tfjs-backend-wasm.wasm':
      return new URL('../dist/wasm/tfjs-backend-wasm.wasm', import.meta.url).href;
    case 'tfjs-backend-wasm-simd.wasm':
      return new URL('../dist/wasm/tfjs-backend-wasm-simd.wasm', import.meta.url).href;
    case 'tfjs-backend-wasm-threaded-simd.wasm':
      return new URL('../dist/wasm/tfjs-backend-wasm-threaded-simd.wasm', import.meta.url).href;
  }
}

/** Fetch `url` and return its bytes, or why they are not a WebAssembly module (a dev server may answer 200 with an HTML page). */
async function fetchWasm(url: string): Promise<ArrayBuffer | string> {
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'same-origin' });
  } catch (e) {
    return `fetch failed: ${message(e)}`;
  }
  if (!response.ok) return `HTTP ${response.status}`;
  const bytes = await response.arrayBuffer();
  const head = new Uint8Array(bytes, 0, Math.min(4, bytes.byteLength));
  const isWasm = head.length === 4 && head[0] === 0 && head[1] === 0x61 && head[2] === 0x73 && head[3] === 0x6d;
  return isWasm ? bytes : `not a WebAssembly module (${response.headers.get('content-type') ?? 'no content type'}, ${bytes.byteLength} bytes)`;
}

function binaryFor(simd: boolean, threads: boolean): WasmBinaryName {
  return simd && threads ? 'tfjs-backend-wasm-threaded-simd.wasm' : simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
}

/**
 * Tell tfjs where the .wasm is. In browsers tfjs looks next to the page unless
 * told otherwise: fetch the build it will load (SIMD; threaded where the page
 * is cross-origin isolated) from this package and hand tfjs the bytes as a blob
 * URL (returned, to revoke once loaded), so the file is fetched once and a bad
 * answer is reported here instead of as a compile error deep in tfjs. tfjs is
 * told to fetch it itself and compile the bytes (`usePlatformFetch`) rather
 * than stream-compile the response, which logs a warning and retries when the
 * response type is not exactly `application/wasm`. User paths (setWasmPaths)
 * are passed through.
 */
async function configurePaths(simd: boolean, threads: boolean): Promise<string | null> {
  const wanted = binaryFor(simd, threads);
  if (userPaths !== undefined && isNode()) {
    // Node: file paths, read from disk by Emscripten; only the build in use must be given.
    const given = userPaths;
    tfjsSetWasmPaths(
      typeof given === 'string'
        ? given
        : (Object.fromEntries(WASM_BINARIES.map((n) => [n, given[n] ?? given[wanted] ?? Object.values(given)[0] ?? n])) as Record<WasmBinaryName, string>),
    );
    return null;
  }
  if (typeof userPaths === 'string') {
    tfjsSetWasmPaths(userPaths);
    return null;
  }
  const map = {} as Record<WasmBinaryName, string>;
  for (const name of WASM_BINARIES) map[name] = userPaths?.[name] ?? binaryUrl(name);
  let blobUrl: string | null = null;
  if (!userPaths?.[wanted]) {
    const url = binaryUrl(wanted);
    const bytes = await fetchWasm(url);
    if (typeof bytes === 'string') {
      throw new Error(
        `@polytensor/backend-wasm: could not load ${wanted} from ${url} (${bytes}). ` +
          'Your bundler did not emit it as an asset (esbuild, for one, leaves new URL(…, import.meta.url) alone): serve the files in ' +
          "node_modules/@polytensor/backend-wasm/dist/wasm/ with your app and call setWasmPaths('<their URL folder>/') from " +
          "'@polytensor/backend-wasm' before the backend is created.",
      );
    }
    blobUrl = URL.createObjectURL(new Blob([bytes], { type: 'application/wasm' }));
    map[wanted] = blobUrl;
  }
  // Only our blob takes tfjs's own fetch path: it reports a failed fetch by aborting, then still compiles the body.
  tfjsSetWasmPaths(map, blobUrl !== null);
  return blobUrl;
}

function message(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (e && typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}

/** While tfjs's loader runs: its multithreading flag set to `threads`, and (browsers) the cores it sees doubled, as it gives XNNPACK half of them. */
async function withTfjsThreads<T>(threads: number, multithread: boolean, run: () => Promise<T>): Promise<T> {
  const flags = env();
  const flagWas = flags.getBool('WASM_HAS_MULTITHREAD_SUPPORT');
  const nav = (globalThis as { navigator?: object }).navigator;
  const cores = nav && multithread ? Object.getOwnPropertyDescriptor(nav, 'hardwareConcurrency') : undefined;
  if (flagWas !== multithread) flags.set('WASM_HAS_MULTITHREAD_SUPPORT', multithread);
  if (nav && multithread) Object.defineProperty(nav, 'hardwareConcurrency', { value: 2 * threads, configurable: true });
  tfjsSetThreadsCount(threads);
  try {
    return await run();
  } finally {
    if (flagWas !== multithread) flags.set('WASM_HAS_MULTITHREAD_SUPPORT', flagWas);
    if (nav && multithread) {
      if (cores) Object.defineProperty(nav, 'hardwareConcurrency', cores);
      else delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency;
    }
  }
}

/** The threaded build in Node (src/threaded_node.ts), or why it cannot run. */
async function loadThreadedNode(threads: number): Promise<WasmRuntime | string> {
  const unavailable = threadedNodeUnavailable();
  if (unavailable !== null) return unavailable;
  let tf: BackendWasm;
  let address: number | null = null;
  try {
    tf = await withoutEmscriptenProcessHandlers(async () => {
      const module = await instantiateThreadedNode(threads);
      address = module.threadpoolAddress;
      tfjsSetThreadsCount(threads);
      const backend = new BackendWasm(module as never); // creates XNNPACK's thread pool
      settleThreadedNode(module);
      return backend;
    });
  } catch (e) {
    return `loading the threaded build failed: ${message(e)}`;
  }
  const m = tf.wasm as unknown as { _get_threads_count(): number };
  return new WasmRuntime(tf, 'tfjs-backend-wasm-threaded-simd.wasm', Math.max(1, m._get_threads_count()), address);
}

async function load(threads: number): Promise<LoadedRuntime> {
  const [simd, multithread] = (await Promise.all([env().getAsync('WASM_HAS_SIMD_SUPPORT'), env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')])) as [
    boolean,
    boolean,
  ];
  let fallback: string | null = null;
  if (threads > 1) {
    if (!simd) fallback = 'WebAssembly SIMD is not supported (the threaded build needs it)';
    else if (isNode()) {
      const rt = await loadThreadedNode(threads);
      if (typeof rt !== 'string') return { runtime: rt, threadsFallback: null };
      fallback = rt;
    } else if (!multithread) fallback = 'the page is not cross-origin isolated (SharedArrayBuffer cannot be shared with workers)';
  }
  if (fallback !== null) return { runtime: (await loadRuntimeFor(1)).runtime, threadsFallback: fallback };
  const useThreads = threads > 1;
  // Node reads the .wasm next to tfjs's own module (unless told otherwise); browsers need its URL.
  const blobUrl = isNode() && userPaths === undefined ? null : await configurePaths(simd, useThreads);
  // tfjs-backend-wasm registers its factory with tfjs-core on import; calling
  // it directly instantiates the module and its BackendWasm without making
  // tfjs's engine use (or own) it.
  const factory = engine().findBackendFactory('wasm');
  if (!factory) throw new Error('@polytensor/backend-wasm: @tensorflow/tfjs-backend-wasm did not register its backend with tfjs-core');
  let tf: BackendWasm;
  try {
    tf = (await withoutEmscriptenProcessHandlers(() => withTfjsThreads(useThreads ? threads : 1, useThreads, async () => factory()))) as BackendWasm;
  } catch (e) {
    throw new Error(
      `@polytensor/backend-wasm: loading the WebAssembly module (${binaryFor(simd, useThreads)}) failed: ${message(e)}` +
        (isNode() ? '' : " If the .wasm files are served elsewhere, call setWasmPaths('<their URL folder>/') from '@polytensor/backend-wasm' first."),
    );
  } finally {
    if (blobUrl) URL.revokeObjectURL(blobUrl);
  }
  const m = tf.wasm as unknown as { _get_threads_count(): number };
  return { runtime: new WasmRuntime(tf, binaryFor(simd, useThreads), useThreads ? Math.max(1, m._get_threads_count()) : 1), threadsFallback: null };
}

/** The runtime of the process-wide module for `threads` (see loadRuntimeFor). */
export async function loadRuntime(threads?: WasmThreads): Promise<WasmRuntime> {
  return (await loadRuntimeFor(threads)).runtime;
}

/**
 * The runtime for `threads` (see resolveThreads): loaded once per thread
 * count, shared by every backend created for that count.
 */
export function loadRuntimeFor(threads?: WasmThreads): Promise<LoadedRuntime> {
  assertWebAssembly();
  const n = resolveThreads(threads);
  let p = loading.get(n);
  if (!p) {
    p = load(n).catch((e: unknown) => {
      loading.delete(n);
      throw e;
    });
    loading.set(n, p);
  }
  return p;
}
