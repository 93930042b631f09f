import type { KernelImpl } from '@polytensor/core';
import type { TsStore } from '../store.js';

/** [...indices.shape, depth] float32: onValue at each in-range index, offValue everywhere else. */
export function oneHot(indices: Int32Array, depth: number, onValue: number, offValue: number): Float32Array {
  const out = new Float32Array(indices.length * depth);
  if (!Object.is(offValue, 0)) out.fill(offValue);
  for (let i = 0; i < indices.length; i++) {
    const idx = indices[i]!;
    if (idx >= 0 && idx < depth) out[i * depth + idx] = onValue;
  }
  return out;
}

/** The contract-level kernel: storage in, storage out. */
export const oneHotKernel: KernelImpl<'oneHot', TsStore> = (s, indices, depth, onValue, offValue) =>
  s.output(oneHot(s.i32(indices, 'oneHot'), depth, onValue, offValue), [...indices.shape, depth]);
