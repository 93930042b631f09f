import type { BinaryOp } from '../backend/kernels.js';
import { BINARY_INPUT_DTYPES, binaryOutputDType } from '../backend/kernels.js';
import { ENGINE } from '../engine/engine.js';
import type { GradFn } from '../engine/tape.js';
import { PolytensorError } from '../errors.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { broadcastShapes } from '../util/shape.js';
import { greaterEqual, less, lessEqual, greater } from './compare.js';
import { assertDType, convert } from './convert.js';
import { cast } from './cast.js';
import { sumToShape } from './sum_to_shape.js';
import { log, neg } from './unary.js';
import { where } from './where.js';

/**
 * Convert both operands (a literal takes the other operand's dtype), check
 * they share an allowed dtype, and broadcast. Literal operands are disposed after.
 */
export function binaryKernel(op: BinaryOp, a: TensorLike, b: TensorLike, grad?: GradFn): Tensor {
  const hint = a instanceof Tensor ? a.dtype : b instanceof Tensor ? b.dtype : undefined;
  const [ta, ownA] = convert(op, 'a', a, hint);
  const [tb, ownB] = convert(op, 'b', b, hint);
  try {
    if (ta.dtype !== tb.dtype) {
      throw new PolytensorError(
        `${op}: dtypes differ: a is ${ta.dtype}, b is ${tb.dtype}; cast one of them with cast(x, '${ta.dtype}')`,
      );
    }
    assertDType(op, 'a', ta, BINARY_INPUT_DTYPES[op]);
    const outShape = broadcastShapes(op, ta.shape, tb.shape);
    return ENGINE.runKernel(
      op,
      [ta, tb],
      (be) => be.binary(op, ta, tb, outShape),
      { shape: outShape, dtype: binaryOutputDType(op, ta.dtype) },
      grad,
    );
  } finally {
    if (ownA) ta.dispose();
    if (ownB) tb.dispose();
  }
}

/** Reduce a broadcast gradient back to each operand's shape. */
const reduceTo = (g: Tensor, x: Tensor): Tensor => sumToShape(g, x.shape);

/** a + b with broadcasting. */
export const add = (a: TensorLike, b: TensorLike): Tensor =>
  binaryKernel('add', a, b, (dy, { inputs: [x, y] }) => [() => reduceTo(dy, x!), () => reduceTo(dy, y!)]);

export const sub = (a: TensorLike, b: TensorLike): Tensor =>
  binaryKernel('sub', a, b, (dy, { inputs: [x, y] }) => [() => reduceTo(dy, x!), () => reduceTo(neg(dy), y!)]);

export const mul = (a: TensorLike, b: TensorLike): Tensor =>
  binaryKernel('mul', a, b, (dy, { inputs: [x, y] }) => [() => reduceTo(mul(dy, y!), x!), () => reduceTo(mul(dy, x!), y!)]);

/** Float division (int32 operands are rejected: cast first). */
export const div = (a: TensorLike, b: TensorLike): Tensor =>
  binaryKernel('div', a, b, (dy, { inputs: [x, y] }) => [
    () => reduceTo(div(dy, y!), x!),
    () => reduceTo(neg(div(mul(dy, x!), mul(y!, y!))), y!),
  ]);

/** a ** b; the gradient w.r.t. b is taken as 0 where a <= 0. */
export const pow = (a: TensorLike, b: TensorLike): Tensor =>
  binaryKernel('pow', a, b, (dy, { inputs: [x, y], output }) => [
    () => reduceTo(mul(dy, mul(y!, pow(x!, sub(y!, 1)))), x!),
    () => {
      const positive = greater(x!, 0);
      const safeLog = log(where(positive, x!, 1));
      return reduceTo(mul(dy, where(positive, mul(output, safeLog), 0)), y!);
    },
  ]);

/** Elementwise max; ties send the gradient to a. NaN propagates. */
export const maximum = (a: TensorLike, b: TensorLike): Tensor =>
  binaryKernel('maximum', a, b, (dy, { inputs: [x, y] }) => [
    () => reduceTo(mul(dy, cast(greaterEqual(x!, y!), 'float32')), x!),
    () => reduceTo(mul(dy, cast(less(x!, y!), 'float32')), y!),
  ]);

/** Elementwise min; ties send the gradient to a. NaN propagates. */
export const minimum = (a: TensorLike, b: TensorLike): Tensor =>
  binaryKernel('minimum', a, b, (dy, { inputs: [x, y] }) => [
    () => reduceTo(mul(dy, cast(lessEqual(x!, y!), 'float32')), x!),
    () => reduceTo(mul(dy, cast(greater(x!, y!), 'float32')), y!),
  ]);

/** (a - b)^2 */
export const squaredDifference = (a: TensorLike, b: TensorLike): Tensor =>
  binaryKernel('squaredDifference', a, b, (dy, { inputs: [x, y] }) => {
    const twoDiff = (): Tensor => mul(dy, mul(sub(x!, y!), 2));
    return [() => reduceTo(twoDiff(), x!), () => reduceTo(neg(twoDiff()), y!)];
  });
