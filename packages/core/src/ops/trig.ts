// tan, asin, acos, atan, atan2 as composites of the unary kernels (there is no
// kernel for them). atan is Cephes' atanf: range reduction to |r| ≤ tan(π/8)
// (r = −1/x beyond tan(3π/8), (x − 1)/(x + 1) between) and a degree-9 odd
// minimax polynomial (relative error 1.9e-7 in exact arithmetic); asin, acos
// and atan2 reduce to it. Measured on backend-ts (dense sweeps, including
// the ends of the domains): tan ≤ 1.9 ULP, atan 2.7, asin 3.5, acos 3.1,
// atan2 2.8; the conformance bounds are about twice that. Each records its
// closed-form gradient (custom_grad.ts): through the branches' `where`s and
// the polynomial, autodiff would give NaN (0·∞ in an unselected branch) or
// the polynomial's less accurate derivative.
import { ENGINE } from '../engine/engine.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { broadcastShapes } from '../util/shape.js';
import { add, div, mul, sub } from './binary.js';
import { equal, greater, less, logicalAnd, logicalOr } from './compare.js';
import { assertDType, withTensors } from './convert.js';
import { unaryWithGradient, withGradient } from './with_gradient.js';
import { sumToShape } from './sum_to_shape.js';
import { abs, cos, isInf, logicalNot, neg, reciprocal, rsqrt, sign, sin, sqrt, square } from './unary.js';
import { where } from './where.js';

const PIO2 = Math.PI / 2;
const PIO4 = Math.PI / 4;
const TAN_3PI_8 = 2.414213562373095;
const TAN_PI_8 = 0.414213562373095;

/** atan(a) for a ≥ 0 (or NaN): Cephes atanf's reduction and polynomial. */
function atanNonNegative(a: Tensor): Tensor {
  const big = greater(a, TAN_3PI_8);
  const mid = logicalAnd(greater(a, TAN_PI_8), logicalNot(big));
  const r = where(big, neg(reciprocal(a)), where(mid, div(sub(a, 1), add(a, 1)), a));
  const offset = where(big, PIO2, where(mid, PIO4, 0));
  const z = square(r);
  let p = mul(z, 8.05374449538e-2);
  for (const c of [-1.38776856032e-1, 1.99777106478e-1, -3.33329491539e-1]) p = mul(add(p, c), z);
  return add(offset, add(mul(p, r), r));
}

/**
 * tan(x) = sin(x) / cos(x), as tfjs's tan. float32. Within a few ULPs of
 * sin's and cos's error away from the poles (x near π/2 + kπ, where tan is
 * ill-conditioned). Gradient 1/cos²(x).
 * @example
 * tan(tensor([0, Math.PI / 4])) // [0, 1]
 */
export const tan = (x: TensorLike): Tensor =>
  unaryWithGradient(
    'tan',
    x,
    (t) => div(sin(t), cos(t)),
    (t) => reciprocal(square(cos(t))),
  );

/**
 * atan(x) in (−π/2, π/2), as tfjs's atan: atan(±Inf) = ±π/2, atan(−0) = −0.
 * float32, within 3 ULPs (Cephes atanf; see the file's comment). Gradient 1/(1 + x²).
 * @example
 * atan(tensor([1, -Infinity])) // [π/4, -π/2]
 */
export const atan = (x: TensorLike): Tensor =>
  unaryWithGradient(
    'atan',
    x,
    // sign(x)·atan(|x|) keeps −0 and NaN.
    (t) => mul(sign(t), atanNonNegative(abs(t))),
    (t) => reciprocal(add(square(t), 1)),
  );

/**
 * asin(x) in [−π/2, π/2] for x in [−1, 1] (NaN outside), as tfjs's asin:
 * atan(x / √((1 − x)(1 + x))). float32. Gradient 1/√(1 − x²).
 * @example
 * asin(tensor([0.5, -1])) // [π/6, -π/2]
 */
export const asin = (x: TensorLike): Tensor =>
  unaryWithGradient(
    'asin',
    x,
    (t) => {
      const a = abs(t);
      return mul(sign(t), atanNonNegative(div(a, sqrt(mul(sub(1, a), add(a, 1))))));
    },
    (t) => rsqrt(mul(sub(1, t), add(t, 1))),
  );

/**
 * acos(x) in [0, π] for x in [−1, 1] (NaN outside), as tfjs's acos:
 * 2·atan(√((1 − x)/(1 + x))), accurate near both ends. float32. Gradient −1/√(1 − x²).
 * @example
 * acos(tensor([1, 0, -1])) // [0, π/2, π]
 */
export const acos = (x: TensorLike): Tensor =>
  unaryWithGradient(
    'acos',
    x,
    (t) => mul(atanNonNegative(sqrt(div(sub(1, t), add(t, 1)))), 2),
    (t) => neg(rsqrt(mul(sub(1, t), add(t, 1)))),
  );

/** x < 0, or x is −0: the sign bit (1/−0 = −∞ tells −0 from +0). */
const signBit = (x: Tensor): Tensor => logicalOr(less(x, 0), less(reciprocal(x), 0));

/**
 * The angle of the point (b, a) in [−π, π], as tfjs's atan2(a, b) (IEEE's
 * atan2(y = a, x = b)) with broadcasting: every quadrant, ±0 (atan2(±0, −0) =
 * ±π, atan2(±0, +0) = ±0) and ±Inf (atan2(±Inf, −Inf) = ±3π/4). float32,
 * within 4 ULPs. Gradients b/(a² + b²) and −a/(a² + b²).
 * @example
 * atan2(tensor([1, 1, -1]), tensor([1, -1, -1])) // [π/4, 3π/4, -3π/4]
 */
export function atan2(a: TensorLike, b: TensorLike): Tensor {
  const hint = a instanceof Tensor ? a.dtype : b instanceof Tensor ? b.dtype : undefined;
  return withTensors(
    'atan2',
    { a, b },
    ({ a: y, b: x }) => {
      assertDType('atan2', 'a', y, ['float32']);
      assertDType('atan2', 'b', x, ['float32']);
      broadcastShapes('atan2', y.shape, x.shape);
      return withGradient(
        'atan2',
        [y, x],
        () => {
          // atan of min(|a|, |b|)/max(|a|, |b|) ∈ [0, 1], then reflected into its octant and quadrant.
          const ay = abs(y);
          const ax = abs(x);
          const swap = greater(ay, ax);
          const bothInf = logicalAnd(isInf(ay), isInf(ax));
          const ratio = where(swap, div(ax, ay), div(ay, ax));
          // 0/0 (both zero) counts as angle 0 and ∞/∞ as π/4; the quadrant rules below do the rest.
          const r = where(bothInf, 1, where(logicalAnd(equal(ay, 0), equal(ax, 0)), 0, ratio));
          let theta = atanNonNegative(r);
          theta = where(swap, sub(PIO2, theta), theta);
          theta = where(signBit(x), sub(Math.PI, theta), theta);
          return where(signBit(y), neg(theta), theta);
        },
        (dy, { inputs }) => {
          const [yy, xx] = [inputs[0]!, inputs[1]!];
          const scaled = (num: Tensor, s: number): Tensor => mul(div(mul(dy, num), add(square(yy), square(xx))), s);
          return [() => ENGINE.tidy(() => sumToShape(scaled(xx, 1), yy.shape)), () => ENGINE.tidy(() => sumToShape(scaled(yy, -1), xx.shape))];
        },
      );
    },
    hint,
  );
}
