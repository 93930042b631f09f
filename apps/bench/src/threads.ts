/**
 * The --threads axis: backend-ts measured once per thread setting, each as a
 * backend of its own in the rows (`ts@1`, `ts@2`, `ts@auto`), interleaved
 * with the others and with tfjs cpu like any backend.
 */

export type ThreadSetting = number | 'auto';

const VARIANT = /^ts@(auto|[1-9]\d*)$/;

/** The thread setting a backend name carries (`ts@4` → 4, `ts@auto` → 'auto'), or null for any other name. */
export function threadSetting(backend: string): ThreadSetting | null {
  const m = VARIANT.exec(backend);
  if (!m) return null;
  return m[1] === 'auto' ? 'auto' : Number(m[1]);
}

/** The polytensor backend a name runs on: `ts@4` → ts. */
export const baseBackend = (backend: string): string => (threadSetting(backend) === null ? backend : 'ts');

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

/** Replace `ts` in a backend list by one `ts@<setting>` per setting, in its place. */
export function expandThreads(backends: readonly string[], settings: readonly ThreadSetting[]): string[] {
  if (!backends.includes('ts'))
    throw new Error(`--threads sets backend-ts's threads, but ts is not among the backends (${backends.join(', ')}); add --backends ts`);
  return backends.flatMap((b) => (b === 'ts' ? settings.map((t) => `ts@${t}`) : [b]));
}

/** How a row's backend reads in a report: `ts@1` → "ts (1 thread)". */
export function backendLabel(backend: string): string {
  const t = threadSetting(backend);
  if (t === null) return backend;
  return `ts (${t === 'auto' ? 'threads auto' : `${t} thread${t > 1 ? 's' : ''}`})`;
}
