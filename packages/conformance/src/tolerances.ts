import type { BackendNumerics, Tolerance } from '@polytensor/core';
import { toleranceOf as kernelTolerance } from '@polytensor/core';
import { U } from './float.js';

/**
 * How each op's output is judged: the tolerance classes and per-op bounds live
 * in core's kernel table (`KERNELS[k].tolerance`, `toleranceOf(op)`; the
 * classes are documented in core's kernels/tolerance.ts). This module keeps
 * what the suite adds: the gradient and training tolerances, and the bounds
 * after a backend's declared numerics.
 */
export type { ErrorClass, Tolerance } from '@polytensor/core';

/** The tolerance of an op (a sub-op such as 'exp' or a kernel such as 'matMul'); throws for an unknown op. */
export function toleranceOf(op: string): Tolerance {
  const t = kernelTolerance(op);
  if (!t) throw new Error(`conformance: core's kernel table has no tolerance for '${op}'`);
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
    const t = kernelTolerance(op);
    const base = t?.class === 'ulp' ? (t.ulp ?? 0) : t?.class === 'correctly-rounded' ? arithmeticUlp : 0;
    const withArith = op === 'squaredDifference' && arithmeticUlp > 0 ? base + 3 * arithmeticUlp : base;
    const d = declared[op];
    return d !== undefined && d > withArith ? d : withArith;
  };
  const notesFor = (op: string): string[] => {
    const notes: string[] = [];
    const t = kernelTolerance(op);
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
