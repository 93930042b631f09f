// erf in two ranges. |x| < 1: x·T(x²), Cephes erff's degree-6 polynomial
// (relative error about 1e-7). |x| ≥ 1: 1 − erfc(|x|), erfc by the Chebyshev
// fit of Numerical Recipes' erfcc, t·exp(−x² − 1.26551223 + t·P(t)) with
// t = 1/(1 + |x|/2) (relative error below 1.2e-7 on erfc, which is ≤ 0.16
// here, so well under an ULP of erf). Measured on backend-ts: erf ≤ 2.3 ULP.
// erfc (internal, for gelu) takes the same pieces; its relative error grows
// as x²·u in the tail (the rounding of x² in e^(−x²)). The gradients are the
// closed forms ±2/√π·e^(−x²) (custom_grad.ts).
import { ENGINE } from '../engine/engine.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { add, div, mul, sub } from './binary.js';
import { less } from './compare.js';
import { unaryWithGradient, withGradient } from './with_gradient.js';
import { abs, exp, neg, sign, square } from './unary.js';
import { where } from './where.js';

const T = [
  7.853861353153693e-5, -8.010193625184903e-4, 5.188327685732524e-3, -2.685381193529856e-2, 1.128358514861418e-1, -3.76126258242333e-1, 1.12837916572671,
];
const ERFC = [0.17087277, -0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806, 0.09678418, 0.37409196, 1.00002368, -1.26551223];

/** Horner: ((c0·v + c1)·v + …) + c_last. */
function horner(v: Tensor, cs: readonly number[]): Tensor {
  let p = mul(v, cs[0]!);
  for (let i = 1; i < cs.length - 1; i++) p = mul(add(p, cs[i]!), v);
  return add(p, cs[cs.length - 1]!);
}

/** erfc(|x|) for |x| ≥ 1 (Numerical Recipes' erfcc), and x·T(x²) for |x| < 1. */
function parts(t: Tensor): { small: Tensor; tail: Tensor; a: Tensor } {
  const a = abs(t);
  const small = mul(t, horner(square(t), T));
  const u = div(1, add(mul(a, 0.5), 1));
  const tail = mul(u, exp(add(sub(mul(horner(u, ERFC.slice(0, -1)), u), square(a)), ERFC[ERFC.length - 1]!)));
  return { small, tail, a };
}

/**
 * The error function, as tfjs's erf: erf(±Inf) = ±1, erf(−0) = −0, NaN
 * stays NaN. float32, within 3 ULPs (see the file's comment). Gradient 2/√π·e^(−x²).
 * @example
 * erf(tensor([0, 0.5, -2])) // [0, 0.5205, -0.9953]
 */
export function erf(x: TensorLike): Tensor {
  return unaryWithGradient(
    'erf',
    x,
    (t) => {
      const { small, tail, a } = parts(t);
      return where(less(a, 1), small, mul(sign(t), sub(1, tail)));
    },
    (t) => mul(exp(neg(square(t))), 2 / Math.sqrt(Math.PI)),
  );
}

/**
 * 1 − erf(x) without the cancellation of that difference for large x (gelu's
 * Φ(x) = erfc(−x/√2)/2 for negative x). Internal: tfjs has no erfc. float32.
 */
export function erfc(t: Tensor): Tensor {
  return withGradient(
    'erfc',
    [t],
    () => {
      const { small, tail, a } = parts(t);
      return where(less(a, 1), sub(1, small), where(less(t, 0), sub(2, tail), tail));
    },
    (dy, { inputs }) => [() => ENGINE.tidy(() => mul(dy, mul(exp(neg(square(inputs[0]!))), -2 / Math.sqrt(Math.PI))))],
  );
}
