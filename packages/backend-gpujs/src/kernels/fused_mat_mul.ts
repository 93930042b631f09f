import type { KernelArgs, TensorInfo, KernelImpl } from '@polytensor/core';
import type { GpujsStore } from '../store.js';
import { product, productGeometry } from './mat_mul.js';

/** act(a·b + bias) for rank-2 a, b: the bias add and activation run in the product's unpack pass. */
export function fusedMatMul(s: GpujsStore, ...[a, b, bias, activation, transposeA, transposeB]: KernelArgs<'fusedMatMul'>): TensorInfo {
  const g = productGeometry(a, b, transposeA, transposeB);
  return product(s, a, b, transposeA, transposeB, bias, activation, [g.m, g.n]);
}

/** The contract-level kernel. */
export const fusedMatMulKernel: KernelImpl<'fusedMatMul', GpujsStore> = fusedMatMul;
