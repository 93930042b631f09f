import type { DType, TypedArray } from '@polytensor/core';

/** A zeroed array of the storage type for `dtype`. */
export function alloc(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
}

/** The dtype a storage array stands for (the inverse of `alloc`). */
export function dtypeOf(values: TypedArray): DType {
  if (values instanceof Float32Array) return 'float32';
  if (values instanceof Int32Array) return 'int32';
  return 'bool';
}

/** Round float64 accumulators to float32 storage (one correctly rounded store each). */
export function toFloat32(values: Float64Array): Float32Array {
  const out = new Float32Array(values.length);
  out.set(values);
  return out;
}
