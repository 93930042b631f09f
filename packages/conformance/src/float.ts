/** float32 facts the comparisons need. */

/** Unit roundoff of float32: 2^-24. */
export const U = 2 ** -24;
/** Smallest positive normal float32. */
export const FLT_MIN = 2 ** -126;
/** Smallest positive subnormal float32. */
export const FLT_TRUE_MIN = 2 ** -149;
export const FLT_MAX = Math.fround(3.4028234663852886e38);

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const u64 = new Uint32Array(f64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** `γ_n = n·u / (1 − n·u)`: the worst-case relative error of an n-term float32 sum or dot product. */
export function gamma(n: number): number {
  const nu = n * U;
  return nu >= 1 ? Infinity : nu / (1 - nu);
}

export function f32Bits(x: number): number {
  f32[0] = x;
  return u32[0]!;
}

export function fromF32Bits(bits: number): number {
  u32[0] = bits >>> 0;
  return f32[0]!;
}

export function isNegZero(x: number): boolean {
  return x === 0 && 1 / x < 0;
}

export function isSubnormal32(x: number): boolean {
  return x !== 0 && Math.abs(x) < FLT_MIN;
}

/** Unbiased binary exponent of a finite non-zero float64 (floor(log2|x|)), exact. */
export function exponentOf(x: number): number {
  f64[0] = x;
  const hi = u64[LITTLE ? 1 : 0]!;
  const e = (hi >>> 20) & 0x7ff;
  if (e === 0) {
    // float64 subnormal: far below float32's range anyway
    return -1075;
  }
  return e - 1023;
}

/**
 * The float32 ULP at magnitude |x|: the gap between consecutive float32 values
 * in the binade of x. Subnormal range: 2^-149. Beyond FLT_MAX: 2^104.
 */
export function ulp32(x: number): number {
  const a = Math.abs(x);
  if (!Number.isFinite(a) || a >= 2 ** 128) return 2 ** 104;
  if (a < FLT_MIN) return FLT_TRUE_MIN;
  return 2 ** (exponentOf(a) - 23);
}

/** Next float32 above x (toward +Infinity). */
export function nextUp32(x: number): number {
  const v = Math.fround(x);
  if (Number.isNaN(v) || v === Infinity) return v;
  if (v === 0) return FLT_TRUE_MIN;
  const b = f32Bits(v);
  return fromF32Bits(v > 0 ? b + 1 : b - 1);
}

/** Next float32 below x (toward -Infinity). */
export function nextDown32(x: number): number {
  return -nextUp32(-x);
}

/** Map float32 to integers ordered like the reals (−0 and +0 both map to 0). */
function ordered(x: number): number {
  const b = f32Bits(x);
  return b & 0x80000000 ? -(b & 0x7fffffff) : b;
}

/** Distance between two float32 values in representable steps (NaN → Infinity unless both NaN). */
export function ulpDistance32(a: number, b: number): number {
  const na = Number.isNaN(a);
  const nb = Number.isNaN(b);
  if (na || nb) return na && nb ? 0 : Infinity;
  return Math.abs(ordered(Math.fround(a)) - ordered(Math.fround(b)));
}

/** Flush a float32 subnormal to a zero of the same sign. */
export function flush32(x: number): number {
  return isSubnormal32(x) ? (x < 0 ? -0 : 0) : x;
}

/** Format a number for messages: 9 significant digits (enough to round-trip float32), −0 kept. */
export function fmtNum(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return isNegZero(x) ? '-0' : '0';
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const s = x.toPrecision(9);
  return String(Number(s));
}

/** Compact error figure for reports: 0, 0.5, 1.23e-3, Infinity. */
export function fmtErr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return 'inf';
  if (x === 0) return '0';
  if (x >= 0.01 && x < 1000) return String(Number(x.toPrecision(3)));
  return x.toExponential(2);
}
