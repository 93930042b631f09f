import { sizeOfShape, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { matMulPacked, matMulPackedLayout } from './mat_mul_packed.js';

/** Output shape of a batched matMul (contract shapes: rank 3, batch 1 broadcasts). */
export function matMulShape(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): { shape: number[]; K: number } {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const M = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const K = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const N = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  // a batch of 1 broadcasts (NumPy: batches 1 and 0 give 0)
  const batch = ra === 3 ? [a.shape[0] === 1 ? b.shape[0]! : a.shape[0]!] : [];
  return { shape: [...batch, M, N], K };
}

/**
 * This package's packed program (mat_mul_packed.ts); tfjs's BatchMatMul (its
 * packed matmul shader) where that does not apply (long vector products,
 * textures beyond the maximum size). K = 0 gives zeros, empty outputs are empty.
 */
export function matMul(s: WebGLStore, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo {
  const { shape, K } = matMulShape(a, b, transposeA, transposeB);
  if (sizeOfShape(shape) === 0) return s.fromValues(new Float32Array(0), shape, 'float32');
  if (K === 0) return s.fill(shape, 'float32', 0, 0);
  const texels = matMulPackedLayout(s, a, b, shape, K);
  if (texels) return matMulPacked(s, a, b, null, 'linear', transposeA, transposeB, shape, K, texels);
  const out = s.kernel('BatchMatMul', { a, b }, { transposeA, transposeB });
  return s.wrap(out, shape, 'float32');
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const matMulKernel: KernelImpl<'matMul', WebGLStore> = (s, a, b, transposeA, transposeB) => matMul(s.enter('matMul'), a, b, transposeA, transposeB);
