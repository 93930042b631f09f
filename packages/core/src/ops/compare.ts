import type { Tensor, TensorLike } from '../tensor.js';
import { binaryKernel } from './binary.js';

// Comparisons and logical ops give bool tensors and carry no gradient.
export const equal = (a: TensorLike, b: TensorLike): Tensor => binaryKernel('equal', a, b);
export const notEqual = (a: TensorLike, b: TensorLike): Tensor => binaryKernel('notEqual', a, b);
export const less = (a: TensorLike, b: TensorLike): Tensor => binaryKernel('less', a, b);
export const lessEqual = (a: TensorLike, b: TensorLike): Tensor => binaryKernel('lessEqual', a, b);
export const greater = (a: TensorLike, b: TensorLike): Tensor => binaryKernel('greater', a, b);
export const greaterEqual = (a: TensorLike, b: TensorLike): Tensor => binaryKernel('greaterEqual', a, b);
export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor => binaryKernel('logicalAnd', a, b);
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor => binaryKernel('logicalOr', a, b);
