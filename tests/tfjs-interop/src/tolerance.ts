/**
 * How a polytensor prediction is judged against TensorFlow.js's.
 *
 * The bench's inference gate (apps/bench/src/gate.ts, INFER_TOLERANCE) holds
 * each float32 implementation to `1e-4 · max|ref|` of the float64 forward
 * pass, on every backend. tfjs (cpu) and a polytensor backend are two such
 * implementations, so by the triangle inequality they may differ by twice that
 * from each other: every output element within `2e-4 · max|expected output|`. A
 * weight put in the wrong place (a transposed kernel, swapped gates, a bias
 * dropped) moves outputs by the size of the weights, orders of magnitude more.
 */
export const PREDICTION_TOLERANCE = { rel: 2e-4 } as const;

export interface Comparison {
  /** Worst |got − want| as a fraction of the bound (≤ 1 passes). */
  worst: number;
  /** A sentence for the assertion message: where it was worst, and the values. */
  detail: string;
}

const fmt = (x: number): string => (Number.isFinite(x) ? x.toPrecision(6) : String(x));

/**
 * Every element of `got` within PREDICTION_TOLERANCE of `want` (the side that
 * wrote the model: tfjs's prediction, or polytensor's for its own saves);
 * NaN or a length mismatch is infinitely bad.
 */
export function comparePredictions(got: ArrayLike<number>, want: ArrayLike<number>, what: string): Comparison {
  if (got.length !== want.length) return { worst: Infinity, detail: `${what}: ${got.length} values, expected ${want.length}` };
  let scale = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]!));
  // All-zero outputs would make the bound 0: a degenerate test, so refuse it.
  if (!(scale > 0)) return { worst: Infinity, detail: `${what}: the expected output is all zeros (or NaN); pick inputs or weights that exercise the model` };
  const bound = PREDICTION_TOLERANCE.rel * scale;
  let worst = 0;
  let at = 0;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i]! - want[i]!);
    const frac = Number.isNaN(err) ? Infinity : err / bound;
    if (frac > worst) {
      worst = frac;
      at = i;
    }
  }
  return {
    worst,
    detail: `${what}: worst element ${at}: got ${fmt(got[at]!)}, expected ${fmt(want[at]!)}, ${fmt(worst)} of the bound ${PREDICTION_TOLERANCE.rel}·max|expected| = ${fmt(bound)}`,
  };
}
