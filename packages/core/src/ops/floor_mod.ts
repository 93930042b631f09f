// floorDiv and mod (floor division and its remainder, the remainder taking the
// divisor's sign), as tfjs's CPU backend: exact. float32: the quotient a/b
// floored, then corrected where it was rounded up to an integer (1 / 0.1f is
// 10 in float32, floor(1 / 0.1f) is 9): the remainder a − q·b is computed
// exactly (Dekker's product, b and q split into halves), and where it has the
// sign opposite to b, q is one too big. mod is exact while |a/b| < 2^24
// (beyond, the float32 quotient is not the floor, and mod is within an ULP of
// |a|) on correctly rounded arithmetic; within 1 ULP, within a few ULPs of |a|. int32: exact for |a| ≤ 2^24 (the float quotient corrected by
// one step of integer arithmetic); division by 0 gives 0.
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { broadcastShapes } from '../util/shape.js';
import { add, div, mul, sub } from './binary.js';
import { cast } from './cast.js';
import { equal, greaterEqual, less, logicalAnd, notEqual } from './compare.js';
import { assertDType, withTensors } from './convert.js';
import { abs, floor, isInf, isFinite as isFiniteOp } from './unary.js';
import { where } from './where.js';

function operands(op: string, a: TensorLike, b: TensorLike, body: (a: Tensor, b: Tensor) => Tensor): Tensor {
  const hint = a instanceof Tensor ? a.dtype : b instanceof Tensor ? b.dtype : undefined;
  return withTensors(
    op,
    { a, b },
    ({ a: ta, b: tb }) => {
      assertDType(op, 'a', ta, ['float32', 'int32']);
      if (ta.dtype !== tb.dtype) {
        throw new PolytensorError(`${op}: dtypes differ: a is ${ta.dtype}, b is ${tb.dtype}; cast one of them with cast(x, '${ta.dtype}')`);
      }
      broadcastShapes(op, ta.shape, tb.shape);
      return ENGINE.tidy(() => body(ta, tb));
    },
    hint,
  );
}

/** x = hi + lo with hi holding the upper 12 bits of the float32 significand (Veltkamp's split). */
function split(x: Tensor): [Tensor, Tensor] {
  const c = mul(x, 4097);
  const hi = sub(c, sub(c, x));
  return [hi, sub(x, hi)];
}

/**
 * float32 floor(a / b) and a − floor(a / b)·b, both exact: the floored
 * quotient q0, the remainder a − q0·b with q0·b's rounding error e added back
 * (Dekker), and q0 − 1 (the remainder + b) where q0 was one too big.
 */
function floatFloorDiv(a: Tensor, b: Tensor): { q: Tensor; r: Tensor } {
  const q0 = floor(div(a, b));
  const p = mul(q0, b);
  const [qh, ql] = split(q0);
  const [bh, bl] = split(b);
  const e = add(add(add(sub(mul(qh, bh), p), mul(qh, bl)), mul(ql, bh)), mul(ql, bl));
  // Where the split overflows (|q0| or |b| above 8e34) the quotient is exact anyway: no correction.
  const r = sub(sub(a, p), where(isFiniteOp(e), e, 0));
  const over = logicalAnd(logicalAnd(isFiniteOp(r), notEqual(r, 0)), notEqual(less(r, 0), less(b, 0)));
  return { q: where(over, sub(q0, 1), q0), r: where(over, add(r, b), r) };
}

/** int32 floor(a / b): the float quotient floored, then corrected by one where a − q·b falls outside [0, b) (or (b, 0]). */
function intFloorDiv(a: Tensor, b: Tensor): Tensor {
  const q = cast(floor(div(cast(a, 'float32'), cast(b, 'float32'))), 'int32');
  const r = sub(a, mul(q, b));
  const below = logicalAnd(notEqual(r, 0), notEqual(less(r, 0), less(b, 0)));
  const above = logicalAnd(equal(less(r, 0), less(b, 0)), greaterEqual(abs(r), abs(b)));
  const fixed = sub(add(q, cast(above, 'int32')), cast(below, 'int32'));
  return where(equal(b, 0), 0, fixed);
}

/**
 * floor(a / b) elementwise with broadcasting, as tfjs's floorDiv. float32 or
 * int32 (see the file's comment for rounding). Its gradient is 0.
 * @example
 * floorDiv(tensor([7, -7]), tensor([2, 2])) // [3, -4]
 */
export function floorDiv(a: TensorLike, b: TensorLike): Tensor {
  return operands('floorDiv', a, b, (ta, tb) => (ta.dtype === 'int32' ? intFloorDiv(ta, tb) : floatFloorDiv(ta, tb).q));
}

/**
 * The remainder of floor division, a − b·floor(a / b), with the sign of b,
 * as tfjs's mod; broadcasting. float32 or int32. b = 0 gives NaN (int32: 0);
 * b = ±Inf gives a where a has b's sign, NaN otherwise (as tfjs). Gradients:
 * 1 for a, −floor(a / b) for b.
 * @example
 * mod(tensor([7, -7, 7]), tensor([3, 3, -3])) // [1, 2, -2]
 */
export function mod(a: TensorLike, b: TensorLike): Tensor {
  return operands('mod', a, b, (ta, tb) => {
    if (ta.dtype === 'int32') return where(equal(tb, 0), 0, sub(ta, mul(intFloorDiv(ta, tb), tb)));
    const { r } = floatFloorDiv(ta, tb);
    // b = ±Inf: the formula gives 0·Inf = NaN; the remainder is a itself when a has b's sign.
    const infinite = logicalAnd(isInf(tb), isFiniteOp(ta));
    return where(infinite, where(equal(less(ta, 0), less(tb, 0)), ta, Number.NaN), r);
  });
}
