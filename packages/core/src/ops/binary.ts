import type { BinaryOp } from '../backend/kernels.js';
import { BINARY_INPUT_DTYPES } from '../backend/kernels.js';
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { broadcastShapes } from '../util/shape.js';
import { assertDType, expectTensor, withTensors } from './convert.js';

/**
 * Convert both operands (a literal takes the other operand's dtype), check
 * they share an allowed dtype, and broadcast. Literal operands are disposed
 * after. Gradients: grad/rules.ts.
 */
export function binaryKernel(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  // Two tensors, the common case: nothing to convert or free, so skip withTensors' bookkeeping (per-op overhead).
  if (a instanceof Tensor && b instanceof Tensor) return binaryOnTensors(op, expectTensor(op, 'a', a), expectTensor(op, 'b', b));
  const hint = a instanceof Tensor ? a.dtype : b instanceof Tensor ? b.dtype : undefined;
  return withTensors(op, { a, b }, ({ a: ta, b: tb }) => binaryOnTensors(op, ta, tb), hint);
}

function binaryOnTensors(op: BinaryOp, ta: Tensor, tb: Tensor): Tensor {
  if (ta.dtype !== tb.dtype) {
    throw new PolytensorError(`${op}: dtypes differ: a is ${ta.dtype}, b is ${tb.dtype}; cast one of them with cast(x, '${ta.dtype}')`);
  }
  assertDType(op, 'a', ta, BINARY_INPUT_DTYPES[op]);
  return ENGINE.runKernel('binary', [op, ta, tb, broadcastShapes(op, ta.shape, tb.shape)]);
}

/** a + b with broadcasting. */
export const add = (a: TensorLike, b: TensorLike): Tensor => binaryKernel('add', a, b);
export const sub = (a: TensorLike, b: TensorLike): Tensor => binaryKernel('sub', a, b);
export const mul = (a: TensorLike, b: TensorLike): Tensor => binaryKernel('mul', a, b);
/** Float division (int32 operands are rejected: cast first). */
export const div = (a: TensorLike, b: TensorLike): Tensor => binaryKernel('div', a, b);
/** a ** b; the gradient w.r.t. b is taken as 0 where a <= 0. */
export const pow = (a: TensorLike, b: TensorLike): Tensor => binaryKernel('pow', a, b);
/** Elementwise max; ties send the gradient to a. NaN propagates. */
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binaryKernel('maximum', a, b);
/** Elementwise min; ties send the gradient to a. NaN propagates. */
export const minimum = (a: TensorLike, b: TensorLike): Tensor => binaryKernel('minimum', a, b);
/** (a - b)^2 */
export const squaredDifference = (a: TensorLike, b: TensorLike): Tensor => binaryKernel('squaredDifference', a, b);
