// sinh, cosh, asinh, acosh, atanh from exp, expm1, log and log1p, in the forms
// that avoid cancellation: sinh = (expm1(x) − expm1(−x))/2 (no 1 − 1 near 0),
// asinh by |x| with log1p, atanh = sign(x)·log1p(2|x|/(1 − |x|))/2; past |x| = 80 sinh and
// cosh use e^(|x|/2)·e^(|x|/2)/2 so they stay finite up to float32's max; asinh
// and acosh past 2^60 use log(|x|) + log 2 (x² would overflow). Each records its
// closed-form gradient (custom_grad.ts). Measured on backend-ts (dense sweeps):
// sinh and cosh ≤ 1.9 ULP, asinh 1.4, acosh 1.8, atanh 1.8.
import type { Tensor, TensorLike } from '../tensor.js';
import { add, div, mul, sub } from './binary.js';
import { greater } from './compare.js';
import { unaryWithGradient } from './with_gradient.js';
import { abs, exp, expm1, log, log1p, neg, reciprocal, rsqrt, sign, sqrt, square } from './unary.js';
import { where } from './where.js';

const BIG = 80;
const HUGE = 2 ** 60;

/** e^|x| / 2 without overflowing before the result does. */
function halfExpAbs(t: Tensor): Tensor {
  const h = exp(mul(abs(t), 0.5));
  return mul(h, mul(h, 0.5));
}

const sinhOf = (t: Tensor): Tensor => where(greater(abs(t), BIG), mul(sign(t), halfExpAbs(t)), mul(sub(expm1(t), expm1(neg(t))), 0.5));
const coshOf = (t: Tensor): Tensor => where(greater(abs(t), BIG), halfExpAbs(t), mul(add(exp(t), exp(neg(t))), 0.5));

/**
 * sinh(x), as tfjs's sinh, accurate near 0 (through expm1). float32. Gradient cosh(x).
 * @example
 * sinh(tensor([0, 1])) // [0, 1.1752]
 */
export const sinh = (x: TensorLike): Tensor => unaryWithGradient('sinh', x, sinhOf, coshOf);

/**
 * cosh(x), as tfjs's cosh. float32. Gradient sinh(x).
 * @example
 * cosh(tensor([0, 1])) // [1, 1.5431]
 */
export const cosh = (x: TensorLike): Tensor => unaryWithGradient('cosh', x, coshOf, sinhOf);

/**
 * asinh(x) = sign(x)·log1p(|x| + x²/(1 + √(1 + x²))), as tfjs's asinh, with
 * no cancellation for negative x. float32. Gradient 1/√(1 + x²).
 * @example
 * asinh(tensor([-1, 0, 1])) // [-0.8814, 0, 0.8814]
 */
export const asinh = (x: TensorLike): Tensor =>
  unaryWithGradient(
    'asinh',
    x,
    (t) => {
      const a = abs(t);
      const moderate = log1p(add(a, div(square(a), add(sqrt(add(square(a), 1)), 1))));
      return mul(sign(t), where(greater(a, HUGE), add(log(a), Math.LN2), moderate));
    },
    (t) => rsqrt(add(square(t), 1)),
  );

/**
 * acosh(x) for x ≥ 1 (NaN below), as tfjs's acosh: log1p(t + √(2t + t²))
 * with t = x − 1, accurate near 1. float32. Gradient 1/√(x² − 1).
 * @example
 * acosh(tensor([1, 2])) // [0, 1.3170]
 */
export const acosh = (x: TensorLike): Tensor =>
  unaryWithGradient(
    'acosh',
    x,
    (t) => {
      const u = sub(t, 1);
      const moderate = log1p(add(u, sqrt(add(mul(u, 2), square(u)))));
      return where(greater(t, HUGE), add(log(t), Math.LN2), moderate);
    },
    (t) => rsqrt(mul(sub(t, 1), add(t, 1))),
  );

/**
 * atanh(x) for x in [−1, 1] (±Inf at ±1, NaN outside), as tfjs's atanh:
 * sign(x)·log1p(2|x|/(1 − |x|))/2, accurate near 0 and near ±1. float32. Gradient 1/(1 − x²).
 * @example
 * atanh(tensor([0, 0.5])) // [0, 0.5493]
 */
export const atanh = (x: TensorLike): Tensor =>
  unaryWithGradient(
    'atanh',
    x,
    // By |x|: for x near −1, 2x/(1 − x) ≈ −1 would leave log1p only the rounding error of its distance from −1.
    (t) => {
      const a = abs(t);
      return mul(sign(t), mul(log1p(div(mul(a, 2), sub(1, a))), 0.5));
    },
    (t) => reciprocal(mul(sub(1, t), add(t, 1))),
  );
