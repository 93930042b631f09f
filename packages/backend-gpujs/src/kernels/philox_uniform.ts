import { KERNELS, type KernelContext, type KernelImpl } from '@polytensor/core';
import type { GpujsStore } from '../store.js';

/**
 * Kernel philoxUniform: core's host draw (its composite: WebAssembly SIMD
 * where it loads, bit for bit core's Philox stream) into an array from the
 * store's pool of disposed draws, adopted without a copy (`adoptDrawn`). The
 * values stay on the host until a kernel reads the tensor (one upload, after
 * which the array goes back to the pool), and a read before that is one copy
 * with no GPU work. Why a pool: a fresh 4 MB array costs ~1.3 ms in Chromium
 * in page faults before the first value is written, and a training step draws
 * the same mask shapes every step.
 *
 * The composite sees only the two calls it makes (`hostFloat32`, `adopt`).
 */
export const philoxUniformKernel: KernelImpl<'philoxUniform', GpujsStore> = (s, shape, key, dropout) => {
  const k = {
    hostFloat32: (size: number) => s.hostArrays.take(size),
    adopt: (values: Float32Array, shape: readonly number[]) => s.adoptDrawn(values, shape),
  };
  return KERNELS.philoxUniform.composite(k as unknown as KernelContext, shape, key, dropout);
};
