import type { TsStore } from '../store.js';
import type { KernelImpl, TypedArray } from '@polytensor/core';
import { toFloat32 } from '../util/alloc.js';
import { prod } from '../util/strides.js';

/**
 * The adjoint of gather: zeros of `outShape`, then each slice of `updates`
 * added at its index along `axis`; repeated indices accumulate. Float sums are
 * kept in doubles and rounded once at the end.
 */
export function scatterAdd(updates: TypedArray, indices: Int32Array, axis: number, outShape: readonly number[]): TypedArray {
  const outer = prod(outShape, 0, axis);
  const n = outShape[axis]!;
  const inner = prod(outShape, axis + 1);
  const k = indices.length;
  const size = outer * n * inner;
  const isFloat = updates instanceof Float32Array;
  const acc = isFloat ? new Float64Array(size) : new (updates.constructor as new (n: number) => TypedArray)(size);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const dst = (o * n + indices[j]!) * inner;
      const src = (o * k + j) * inner;
      // Int32Array stores wrap, so int32 accumulation is modulo 2^32 like add.
      for (let i = 0; i < inner; i++) acc[dst + i]! += updates[src + i]!;
    }
  }
  return isFloat ? toFloat32(acc as Float64Array) : (acc as TypedArray);
}

/** The contract-level kernel: storage in, storage out. */
export const scatterAddKernel: KernelImpl<'scatterAdd', TsStore> = (s, updates, indices, axis, outShape) =>
  s.output(scatterAdd(s.values(updates, 'scatterAdd'), s.i32(indices, 'scatterAdd'), axis, outShape), outShape);
