import type { BackendNumerics } from '@polytensor/core';
import { FLT_MIN, U } from './float.js';

/**
 * How each kernel's output is judged (DESIGN §4).
 *
 * - `exact`: bit-identical to the reference rounded to the output dtype. NaN
 *   matches NaN (any payload). −0 vs +0 is distinguished where `signedZero`.
 * - `correctly-rounded`: the IEEE float32 result (the reference computed in
 *   float64 and rounded once, which is the correctly rounded result for
 *   + − × ÷ √). Bit-identical unless the backend declares
 *   `numerics.arithmeticUlp`, which becomes the ULP bound.
 * - `ulp`: |got − ref| / ulp32(max(|ref|, floor)) ≤ `ulp`, against the unrounded
 *   float64 reference; a backend may declare a larger per-op bound in
 *   `numerics.transcendentalUlp`.
 * - `accumulation`: each element within γ_n · Σ|term|, γ_n = n·u/(1 − n·u),
 *   u = 2^-24, n = number of terms; the observed error is reported as a
 *   fraction of that bound.
 * - `product`: prod, relative: |got − ref| ≤ γ_n · |ref|.
 * - `softmax`: a per-element bound derived from the computation (see
 *   `softmaxBound`); reported as a fraction of the bound.
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
  /** Where the random inputs come from (for the report and the README). */
  readonly domain?: string;
  readonly note?: string;
}

const exact = (signedZero = false, note?: string): Tolerance => ({ class: 'exact', signedZero, ...(note ? { note } : {}) });
const cr: Tolerance = { class: 'correctly-rounded', signedZero: true };
const ulp = (n: number, domain: string, floor = FLT_MIN, note?: string): Tolerance => ({
  class: 'ulp',
  ulp: n,
  floor,
  domain,
  ...(note ? { note } : {}),
});
const acc = (note?: string): Tolerance => ({ class: 'accumulation', ...(note ? { note } : {}) });

/** The tolerance of every kernel the suite checks (rows of the report). */
export const TOLERANCES = {
  // unary
  neg: exact(true, 'neg(+0) = -0'),
  abs: exact(true, 'abs(-0) = +0'),
  sign: exact(true, 'sign(±0) = ±0, sign(NaN) = NaN'),
  relu: exact(true, 'relu(-0) = +0, relu(NaN) = NaN'),
  floor: exact(),
  ceil: exact(),
  round: exact(false, 'half to even'),
  logicalNot: exact(),
  isNaN: exact(),
  isInf: exact(),
  isFinite: exact(),
  sqrt: cr,
  square: cr,
  reciprocal: cr,
  exp: ulp(2, '[-87, 88] and ±Inf, NaN'),
  expm1: ulp(2, '[-87, 88], tiny |x|'),
  log: ulp(2, '(0, FLT_MAX], subnormals, 0, <0'),
  log1p: ulp(2, '(-1, 1e30], tiny |x|'),
  rsqrt: ulp(2, '(0, FLT_MAX]'),
  sigmoid: ulp(3, '[-80, 80]'),
  tanh: ulp(3, '[-20, 20], tiny |x|'),
  elu: ulp(3, '[-30, 30]'),
  softplus: ulp(3, '[-80, 80]'),
  sin: ulp(3, '[-32, 32]', 2 ** -14, 'ill-conditioned near its zeros: below 2^-14 measured in ULPs of 2^-14'),
  cos: ulp(3, '[-32, 32]', 2 ** -14, 'ill-conditioned near its zeros: below 2^-14 measured in ULPs of 2^-14'),
  // binary
  add: cr,
  sub: cr,
  mul: cr,
  div: cr,
  pow: ulp(4, 'x in [2^-4, 16], y in [-6, 6]; results normal'),
  squaredDifference: ulp(3, 'float32: ±[2^-8, 2^8]', FLT_MIN, 'two roundings (a−b, then square) allowed; int32 exact'),
  maximum: exact(false, 'NaN propagates'),
  minimum: exact(false, 'NaN propagates'),
  equal: exact(),
  notEqual: exact(),
  less: exact(),
  lessEqual: exact(),
  greater: exact(),
  greaterEqual: exact(),
  logicalAnd: exact(),
  logicalOr: exact(),
  where: exact(true),
  cast: exact(true, 'float→int truncates; →bool is x != 0'),
  // reductions
  sum: acc('int32 exact (wraps)'),
  prod: { class: 'product', note: 'relative: γ_n·|ref|; int32 exact (wraps)' } as Tolerance,
  max: exact(false, 'NaN propagates'),
  min: exact(false, 'NaN propagates'),
  argMax: exact(false, 'first index; NaN is the max'),
  argMin: exact(false, 'first index; NaN is the min'),
  // movement
  transpose: exact(true),
  slice: exact(true),
  concat: exact(true),
  pad: exact(true),
  gather: exact(true),
  scatterAdd: acc('int32 exact (wraps)'),
  oneHot: exact(true, 'out-of-range rows are all offValue'),
  // linear algebra / conv / pool
  matMul: acc(),
  fusedMatMul: acc('bound propagated through the activation (+ its ULP bound)'),
  conv2d: acc(),
  conv2dBackpropInput: acc(),
  conv2dBackpropFilter: acc(),
  maxPool: exact(false, 'padding ignored'),
  maxPoolGrad: acc('routed to the first max'),
  avgPool: acc('divides by the count of real cells; n+1 terms'),
  avgPoolGrad: acc('n+1 terms'),
  softmax: { class: 'softmax' } as Tolerance,
  logSoftmax: { class: 'softmax' } as Tolerance,
  // storage
  storage: exact(true, 'write/read round trip, numDataIds, memory'),
} as const satisfies Record<string, Tolerance>;

export type KernelName = keyof typeof TOLERANCES;

export function toleranceOf(kernel: string): Tolerance {
  const t = (TOLERANCES as Record<string, Tolerance>)[kernel];
  if (!t) throw new Error(`conformance: no tolerance for kernel '${kernel}'`);
  return t;
}

/**
 * Gradient checks: each element of a gradient computed through core's autodiff
 * on the backend must satisfy
 *   |g − g_ref| ≤ rtol·|g_ref| + atol·max|g_ref| + abs
 * where g_ref is the float64 reference gradient (Richardson-extrapolated central
 * differences of the float64 reference forward).
 */
export const GRADIENT_TOLERANCE = { rtol: 1e-3, atol: 1e-4, abs: 1e-6 } as const;

export interface GradientTolerance {
  readonly rtol: number;
  readonly atol: number;
  readonly abs: number;
}

/**
 * Gradients in saturated and tiny regions (expm1 near −1, sigmoid near 1,
 * tanh near ±1, log near 0 …): relative to each element alone,
 * |g − g_ref| ≤ 10⁻⁴·|g_ref|. The default's `max|g|` and absolute terms would
 * pass a gradient of 0 where the true one is 1e-8; a float32 computation from
 * the input (not from a rounded output) is within a few ULPs (~10⁻⁶).
 */
export const REGION_GRADIENT_TOLERANCE: GradientTolerance = { rtol: 1e-4, atol: 0, abs: 1e-30 };

/**
 * Training equivalence: the loss after every step within
 * `abs + rel·|loss_ref|` of the float64 loop, and the same final accuracy.
 */
export const TRAINING_TOLERANCE = { abs: 1e-4, rel: 1e-4 } as const;

/** What the suite assumes of a backend once its declarations are applied. */
export interface EffectiveNumerics {
  readonly flushesSubnormals: boolean;
  readonly arithmeticUlp: number;
  /** Unit roundoff used in accumulation bounds: u, scaled when arithmetic is declared inexact. */
  readonly u: number;
  /** The ULP bound of a `ulp`-class op, after the backend's declaration. */
  ulpBound(op: string): number;
  /** Notes for the report ('declares exp ≤ 4 ULP (suite 2)'). */
  notesFor(op: string): string[];
}

export function effectiveNumerics(numerics: BackendNumerics | undefined): EffectiveNumerics {
  const flushesSubnormals = numerics?.flushesSubnormals === true;
  const arithmeticUlp = numerics?.arithmeticUlp ?? 0;
  const declared = numerics?.transcendentalUlp ?? {};
  const u = arithmeticUlp > 0 ? U * Math.max(1, 2 * arithmeticUlp) : U;
  const ulpBound = (op: string): number => {
    const t = (TOLERANCES as Record<string, Tolerance>)[op];
    const base = t?.class === 'ulp' ? (t.ulp ?? 0) : t?.class === 'correctly-rounded' ? arithmeticUlp : 0;
    const withArith = op === 'squaredDifference' && arithmeticUlp > 0 ? base + 3 * arithmeticUlp : base;
    const d = declared[op];
    return d !== undefined && d > withArith ? d : withArith;
  };
  const notesFor = (op: string): string[] => {
    const notes: string[] = [];
    const t = (TOLERANCES as Record<string, Tolerance>)[op];
    const d = declared[op];
    if (d !== undefined && t?.class === 'ulp' && d > (t.ulp ?? 0)) notes.push(`declares ≤ ${d} ULP (suite ${t.ulp})`);
    if (d !== undefined && t?.class === 'softmax' && d > 0) notes.push(`declares ≤ ${d} ULP on top of the derived bound`);
    if (t?.class === 'correctly-rounded' && arithmeticUlp > 0) notes.push(`declares arithmetic ≤ ${arithmeticUlp} ULP`);
    if ((t?.class === 'accumulation' || t?.class === 'product' || t?.class === 'softmax') && arithmeticUlp > 0) {
      notes.push(`u scaled for declared arithmetic ${arithmeticUlp} ULP`);
    }
    if (flushesSubnormals) notes.push('flushes subnormals');
    return notes;
  };
  return { flushesSubnormals, arithmeticUlp, u, ulpBound, notesFor };
}
