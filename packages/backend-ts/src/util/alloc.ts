import type { DType, TypedArray } from '@polytensor/core';

/** The dtype a storage array stands for (the inverse of core's `typedArrayFor`). */
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
