/**
 * The --threads axis: backend-ts and backend-wasm measured once per thread
 * setting, each as a backend of its own in the rows (`ts@1`, `ts@auto`,
 * `wasm@1`, `wasm@2` …), interleaved with the others and with tfjs like any
 * backend. backend-ts changes its pool's size in place (setThreads); each
 * `wasm@N` is a wasm backend created with `{ threads: N }` (its own module and
 * XNNPACK thread pool).
 */

export type ThreadSetting = number | 'auto';

/** The backends with a thread setting. */
export const THREADED_BACKENDS = ['ts', 'wasm'] as const;

const VARIANT = /^(ts|wasm)@(auto|[1-9]\d*)$/;

/** The thread setting a backend name carries (`ts@4` → 4, `wasm@auto` → 'auto'), or null for any other name. */
export function threadSetting(backend: string): ThreadSetting | null {
  const m = VARIANT.exec(backend);
  if (!m) return null;
  return m[2] === 'auto' ? 'auto' : Number(m[2]);
}

/** The polytensor backend a name runs on: `ts@4` → ts, `wasm@2` → wasm. */
export const baseBackend = (backend: string): string => VARIANT.exec(backend)?.[1] ?? backend;

/** `--threads 1,auto` → [1, 'auto'], with a clear error for anything else. */
export function parseThreads(list: string): ThreadSetting[] {
  const items = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new Error(`--threads needs a list of thread counts or 'auto', e.g. --threads 1,auto`);
  return [...new Set(items)].map((s) => {
    const t = threadSetting(`ts@${s}`);
    if (t === null) throw new Error(`--threads: '${s}' is neither a positive integer nor 'auto' (e.g. --threads 1,2,auto)`);
    return t;
  });
}

/** Replace `ts` and `wasm` in a backend list by one `<name>@<setting>` per setting, in their places. */
export function expandThreads(backends: readonly string[], settings: readonly ThreadSetting[]): string[] {
  if (!backends.some((b) => (THREADED_BACKENDS as readonly string[]).includes(b)))
    throw new Error(
      `--threads sets the threads of backend-ts and backend-wasm, but neither ts nor wasm is among the backends (${backends.join(', ')}); add --backends ts,wasm`,
    );
  return backends.flatMap((b) => ((THREADED_BACKENDS as readonly string[]).includes(b) ? settings.map((t) => `${b}@${t}`) : [b]));
}

/** How a row's backend reads in a report: `ts@1` → "ts (1 thread)", `wasm@auto` → "wasm (threads auto)". */
export function backendLabel(backend: string): string {
  const t = threadSetting(backend);
  if (t === null) return backend;
  return `${baseBackend(backend)} (${t === 'auto' ? 'threads auto' : `${t} thread${t > 1 ? 's' : ''}`})`;
}
