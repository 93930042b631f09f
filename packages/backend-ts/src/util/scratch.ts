/**
 * Reusable scratch buffers for kernel temporaries (im2col columns, packed GEMM
 * panels, float64 accumulators), keyed by purpose. Kernels run synchronously
 * and each key has one user at a time, so a buffer is simply handed out again
 * on the next call instead of being allocated (and garbage-collected) per call.
 * Contents are NOT cleared: callers overwrite or fill what they use.
 */
const f32 = new Map<string, Float32Array>();
const f64 = new Map<string, Float64Array>();

/** Largest buffer kept per key (elements); bigger requests get a one-off array. */
const KEEP_LIMIT = 1 << 24;

function grow(n: number, have: number): number {
  // Round up so slowly growing requests do not reallocate every time.
  return Math.max(n, Math.min(KEEP_LIMIT, Math.ceil(have * 1.5)));
}

/** The buffer kept under `key` in `kept`, grown (by `make`) to at least `n` elements; a view of exactly `n`. */
function take<T extends Float32Array | Float64Array>(kept: Map<string, T>, make: (n: number) => T, key: string, n: number): T {
  let buf = kept.get(key);
  if (!buf || buf.length < n) {
    if (n > KEEP_LIMIT) return make(n);
    buf = make(grow(n, buf ? buf.length : 0));
    kept.set(key, buf);
  }
  return buf.length === n ? buf : (buf.subarray(0, n) as T);
}

/** A Float32Array of at least `n` elements (a view of exactly `n`). */
export const scratchF32 = (key: string, n: number): Float32Array => take(f32, (size) => new Float32Array(size), key, n);

/** A Float64Array of at least `n` elements (a view of exactly `n`). */
export const scratchF64 = (key: string, n: number): Float64Array => take(f64, (size) => new Float64Array(size), key, n);

/** Drop every scratch buffer (TsBackend.dispose). */
export function releaseScratch(): void {
  f32.clear();
  f64.clear();
}
