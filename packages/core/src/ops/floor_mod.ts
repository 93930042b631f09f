// floorDiv and mod (floor division and its remainder, the remainder taking the
// divisor's sign). float32: the float32 quotient a/b floored, and
// a − b·floorDiv(a, b), as tfjs's WebGL backend computes them: where a/b rounds
// up to an integer (1 / 0.1f) floorDiv is that integer and mod is off by b
// from the exact remainder. int32: exact for |a| ≤ 2^24 (the float quotient is
// corrected by one step of integer arithmetic); division by 0 gives 0.
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
  return operands('floorDiv', a, b, (ta, tb) => (ta.dtype === 'int32' ? intFloorDiv(ta, tb) : floor(div(ta, tb))));
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
    const r = sub(ta, mul(floor(div(ta, tb)), tb));
    // b = ±Inf: the formula gives 0·Inf = NaN; the remainder is a itself when a has b's sign.
    const infinite = logicalAnd(isInf(tb), isFiniteOp(ta));
    return where(infinite, where(equal(less(ta, 0), less(tb, 0)), ta, Number.NaN), r);
  });
}
