import { FLT_MAX, FLT_MIN, FLT_TRUE_MIN } from '../float.js';
import type { DType } from '@polytensor/core';
import { host, sizeOf, type HostTensor } from '../host.js';
import type { Rng } from '../rng.js';

/** Special float32 values every float kernel is fed (NaN, ±Infinity, ±0, subnormals, extremes). */
export const SPECIALS: readonly number[] = [
  NaN,
  Infinity,
  -Infinity,
  0,
  -0,
  FLT_TRUE_MIN,
  -FLT_TRUE_MIN,
  Math.fround(3 * 2 ** -140),
  FLT_MIN,
  -FLT_MIN,
  FLT_MAX,
  -FLT_MAX,
  1,
  -1,
  0.5,
  -0.5,
  1.5,
  -2.5,
];

export const INT32_EXTREMES: readonly number[] = [-(2 ** 31), 2 ** 31 - 1, 0, 1, -1, 2 ** 16, -(2 ** 16) - 3, 46341, -46341];

/** A random int32 over the full range, or an extreme. */
export function int32(r: Rng): number {
  if (r.bool(0.15)) return r.pick(INT32_EXTREMES);
  if (r.bool(0.5)) return r.int(-100, 100);
  return r.nextU32() | 0;
}

/** float32 with a log-uniform magnitude in [2^lo, 2^hi], random sign. */
export const wide =
  (lo: number, hi: number) =>
  (r: Rng): number =>
    r.logUniform(lo, hi);

/** float32 uniform in [lo, hi). */
export const uniform =
  (lo: number, hi: number) =>
  (r: Rng): number =>
    r.float(lo, hi);

/** Mix generators: pick one per value. */
export const mix =
  (...gens: ReadonlyArray<(r: Rng) => number>) =>
  (r: Rng): number =>
    r.pick(gens)(r);

/** Values at and around half-integers (ties for round). */
export const halves = (r: Rng): number => {
  const k = r.int(-40, 40) / 2;
  return r.bool(0.6) ? Math.fround(k) : r.float(-50, 50);
};

/** A tensor of `shape` with values uniform in [lo, hi). */
export const uniformTensor =
  (shape: readonly number[], lo: number, hi: number) =>
  (r: Rng): HostTensor =>
    host(shape, r.array(sizeOf(shape), uniform(lo, hi)));

/** `n` values of `dtype`: for float32 wide random floats with a `specialShare` of NaN, ±0, ±Inf and subnormals mixed in. */
export function mixedValues(dtype: DType, r: Rng, n: number, specialShare: number): number[] {
  switch (dtype) {
    case 'float32':
      return r.array(n, (q) => (q.bool(specialShare) ? q.pick(SPECIALS) : wide(-20, 20)(q)));
    case 'int32':
      return r.array(n, int32);
    case 'bool':
      return r.array(n, (q) => (q.bool() ? 1 : 0));
  }
}
