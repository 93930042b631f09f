import type { FusedActivation, KernelImpl, TensorInfo } from '@polytensor/core';
import type { WebGPUStore } from '../store.js';
import { binaryKernel } from './binary.js';
import { unaryKernel } from './unary.js';

/**
 * Batched a·b on tfjs-backend-webgpu's matMul programs (shared-memory
 * tiles, 4×4 register blocks and vec4 loads for large outputs; split-K,
 * small-tile and per-output reductions where there are few tiles). Each
 * output is a float32 sum of its K products, so within the contract's
 * accumulation bound whatever the order tfjs picks; transposes and the
 * broadcast batch of 1 are tfjs's too.
 */
export const matMulKernel: KernelImpl<'matMul', WebGPUStore> = (s, a, b, transposeA, transposeB) => {
  const M = transposeA ? a.shape[2]! : a.shape[1]!;
  const K = transposeA ? a.shape[1]! : a.shape[2]!;
  const N = transposeB ? b.shape[1]! : b.shape[2]!;
  const outShape = [a.shape[0] === 1 ? b.shape[0]! : a.shape[0]!, M, N];
  if (outShape[0]! * M * N === 0) return s.empty(outShape, 'float32');
  if (K === 0) return s.fill(outShape, 'float32', 0);
  return s.wrap(s.kernel('BatchMatMul', { a, b }, { transposeA, transposeB }), outShape, 'float32');
};

/**
 * act(a·b + bias): tfjs's matMul program with the bias added as each tile is
 * written (one pass instead of two); the activation, when not linear, is this
 * package's accurate unary kernel (tfjs's sigmoid and tanh use WGSL's exp,
 * which may be several ULP off).
 */
export const fusedMatMulKernel: KernelImpl<'fusedMatMul', WebGPUStore> = (s, a, b, bias, activation: FusedActivation, transposeA, transposeB) => {
  const M = transposeA ? a.shape[1]! : a.shape[0]!;
  const K = transposeA ? a.shape[0]! : a.shape[1]!;
  const N = transposeB ? b.shape[0]! : b.shape[1]!;
  const outShape = [M, N];
  let z: TensorInfo;
  if (M * N === 0) return s.empty(outShape, 'float32');
  if (K === 0) {
    // an empty sum is +0; + bias as the contract's add rounds it (−0 + +0 is +0)
    z = s.fill(outShape, 'float32', 0);
    if (bias) {
      const zb = binaryKernel(s, 'add', z, bias, outShape);
      s.disposeTemp(z);
      z = zb;
    }
  } else {
    const inputs: Record<string, TensorInfo> = bias ? { a, b, bias } : { a, b };
    z = s.wrap(s.kernel('_FusedMatMul', inputs, { transposeA, transposeB, activation: 'linear' }), outShape, 'float32');
  }
  if (activation === 'linear') return z;
  const y = unaryKernel(s, activation, z);
  s.disposeTemp(z);
  return y;
};
