/**
 * How the conformance suite judges a kernel's output against the float64
 * reference (docs/design.md, "Tolerance classes"):
 *
 * - `exact`: bit-identical to the reference rounded to the output dtype. NaN
 *   matches NaN (any payload); −0 vs +0 is distinguished where `signedZero`.
 * - `correctly-rounded`: the IEEE float32 result (the float64 reference rounded
 *   once, which is the correctly rounded + − × ÷ √). Bit-identical unless the
 *   backend declares `numerics.arithmeticUlp`, which becomes the ULP bound.
 * - `ulp`: |got − ref| / ulp32(max(|ref|, floor)) ≤ `ulp`, against the
 *   unrounded float64 reference; a backend may declare a larger per-op bound.
 * - `accumulation`: each element within γ_n · Σ|term|, γ_n = n·u/(1 − n·u),
 *   u = 2^-24, n = the number of terms.
 * - `product`: relative, |got − ref| ≤ γ_n · |ref| (prod).
 * - `softmax`: a per-element bound derived from the computation.
 */
export type ErrorClass = 'exact' | 'correctly-rounded' | 'ulp' | 'accumulation' | 'product' | 'softmax';

export interface Tolerance {
  readonly class: ErrorClass;
  /** The ULP bound (class `ulp`). */
  readonly ulp?: number;
  /** Class `ulp`: references smaller than this are measured in ULPs of `floor` (an absolute floor). */
  readonly floor?: number;
  /** Exact classes: −0 and +0 must match. */
  readonly signedZero?: boolean;
  /** Where the random inputs come from (for the report). */
  readonly domain?: string;
  readonly note?: string;
}

/** Smallest positive normal float32 (the default `floor` of the ulp class). */
const FLT_MIN = 2 ** -126;

export const exact = (signedZero = false, note?: string): Tolerance => ({ class: 'exact', signedZero, ...(note ? { note } : {}) });
export const correctlyRounded: Tolerance = { class: 'correctly-rounded', signedZero: true };
export const ulp = (n: number, domain: string, floor = FLT_MIN, note?: string): Tolerance => ({
  class: 'ulp',
  ulp: n,
  floor,
  domain,
  ...(note ? { note } : {}),
});
export const accumulation = (note?: string): Tolerance => ({ class: 'accumulation', ...(note ? { note } : {}) });
export const product = (note?: string): Tolerance => ({ class: 'product', ...(note ? { note } : {}) });
export const softmaxClass = (note?: string): Tolerance => ({ class: 'softmax', ...(note ? { note } : {}) });
