import type { UnaryGradOp } from '../../backend/kernels.js';
import type { TensorInfo } from '../../backend/types.js';
import { composite, type KernelContext } from '../temps.js';

/**
 * The gradient rules' own sequences, kernel for kernel (so a backend without
 * unaryGrad gives the bits it gave before the kernel existed):
 * sigmoid dy·(y·σ(−x)); tanh dy·((σ(2x)·σ(−(2x)))·4) (scaled by 4 last: dy·4 first
 * would overflow for |dy| > 8.5e37 where the gradient is finite).
 */
export function unaryGrad(k: KernelContext, op: UnaryGradOp, x: TensorInfo, y: TensorInfo, dy: TensorInfo): TensorInfo {
  return composite(k, [x, y, dy], (t) => {
    const shape = x.shape;
    const mul = (a: TensorInfo, b: TensorInfo): TensorInfo => t.t(k.binary('mul', a, b, shape));
    const sigmoidOfNeg = (v: TensorInfo): TensorInfo => t.t(k.unary('sigmoid', t.t(k.unary('neg', v))));
    if (op === 'sigmoid') return mul(dy, mul(y, sigmoidOfNeg(x)));
    const x2 = mul(x, t.scalar(2));
    return mul(dy, mul(mul(t.t(k.unary('sigmoid', x2)), sigmoidOfNeg(x2)), t.scalar(4)));
  });
}
