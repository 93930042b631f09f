import type { UnaryOp } from '../backend/kernels.js';
import { UNARY_INPUT_DTYPES, unaryOutputDType } from '../backend/kernels.js';
import { ENGINE } from '../engine/engine.js';
import type { GradFn } from '../engine/tape.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { add, div, mul } from './binary.js';
import { greater } from './compare.js';
import { assertDType, convert } from './convert.js';
import { cast } from './cast.js';
import { zerosLike } from './creation.js';
import { where } from './where.js';

/** Run one unary kernel after validating the dtype. */
function unary(op: UnaryOp, x: TensorLike, grad?: GradFn): Tensor {
  const [t, owned] = convert(op, 'x', x);
  try {
    assertDType(op, 'x', t, UNARY_INPUT_DTYPES[op]);
    return ENGINE.runKernel(op, [t], (b) => b.unary(op, t), { shape: t.shape, dtype: unaryOutputDType(op, t.dtype) }, grad);
  } finally {
    if (owned) t.dispose();
  }
}

const zeroGrad: GradFn = (_dy, { inputs }) => [() => zerosLike(inputs[0]!)];

/** -x */
export const neg = (x: TensorLike): Tensor => unary('neg', x, (dy) => [() => neg(dy)]);
/** |x| */
export const abs = (x: TensorLike): Tensor => unary('abs', x, (dy, { inputs }) => [() => mul(dy, sign(inputs[0]!))]);
/** -1, 0 or 1 (keeps the sign of zero, NaN stays NaN). */
export const sign = (x: TensorLike): Tensor => unary('sign', x, zeroGrad);
export const exp = (x: TensorLike): Tensor => unary('exp', x, (dy, { output }) => [() => mul(dy, output)]);
/**
 * exp(x) - 1, accurate near 0. The gradient is exp(x), computed from x: from
 * the output, expm1(x) + 1 rounds to 0 below x ≈ -17 (true value e^x ≈ 4e-8).
 */
export const expm1 = (x: TensorLike): Tensor => unary('expm1', x, (dy, { inputs }) => [() => mul(dy, exp(inputs[0]!))]);
export const log = (x: TensorLike): Tensor => unary('log', x, (dy, { inputs }) => [() => div(dy, inputs[0]!)]);
/** log(1 + x), accurate near 0. */
export const log1p = (x: TensorLike): Tensor => unary('log1p', x, (dy, { inputs }) => [() => div(dy, add(inputs[0]!, 1))]);
export const sqrt = (x: TensorLike): Tensor => unary('sqrt', x, (dy, { output }) => [() => div(dy, mul(output, 2))]);
/** 1 / sqrt(x) */
export const rsqrt = (x: TensorLike): Tensor =>
  unary('rsqrt', x, (dy, { inputs, output }) => [() => mul(dy, div(mul(output, -0.5), inputs[0]!))]);
export const square = (x: TensorLike): Tensor => unary('square', x, (dy, { inputs }) => [() => mul(dy, mul(inputs[0]!, 2))]);
/** 1 / x */
export const reciprocal = (x: TensorLike): Tensor =>
  unary('reciprocal', x, (dy, { output }) => [() => neg(mul(dy, mul(output, output)))]);
/** max(x, 0); the gradient at 0 is 0. */
export const relu = (x: TensorLike): Tensor =>
  unary('relu', x, (dy, { inputs }) => [() => mul(dy, cast(greater(inputs[0]!, 0), dy.dtype))]);
/**
 * 1 / (1 + exp(-x)). The gradient is σ(x)·σ(−x): near saturation 1 − σ(x)
 * computed from the rounded output keeps no digits (0.5% off at x = 12, 0 past
 * x ≈ 17), while σ(−x) is accurate to a few ULP.
 */
export const sigmoid = (x: TensorLike): Tensor =>
  unary('sigmoid', x, (dy, { inputs, output }) => [() => mul(dy, mul(output, sigmoid(neg(inputs[0]!))))]);
/**
 * The gradient 1 − tanh²(x) is computed as 4·σ(2x)·σ(−2x) (equal, since
 * tanh(x) = 2σ(2x) − 1): 1 − y² from the rounded output loses every digit as
 * |y| → 1 (x ≈ 9: 6e-8 true, 0 or 1.2e-7 computed).
 */
export const tanh = (x: TensorLike): Tensor =>
  unary('tanh', x, (dy, { inputs }) => [
    () => {
      const x2 = mul(inputs[0]!, 2);
      return mul(mul(dy, 4), mul(sigmoid(x2), sigmoid(neg(x2))));
    },
  ]);
/** x > 0 ? x : exp(x) - 1. The gradient for x ≤ 0 is exp(x), from x (see expm1). */
export const elu = (x: TensorLike): Tensor =>
  unary('elu', x, (dy, { inputs }) => [() => where(greater(inputs[0]!, 0), dy, mul(dy, exp(inputs[0]!)))]);
/** log(1 + exp(x)), stable for large |x|. */
export const softplus = (x: TensorLike): Tensor => unary('softplus', x, (dy, { inputs }) => [() => mul(dy, sigmoid(inputs[0]!))]);
export const sin = (x: TensorLike): Tensor => unary('sin', x, (dy, { inputs }) => [() => mul(dy, cos(inputs[0]!))]);
export const cos = (x: TensorLike): Tensor => unary('cos', x, (dy, { inputs }) => [() => neg(mul(dy, sin(inputs[0]!)))]);
export const floor = (x: TensorLike): Tensor => unary('floor', x, zeroGrad);
export const ceil = (x: TensorLike): Tensor => unary('ceil', x, zeroGrad);
/** Round half to even. */
export const round = (x: TensorLike): Tensor => unary('round', x, zeroGrad);
export const logicalNot = (x: TensorLike): Tensor => unary('logicalNot', x);
export const isNaN = (x: TensorLike): Tensor => unary('isNaN', x);
export const isInf = (x: TensorLike): Tensor => unary('isInf', x);
export const isFinite = (x: TensorLike): Tensor => unary('isFinite', x);

/** x > 0 ? x : alpha * x */
export function leakyRelu(x: TensorLike, alpha = 0.2): Tensor {
  const [t, owned] = convert('leakyRelu', 'x', x);
  try {
    assertDType('leakyRelu', 'x', t, ['float32']);
    return ENGINE.tidy(() => where(greater(t, 0), t, mul(t, alpha)));
  } finally {
    if (owned) t.dispose();
  }
}
