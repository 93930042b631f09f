import { sizeOfShape, type KernelArgs, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { biasActivation, laneActivation, tfjsActivation } from './fused_util.js';
import { matMulPacked, matMulPackedLayout } from './mat_mul_packed.js';
import { matMulShape } from './mat_mul.js';

/**
 * act(a·b + bias) as one packed program with bias and relu/sigmoid inside:
 * this package's (mat_mul_packed.ts), or tfjs's _FusedMatMul where that does
 * not apply. Neither fuses tanh: the product and bias are fused, tanh runs as
 * this package's unary kernel.
 */
export function fusedMatMul(s: WebGLStore, ...[a, b, bias, activation, transposeA, transposeB]: KernelArgs<'fusedMatMul'>): TensorInfo {
  const { shape, K } = matMulShape(a, b, transposeA, transposeB);
  if (sizeOfShape(shape) === 0) return s.fromValues(new Float32Array(0), shape, 'float32');
  // act(0 + bias): no tfjs call has anything to multiply
  if (K === 0) return biasActivation(s, s.fill(shape, 'float32', 0, 0), bias, activation);
  const texels = matMulPackedLayout(s, a, b, shape, K);
  if (texels) {
    const fused = laneActivation(activation) ? activation : 'linear';
    const t = matMulPacked(s, a, b, bias, fused, transposeA, transposeB, shape, K, texels);
    return fused === activation ? t : biasActivation(s, t, null, activation);
  }
  const inputs: Record<string, TensorInfo> = bias ? { a, b, bias } : { a, b };
  const out = s.kernel('_FusedMatMul', inputs, { transposeA, transposeB, activation: tfjsActivation(activation), leakyreluAlpha: 0 });
  const t = s.wrap(out, shape, 'float32');
  return activation === 'tanh' ? biasActivation(s, t, null, 'tanh') : t;
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const fusedMatMulKernel: KernelImpl<'fusedMatMul', WebGLStore> = (s, ...args) => fusedMatMul(s.enter('fusedMatMul'), ...args);
