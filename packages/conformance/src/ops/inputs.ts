/** Input generators and reference-output helpers the op-case families share. */
import { host, sizeOf, type HostTensor } from '../host.js';
import type { Rng } from '../rng.js';

/** Uniform values in [lo, hi). */
export const uniform =
  (shape: readonly number[], lo = -2, hi = 2) =>
  (r: Rng) =>
    host(
      shape,
      r.array(sizeOf(shape), (q) => q.float(lo, hi)),
    );

/** NaN, ±Inf, −0 and an ordinary value in turn: movement and selection must carry them bit for bit. */
export const specials = (shape: readonly number[]) => (r: Rng) =>
  host(
    shape,
    r.array(sizeOf(shape), (q, i) => [Number.NaN, Infinity, -Infinity, -0, q.float(-2, 2)][i % 5]!),
  );

/**
 * A reference output as computed, unrounded: the harness rounds for forward
 * checks, and gradient checks' finite differences need the float64 digits.
 */
export const unrounded = (shape: readonly number[], values: ArrayLike<number>, dtype: HostTensor['dtype'] = 'float32'): HostTensor => ({
  shape: [...shape],
  values: Float64Array.from(values),
  dtype,
});
