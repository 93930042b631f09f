import type { TsStore } from '../store.js';
import { typedArrayFor, type DType, type KernelImpl, type TypedArray } from '@polytensor/core';

/**
 * Convert dtype. Int32Array stores ToInt32(x), which truncates toward zero
 * (NaN and ±Infinity become 0, out-of-range values wrap modulo 2^32); Float32Array
 * rounds to nearest even; →bool is `x != 0`, so NaN → true.
 */
export function cast(x: TypedArray, dtype: DType): TypedArray {
  const n = x.length;
  const out = typedArrayFor(dtype, n);
  if (dtype === 'bool') {
    for (let i = 0; i < n; i++) out[i] = +(x[i] !== 0); // branch-free (see kernels/binary.ts)
  } else {
    out.set(x);
  }
  return out;
}

/** The contract-level kernel: storage in, storage out. */
export const castKernel: KernelImpl<'cast', TsStore> = (s, x, dtype) => s.output(cast(s.values(x, 'cast'), dtype), x.shape);
