import { KERNELS, type KernelContext, type KernelImpl } from '@polytensor/core';
import type { GpujsStore } from '../store.js';

/**
 * Draws of fewer elements neither come from nor go back to the pool: their
 * arrays are cheap to make, and the pool keeps only 8 arrays, which small
 * draws would push the large ones out of.
 */
export const POOLED_MIN_ELEMENTS = 4096;

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
    hostFloat32: (size: number) => (size >= POOLED_MIN_ELEMENTS ? s.hostArrays.take(size) : new Float32Array(size)),
    adopt: (values: Float32Array, shape: readonly number[]) =>
      values.length >= POOLED_MIN_ELEMENTS ? s.adoptDrawn(values, shape) : s.adopt(values, shape, 'float32'),
  };
  return KERNELS.philoxUniform.composite(k as unknown as KernelContext, shape, key, dropout);
};
