import type { UnaryOp } from '../backend/kernels.js';
import { UNARY_INPUT_DTYPES } from '../backend/kernels.js';
import { ENGINE } from '../engine/engine.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { mul } from './binary.js';
import { greater } from './compare.js';
import { assertDType, convert } from './convert.js';
import { where } from './where.js';

/** Run one unary kernel after validating the dtype (gradients: grad/rules.ts). */
function unary(op: UnaryOp, x: TensorLike): Tensor {
  const [t, owned] = convert(op, 'x', x);
  try {
    assertDType(op, 'x', t, UNARY_INPUT_DTYPES[op]);
    return ENGINE.runKernel('unary', [op, t]);
  } finally {
    if (owned) t.dispose();
  }
}

/** -x */
export const neg = (x: TensorLike): Tensor => unary('neg', x);
/** |x| */
export const abs = (x: TensorLike): Tensor => unary('abs', x);
/** -1, 0 or 1 (keeps the sign of zero, NaN stays NaN). */
export const sign = (x: TensorLike): Tensor => unary('sign', x);
export const exp = (x: TensorLike): Tensor => unary('exp', x);
/** exp(x) - 1, accurate near 0 (its gradient is exp(x), computed from x). */
export const expm1 = (x: TensorLike): Tensor => unary('expm1', x);
export const log = (x: TensorLike): Tensor => unary('log', x);
/** log(1 + x), accurate near 0. */
export const log1p = (x: TensorLike): Tensor => unary('log1p', x);
export const sqrt = (x: TensorLike): Tensor => unary('sqrt', x);
/** 1 / sqrt(x) */
export const rsqrt = (x: TensorLike): Tensor => unary('rsqrt', x);
export const square = (x: TensorLike): Tensor => unary('square', x);
/** 1 / x */
export const reciprocal = (x: TensorLike): Tensor => unary('reciprocal', x);
/** max(x, 0); the gradient at 0 is 0. */
export const relu = (x: TensorLike): Tensor => unary('relu', x);
/** 1 / (1 + exp(-x)); the gradient is σ(x)·σ(−x), accurate near saturation. */
export const sigmoid = (x: TensorLike): Tensor => unary('sigmoid', x);
/** The gradient 1 − tanh²(x) is computed as 4·σ(2x)·σ(−2x), accurate as |tanh| → 1. */
export const tanh = (x: TensorLike): Tensor => unary('tanh', x);
/** x > 0 ? x : exp(x) - 1 */
export const elu = (x: TensorLike): Tensor => unary('elu', x);
/** log(1 + exp(x)), stable for large |x|. */
export const softplus = (x: TensorLike): Tensor => unary('softplus', x);
export const sin = (x: TensorLike): Tensor => unary('sin', x);
export const cos = (x: TensorLike): Tensor => unary('cos', x);
export const floor = (x: TensorLike): Tensor => unary('floor', x);
export const ceil = (x: TensorLike): Tensor => unary('ceil', x);
/** Round half to even. */
export const round = (x: TensorLike): Tensor => unary('round', x);
export const logicalNot = (x: TensorLike): Tensor => unary('logicalNot', x);
// biome-ignore lint/suspicious/noShadowRestrictedNames: tfjs's op name; import it qualified where the global is needed.
export const isNaN = (x: TensorLike): Tensor => unary('isNaN', x);
export const isInf = (x: TensorLike): Tensor => unary('isInf', x);
// biome-ignore lint/suspicious/noShadowRestrictedNames: tfjs's op name.
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
