import { sizeOfShape, type FusedActivation, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { matMulShape } from './mat_mul.js';
import { binary } from './binary.js';
import { unary } from './unary.js';

/**
 * act(a·b + bias) with tfjs's _FusedMatMul (bias and relu/sigmoid inside the
 * packed matmul shader). tfjs has no fused tanh: the product and bias are
 * fused, tanh runs as this package's unary kernel.
 */
export function fusedMatMul(
  s: WebGLStore,
  a: TensorInfo,
  b: TensorInfo,
  bias: TensorInfo | null,
  activation: FusedActivation,
  transposeA: boolean,
  transposeB: boolean,
): TensorInfo {
  const { shape, K } = matMulShape(a, b, transposeA, transposeB);
  if (sizeOfShape(shape) === 0) return s.fromValues(new Float32Array(0), shape, 'float32');
  if (K === 0) {
    // act(0 + bias): no tfjs call has anything to multiply
    const zeros = s.fill(shape, 'float32', 0, 0);
    if (!bias) return activation === 'linear' ? zeros : finish(s, zeros, activation);
    const sum = binary(s, 'add', zeros, bias, shape);
    s.disposeTemp(zeros);
    return activation === 'linear' ? sum : finish(s, sum, activation);
  }
  const tfAct = activation === 'tanh' ? 'linear' : activation;
  const inputs: Record<string, TensorInfo> = bias ? { a, b, bias } : { a, b };
  const out = s.kernel('_FusedMatMul', inputs, { transposeA, transposeB, activation: tfAct, leakyreluAlpha: 0 });
  const t = s.wrap(out, shape, 'float32');
  return activation === 'tanh' ? finish(s, t, 'tanh') : t;
}

function finish(s: WebGLStore, t: TensorInfo, activation: FusedActivation): TensorInfo {
  const op = activation === 'relu' ? 'relu' : activation === 'sigmoid' ? 'sigmoid' : 'tanh';
  const out = unary(s, op, t);
  s.disposeTemp(t);
  return out;
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const fusedMatMulKernel: KernelImpl<'fusedMatMul', WebGLStore> = (s, a, b, bias, activation, transposeA, transposeB) =>
  fusedMatMul(s.enter('fusedMatMul'), a, b, bias, activation, transposeA, transposeB);
