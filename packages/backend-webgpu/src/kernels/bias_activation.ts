import type { FusedActivation, TensorInfo } from '@polytensor/core';
import type { WebGPUStore } from '../store.js';
import { binaryKernel } from './binary.js';
import { unaryKernel } from './unary.js';

/**
 * act(z + bias) as separate kernels, for the fused kernels' paths that do not
 * run a fused program (empty sums); takes ownership of z (a temporary).
 */
export function biasThenActivation(
  s: WebGPUStore,
  z: TensorInfo,
  bias: TensorInfo | null | undefined,
  activation: FusedActivation,
  outShape: readonly number[],
): TensorInfo {
  if (bias) {
    const zb = binaryKernel(s, 'add', z, bias, outShape);
    s.disposeTemp(z);
    z = zb;
  }
  if (activation === 'linear') return z;
  const y = unaryKernel(s, activation, z);
  s.disposeTemp(z);
  return y;
}
