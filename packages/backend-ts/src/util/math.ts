/** Scalar helpers shared by the elementwise kernels and the fused epilogues (all in float64). */

/** Logistic function without overflow: never evaluates exp of a large positive number. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e); // also the NaN path: NaN >= 0 is false, exp(NaN) = NaN
}

/** softplus(x) = log1p(exp(-|x|)) + max(x, 0): stable for large |x|. */
export function softplus(x: number): number {
  return Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0);
}

/** relu: x for x > 0, NaN for NaN, +0 otherwise; exactly Math.max(x, +0), which compiles branch-free. */
export function relu(x: number): number {
  return Math.max(x, 0);
}

/** Round half to even, keeping the sign of zero like IEEE roundToIntegralTiesToEven. */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const d = x - f; // exact for float32 inputs
  let r: number;
  if (d < 0.5) r = f;
  else if (d > 0.5) r = f + 1;
  else r = f % 2 === 0 ? f : f + 1;
  // -0.3 rounds to -0, not +0; x * 0 carries x's sign.
  return r === 0 ? x * 0 : r;
}
