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

/** A Float32Array of at least `n` elements (a view of exactly `n`). */
export function scratchF32(key: string, n: number): Float32Array {
  let buf = f32.get(key);
  if (!buf || buf.length < n) {
    if (n > KEEP_LIMIT) return new Float32Array(n);
    buf = new Float32Array(grow(n, buf ? buf.length : 0));
    f32.set(key, buf);
  }
  return buf.length === n ? buf : buf.subarray(0, n);
}

/** A Float64Array of at least `n` elements (a view of exactly `n`). */
export function scratchF64(key: string, n: number): Float64Array {
  let buf = f64.get(key);
  if (!buf || buf.length < n) {
    if (n > KEEP_LIMIT) return new Float64Array(n);
    buf = new Float64Array(grow(n, buf ? buf.length : 0));
    f64.set(key, buf);
  }
  return buf.length === n ? buf : buf.subarray(0, n);
}

/** Drop every scratch buffer (TsBackend.dispose). */
export function releaseScratch(): void {
  f32.clear();
  f64.clear();
}
