import { sizeOfShape, stridesOf, type TensorInfo, type KernelImpl } from '@polytensor/core';
import { stridedMap, take } from '../host/int32.js';
import type { GpujsStore } from '../store.js';
import { stridedCopy } from '../util/copy.js';

/** `size[i]` elements from `begin[i]` on every axis: a strided copy from offset Σ begin·stride. */
export function slice(s: GpujsStore, x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo {
  const st = stridesOf(x.shape);
  const offset = begin.reduce((acc, b, i) => acc + b * st[i]!, 0);
  if (x.dtype === 'int32') return s.outHost(take(s.ints(x), stridedMap(size, st, offset)), size);
  if (sizeOfShape(size) === 0) return s.outEmpty(size, x.dtype);
  return s.outTex(stridedCopy(s, s.tex(x), size, st, offset), size, x.dtype);
}

/** The contract-level kernel. */
export const sliceKernel: KernelImpl<'slice', GpujsStore> = slice;
