/**
 * The correctness gate: an implementation's output is compared with a float64
 * reference before it is timed. Rules follow docs/design.md §5 and the conformance
 * suite's tolerances:
 *
 * - accumulations (matMul, conv2d and its gradients, sum): each element within
 *   γ_n·Σ|terms|, γ_n = n·u/(1 − n·u), u = 2^-24 (any summation order);
 * - add: correctly rounded (bit-identical to the float64 sum rounded once);
 * - exp: ≤ 2 ULP;
 * - softmax: the conformance suite's derived per-element bound;
 * - model steps and inference: stated tolerances (see `TRAIN_TOLERANCE`, `INFER_TOLERANCE`).
 *
 * GPU implementations (WebGL, gpu.js, WebGPU) get docs/design.md §5's GPU allowance:
 * arithmetic ≤ 1 ULP (u doubled in the accumulation bounds) and 2 more ULP on
 * transcendentals, or, for exp, what the shading language itself promises where that is
 * larger (GLSL ES 3.00, "Range and Precision", and WGSL's accuracy table: exp(x) within 3 + 2·|x| ULP).
 */
import { ulp32, ulpDistance32 } from '@polytensor/conformance';
import type { GateResult } from './types.js';

export const U = 2 ** -24;
const FLT_TRUE_MIN = 2 ** -149;

export interface Numerics {
  /** Unit roundoff used in accumulation bounds. */
  u: number;
  /** ULPs allowed on correctly rounded arithmetic (+ − × ÷). */
  arithUlp: number;
  /** ULPs allowed on exp(x). */
  expUlp(x: number): number;
  /** How the exp bound reads in a report. */
  expUlpText: string;
  gpu: boolean;
}

export const CPU_NUMERICS: Numerics = { u: U, arithUlp: 0, expUlp: () => 2, expUlpText: '2 ULP', gpu: false };
export const GPU_NUMERICS: Numerics = {
  u: 2 * U,
  arithUlp: 1,
  expUlp: (x) => Math.max(4, 3 + 2 * Math.abs(x)),
  expUlpText: 'max(2 + 2, 3 + 2·|x|) ULP: GPU allowance or GLSL ES 3.00 / WGSL',
  gpu: true,
};

/** Backends whose arithmetic runs on a GPU. */
export const numericsFor = (backend: string): Numerics => (backend === 'webgl' || backend === 'gpujs' || backend === 'webgpu' ? GPU_NUMERICS : CPU_NUMERICS);

/**
 * Training step: loss within abs + rel·|loss_ref| of the float64 step (the
 * conformance suite's TRAINING_TOLERANCE), and every updated weight within
 * `update` × (the largest |update| of the reference step) of the reference.
 */
export const TRAIN_TOLERANCE = { abs: 1e-4, rel: 1e-4, update: 1e-3 } as const;

/** Fraction of weights an Adam step may get wrong through ReLU ties (see trainingGate). */
export const ADAM_FLIP_ALLOWANCE = 1e-3;

/** Inference: every output within rel × max|ref| of the float64 forward pass. */
export const INFER_TOLERANCE = { rel: 1e-4 } as const;

export function gamma(n: number, u: number): number {
  const nu = n * u;
  return nu >= 1 ? Infinity : nu / (1 - nu);
}

const fmt = (x: number): string => (Number.isFinite(x) ? x.toPrecision(3) : String(x));

function lengthMismatch(rule: string, got: number, want: number): GateResult {
  return { passed: false, rule, worst: Infinity, detail: `output has ${got} values, the reference ${want}` };
}

/**
 * |got − ref| ≤ γ_n·Σ|terms| per element. `absSum[i]` is Σ|terms| of element i;
 * `n` is the largest number of terms (the bound for fewer terms is smaller, so
 * using the largest n is conservative toward passing by at most a factor n/n_i).
 */
export function accumulationGate(got: ArrayLike<number>, ref: Float64Array, absSum: Float64Array, n: number, num: Numerics, what: string): GateResult {
  if (got.length !== ref.length) return lengthMismatch('accumulation', got.length, ref.length);
  const g = gamma(n, num.u);
  let worst = 0;
  let at = 0;
  for (let i = 0; i < ref.length; i++) {
    const err = Math.abs(got[i]! - ref[i]!);
    const bound = g * absSum[i]! + 2 * FLT_TRUE_MIN;
    const frac = Number.isNaN(err) ? Infinity : err / bound;
    if (frac > worst) {
      worst = frac;
      at = i;
    }
  }
  return {
    passed: worst <= 1,
    rule: 'accumulation',
    worst,
    detail: `${what}: worst element ${at} at ${fmt(worst)} of γ_${n}·Σ|terms| (u=${num.u === U ? '2^-24' : '2^-23'}); got ${fmt(got[at]!)}, ref ${fmt(ref[at]!)}`,
  };
}

/**
 * ULP distance from the float64 reference: correctly rounded where the bound
 * is 0, else within `maxUlp(i)` ULP of the unrounded value.
 */
export function ulpGate(got: ArrayLike<number>, ref: Float64Array, maxUlp: number | ((i: number) => number), what: string, boundText?: string): GateResult {
  if (got.length !== ref.length) return lengthMismatch('ulp', got.length, ref.length);
  const bound = typeof maxUlp === 'number' ? (): number => maxUlp : maxUlp;
  let worst = 0;
  let worstUlp = 0;
  let at = 0;
  let exact = true;
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i]!;
    const b = bound(i);
    let frac: number;
    let d: number;
    if (b === 0) {
      d = ulpDistance32(got[i]!, r);
      frac = d === 0 ? 0 : Infinity;
    } else {
      exact = false;
      // as the conformance suite measures it: |got − ref| in ULPs of the unrounded reference
      const e = Math.abs(got[i]! - r);
      d = Number.isNaN(e) ? (Number.isNaN(r) && Number.isNaN(got[i]!) ? 0 : Infinity) : e === 0 ? 0 : e / ulp32(r);
      frac = d / b;
    }
    if (frac > worst || (worst === 0 && d > worstUlp)) {
      worst = frac;
      worstUlp = d;
      at = i;
    }
  }
  return {
    passed: worst <= 1,
    rule: 'ulp',
    worst: exact ? worstUlp : worst,
    detail: exact
      ? `${what}: must be correctly rounded; worst ${worstUlp} ULP at element ${at}`
      : `${what}: worst element ${at} at ${fmt(worstUlp)} ULP = ${fmt(worst)} of its bound (${boundText ?? `${bound(at)} ULP`})`,
  };
}

/**
 * softmax over rows of length n: the conformance suite's first-order bound
 * |p̂ − p| ≤ 2u·(|d| + R + 4E + n + 2)·p (d = x − rowMax, R = the row's max |d|,
 * E = exp's ULP bound at −R), plus arithmetic ULPs declared for GPUs.
 */
export function softmaxGate(got: ArrayLike<number>, x: Float32Array, n: number, num: Numerics): GateResult {
  if (got.length !== x.length) return lengthMismatch('softmax', got.length, x.length);
  let worst = 0;
  let at = 0;
  let refAt = 0;
  const rows = x.length / n;
  const d = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    let m = -Infinity;
    for (let j = 0; j < n; j++) m = Math.max(m, x[base + j]!);
    let s = 0;
    let R = 0;
    for (let j = 0; j < n; j++) {
      d[j] = x[base + j]! - m;
      s += Math.exp(d[j]!);
      R = Math.max(R, Math.abs(d[j]!));
    }
    for (let j = 0; j < n; j++) {
      const p = Math.exp(d[j]!) / s;
      const bound = 2 * num.u * (Math.abs(d[j]!) + R + 4 * num.expUlp(R) + n + 2) * p + 2 * FLT_TRUE_MIN + num.arithUlp * ulp32(p);
      const err = Math.abs(got[base + j]! - p);
      const frac = Number.isNaN(err) ? Infinity : err / bound;
      if (frac > worst) {
        worst = frac;
        at = base + j;
        refAt = p;
      }
    }
  }
  return {
    passed: worst <= 1,
    rule: 'softmax',
    worst,
    detail: `softmax rows of ${n}: worst element ${at} at ${fmt(worst)} of the derived bound; got ${fmt(got[at]!)}, ref ${fmt(refAt)}`,
  };
}

/** max |got − ref| ≤ rel·max|ref|. */
export function relativeToMaxGate(got: ArrayLike<number>, ref: Float64Array, rel: number, what: string): GateResult {
  if (got.length !== ref.length) return lengthMismatch('tolerance', got.length, ref.length);
  let scale = 0;
  for (let i = 0; i < ref.length; i++) scale = Math.max(scale, Math.abs(ref[i]!));
  let err = 0;
  for (let i = 0; i < ref.length; i++) {
    const e = Math.abs(got[i]! - ref[i]!);
    err = Number.isNaN(e) ? Infinity : Math.max(err, e);
  }
  const worst = err / (rel * scale || Number.MIN_VALUE);
  return { passed: worst <= 1, rule: 'tolerance', worst, detail: `${what}: max error ${fmt(err)} = ${fmt(worst)} of ${rel}·max|ref| (${fmt(scale)})` };
}

/**
 * One training step: the loss and every updated weight against the float64 step.
 * `allowFraction` of the weights may exceed the bound (Adam: its first step is
 * ≈ lr·sign(g), so a ReLU whose input is within rounding of 0 can switch a
 * whole weight column between ±lr and 0; such ties are float32 facts, not bugs).
 */
export function trainingGate(
  loss: number,
  weights: readonly ArrayLike<number>[],
  refLoss: number,
  refWeights: readonly Float64Array[],
  initial: readonly Float32Array[],
  allowFraction = 0,
): GateResult {
  if (weights.length !== refWeights.length) {
    return { passed: false, rule: 'training', worst: Infinity, detail: `${weights.length} weight tensors, the reference has ${refWeights.length}` };
  }
  const lossBound = TRAIN_TOLERANCE.abs + TRAIN_TOLERANCE.rel * Math.abs(refLoss);
  const lossErr = Math.abs(loss - refLoss);
  const lossFrac = Number.isNaN(lossErr) ? Infinity : lossErr / lossBound;
  let maxUpdate = 0;
  let total = 0;
  refWeights.forEach((w, k) => {
    const w0 = initial[k]!;
    total += w.length;
    for (let i = 0; i < w.length; i++) maxUpdate = Math.max(maxUpdate, Math.abs(w[i]! - w0[i]!));
  });
  const wBound = TRAIN_TOLERANCE.update * maxUpdate || Number.MIN_VALUE;
  const fracs = new Float64Array(total);
  let j = 0;
  for (let k = 0; k < refWeights.length; k++) {
    const r = refWeights[k]!;
    const w = weights[k]!;
    if (w.length !== r.length) {
      return { passed: false, rule: 'training', worst: Infinity, detail: `weight ${k} has ${w.length} values, the reference ${r.length}` };
    }
    for (let i = 0; i < r.length; i++) {
      const e = Math.abs(w[i]! - r[i]!) / wBound;
      fracs[j++] = Number.isNaN(e) ? Infinity : e;
    }
  }
  const allowed = Math.floor(allowFraction * total);
  let beyond = 0;
  for (let i = 0; i < total; i++) if (fracs[i]! > 1) beyond++;
  fracs.sort();
  const worstAll = total ? fracs[total - 1]! : 0;
  const worstW = total > allowed ? fracs[total - 1 - allowed]! : 0;
  const worst = Math.max(lossFrac, worstW);
  const allowance = allowed > 0 ? `, ${allowed} (${(allowFraction * 100).toPrecision(2)}%) may exceed it` : '';
  return {
    passed: worst <= 1,
    rule: 'training',
    worst,
    detail:
      `loss ${fmt(loss)} vs ${fmt(refLoss)} (${fmt(lossFrac)} of ${TRAIN_TOLERANCE.abs}+${TRAIN_TOLERANCE.rel}·|loss|); ` +
      `weights: ${beyond} of ${total} beyond ${TRAIN_TOLERANCE.update}·max|update| (${fmt(maxUpdate)})${allowance}; worst ${fmt(worstAll)} of it`,
  };
}
