import type { TsStore } from '../store.js';
import type { KernelImpl, TypedArray } from '@polytensor/core';
import { forEachRow, sizeOfShape, stridesOf } from '../util/strides.js';

/** `size[i]` elements from `begin[i]` on every axis. Rows along the last axis are block-copied. */
export function slice(x: TypedArray, shape: readonly number[], begin: readonly number[], size: readonly number[]): TypedArray {
  const n = sizeOfShape(size);
  const out = new (x.constructor as new (n: number) => TypedArray)(n);
  if (n === 0) return out;
  if (shape.length === 0) {
    out[0] = x[0]!;
    return out;
  }
  const strides = stridesOf(shape);
  let base = 0;
  for (let i = 0; i < shape.length; i++) base += begin[i]! * strides[i]!;
  const rowLen = size[size.length - 1]!;
  forEachRow(size, strides, base, (o, i) => out.set(x.subarray(i, i + rowLen), o));
  return out;
}

/** The contract-level kernel: storage in, storage out. */
export const sliceKernel: KernelImpl<'slice', TsStore> = (s, x, begin, size) => s.output(slice(s.values(x, 'slice'), x.shape, begin, size), size);
