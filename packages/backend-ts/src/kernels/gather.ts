import type { TsStore } from '../store.js';
import type { KernelImpl, TypedArray } from '@polytensor/core';
import { prod } from '../util/strides.js';

/**
 * Slices of `x` along `axis` at `indices`: out shape is
 * x.shape[:axis] + indices.shape + x.shape[axis+1:]. Each selected slice is one block copy.
 */
export function gather(x: TypedArray, shape: readonly number[], indices: Int32Array, axis: number): TypedArray {
  const outer = prod(shape, 0, axis);
  const n = shape[axis]!;
  const inner = prod(shape, axis + 1);
  const k = indices.length;
  const out = new (x.constructor as new (n: number) => TypedArray)(outer * k * inner);
  if (inner === 0) return out;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const src = (o * n + indices[j]!) * inner;
      out.set(x.subarray(src, src + inner), (o * k + j) * inner);
    }
  }
  return out;
}

/** The contract-level kernel: storage in, storage out. */
export const gatherKernel: KernelImpl<'gather', TsStore> = (s, x, indices, axis) =>
  s.output(gather(s.values(x, 'gather'), x.shape, s.i32(indices, 'gather'), axis), [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)]);
