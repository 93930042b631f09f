import type { FusedActivation, KernelImpl } from '@polytensor/core';
import type { WebGPUStore } from '../store.js';
import { biasThenActivation } from './bias_activation.js';
import { matMulBlocked } from './mat_mul_blocked.js';

/** Batched a·b (mat_mul_blocked.ts); the transposes and the broadcast batch of 1 are strides baked into the program. */
export const matMulKernel: KernelImpl<'matMul', WebGPUStore> = (s, a, b, transposeA, transposeB) => {
  const M = transposeA ? a.shape[2]! : a.shape[1]!;
  const K = transposeA ? a.shape[1]! : a.shape[2]!;
  const N = transposeB ? b.shape[1]! : b.shape[2]!;
  const outShape = [a.shape[0] === 1 ? b.shape[0]! : a.shape[0]!, M, N];
  if (outShape[0]! * M * N === 0) return s.empty(outShape, 'float32');
  if (K === 0) return s.fill(outShape, 'float32', 0);
  return matMulBlocked(s, a, b, transposeA, transposeB, null, 'linear', 'matMul');
};

/**
 * act(a·b + bias) in one program (mat_mul_blocked.ts): the bias and this
 * package's accurate activation are applied as each output is written, with
 * the same roundings as the separate kernels.
 */
export const fusedMatMulKernel: KernelImpl<'fusedMatMul', WebGPUStore> = (s, a, b, bias, activation: FusedActivation, transposeA, transposeB) => {
  const M = transposeA ? a.shape[1]! : a.shape[0]!;
  const K = transposeA ? a.shape[0]! : a.shape[1]!;
  const N = transposeB ? b.shape[0]! : b.shape[1]!;
  const outShape = [M, N];
  if (M * N === 0) return s.empty(outShape, 'float32');
  if (K > 0) {
    // rank-3 views of the same buffers (fields copied: a may be a Tensor, whose dataId is a getter)
    const a3 = { dataId: a.dataId, shape: [1, ...a.shape], dtype: a.dtype };
    const b3 = { dataId: b.dataId, shape: [1, ...b.shape], dtype: b.dtype };
    const y = matMulBlocked(s, a3, b3, transposeA, transposeB, bias, activation, 'fusedMatMul');
    return { dataId: y.dataId, shape: outShape, dtype: y.dtype };
  }
  // an empty sum is +0; then the bias and the activation as separate kernels
  return biasThenActivation(s, s.fill(outShape, 'float32', 0), bias, activation, outShape);
};
