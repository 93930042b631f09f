import type { DType, FusedActivation } from '@polytensor/core';
import type { Judgement } from '../compare.js';
import { FLT_MIN, FLT_TRUE_MIN, gamma, ulp32 } from '../float.js';
import type { Accumulated } from '../reference/index.js';
import { toleranceOf, type EffectiveNumerics } from '../tolerances.js';

/** The judgement for an elementwise kernel's output, from the tolerance table and the backend's declarations. */
export function judgeFor(kernel: string, num: EffectiveNumerics, outDType: DType): Judgement {
  const t = toleranceOf(kernel);
  if (outDType !== 'float32') return { kind: 'exact', signedZero: false };
  switch (t.class) {
    case 'exact':
      return { kind: 'exact', signedZero: t.signedZero === true };
    case 'correctly-rounded':
      // a declared k-ULP arithmetic is k ULP from the correctly rounded value: ≤ k + 0.5 from the exact one
      return num.arithmeticUlp > 0 ? { kind: 'ulp', ulps: num.arithmeticUlp + 0.5, floor: FLT_MIN } : { kind: 'exact', signedZero: true };
    case 'ulp':
      return { kind: 'ulp', ulps: num.ulpBound(kernel), floor: t.floor ?? FLT_MIN };
    default:
      throw new Error(`judgeFor: ${kernel} is ${t.class}, not elementwise`);
  }
}

/**
 * γ_n · Σ|term| per element (n+extra terms). A backend that flushes subnormals
 * may lose up to FLT_MIN per term as well.
 */
export function accumulationBound(a: Accumulated, num: EffectiveNumerics, extraTerms = 0): Float64Array {
  const b = new Float64Array(a.terms.length);
  for (let i = 0; i < b.length; i++) {
    const n = a.terms[i]! + extraTerms;
    const g = gammaU(n, num.u);
    b[i] = g * a.absSum[i]! + (num.flushesSubnormals ? n * FLT_MIN : 0);
    // the final result is a float32: allow its rounding even when γ·Σ underflows
    if (b[i]! > 0 && b[i]! < FLT_TRUE_MIN) b[i] = FLT_TRUE_MIN;
  }
  return b;
}

/** γ_n computed with a (possibly scaled) unit roundoff. */
export function gammaU(n: number, u: number): number {
  if (u === 2 ** -24) return gamma(n);
  const nu = n * u;
  return nu >= 1 ? Infinity : nu / (1 - nu);
}

/** The judgement for an accumulation (int32 results are exact: they wrap). */
export function accumulationJudge(a: Accumulated, num: EffectiveNumerics, extraTerms = 0): Judgement {
  if (a.out.dtype !== 'float32') return { kind: 'exact', signedZero: false };
  return { kind: 'bound', bound: accumulationBound(a, num, extraTerms) };
}

/**
 * prod's bound: relative, γ_n·|ref| (each multiplication rounds once, relative
 * to the result), plus the subnormal quantum a result below FLT_MIN may round
 * by (FLT_MIN when the backend flushes). int32 results are exact (they wrap).
 */
export function productJudge(a: Accumulated, num: EffectiveNumerics): Judgement {
  if (a.out.dtype !== 'float32') return { kind: 'exact', signedZero: false };
  const b = new Float64Array(a.terms.length);
  for (let i = 0; i < b.length; i++) {
    b[i] = gammaU(a.terms[i]!, num.u) * Math.abs(a.out.values[i]!) + (num.flushesSubnormals ? FLT_MIN : FLT_TRUE_MIN);
  }
  return { kind: 'bound', bound: b };
}

/** Each fused activation's Lipschitz constant and the unary op whose ULP bound it adds. */
const ACTIVATION_BOUND: Readonly<Record<FusedActivation, { readonly lipschitz: number; readonly op: 'sigmoid' | 'tanh' | null }>> = {
  linear: { lipschitz: 1, op: null },
  relu: { lipschitz: 1, op: null },
  sigmoid: { lipschitz: 0.25, op: 'sigmoid' },
  tanh: { lipschitz: 1, op: 'tanh' },
};

/**
 * act(linear + bias) (fusedMatMul, fusedConv2d): the linear part's
 * accumulation bound (the bias one more term) carried through the activation
 * (times its Lipschitz constant), plus the activation's own ULP bound.
 */
export function fusedJudge(a: Accumulated, act: FusedActivation, num: EffectiveNumerics): Judgement {
  const lin = accumulationBound(a, num);
  const { lipschitz, op } = ACTIVATION_BOUND[act];
  const ulps = op ? num.ulpBound(op) : 0;
  const bound = new Float64Array(lin.length);
  for (let i = 0; i < lin.length; i++) bound[i] = lipschitz * lin[i]! + ulps * ulp32(a.out.values[i]!);
  return { kind: 'bound', bound };
}
