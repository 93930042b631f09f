import { COMPARISON_OPS, type BinaryOp } from '../backend/kernels.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { binaryKernel } from './binary.js';

type BinaryFn = (a: TensorLike, b: TensorLike) => Tensor;

/** One (a, b) => tensor function per binary op, by the op's name. */
function binaryOps<const Op extends BinaryOp>(ops: readonly Op[]): Record<Op, BinaryFn> {
  return Object.fromEntries(ops.map((op): [Op, BinaryFn] => [op, (a, b) => binaryKernel(op, a, b)])) as Record<Op, BinaryFn>;
}

// Comparisons and logical ops give bool tensors and carry no gradient.
export const { equal, notEqual, less, lessEqual, greater, greaterEqual, logicalAnd, logicalOr } = binaryOps(COMPARISON_OPS);
