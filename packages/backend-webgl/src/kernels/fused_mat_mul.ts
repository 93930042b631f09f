import type { FusedActivation, TensorInfo } from '@polytensor/core';
import type { Runtime } from '../runtime.js';
import { sizeOfShape } from '../util.js';
import { matMulShape } from './mat_mul.js';
import { binary } from './binary.js';
import { unary } from './unary.js';

/**
 * act(a·b + bias) with tfjs's _FusedMatMul (bias and relu/sigmoid inside the
 * packed matmul shader). tfjs has no fused tanh: the product and bias are
 * fused, tanh runs as this package's unary kernel.
 */
export function fusedMatMul(
  rt: Runtime,
  a: TensorInfo,
  b: TensorInfo,
  bias: TensorInfo | null,
  activation: FusedActivation,
  transposeA: boolean,
  transposeB: boolean,
): TensorInfo {
  const { shape, K } = matMulShape(a, b, transposeA, transposeB);
  if (sizeOfShape(shape) === 0) return rt.fromValues(new Float32Array(0), shape, 'float32');
  if (K === 0) {
    // act(0 + bias): no tfjs call has anything to multiply
    const zeros = rt.fill(shape, 'float32', 0, 0);
    if (!bias) return activation === 'linear' ? zeros : finish(rt, zeros, activation);
    const sum = binary(rt, 'add', zeros, bias, shape);
    rt.disposeTemp(zeros);
    return activation === 'linear' ? sum : finish(rt, sum, activation);
  }
  const tfAct = activation === 'tanh' ? 'linear' : activation;
  const inputs: Record<string, TensorInfo> = bias ? { a, b, bias } : { a, b };
  const out = rt.kernel('_FusedMatMul', inputs, { transposeA, transposeB, activation: tfAct, leakyreluAlpha: 0 });
  const t = rt.wrap(out, shape, 'float32');
  return activation === 'tanh' ? finish(rt, t, 'tanh') : t;
}

function finish(rt: Runtime, t: TensorInfo, activation: FusedActivation): TensorInfo {
  const op = activation === 'relu' ? 'relu' : activation === 'sigmoid' ? 'sigmoid' : 'tanh';
  const out = unary(rt, op, t);
  rt.disposeTemp(t);
  return out;
}
