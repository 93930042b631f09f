import type { TensorInfo, KernelImpl } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { isContiguousSlice } from '../tfjs.js';

/**
 * tfjs's Slice kernel (contiguous slices of unpacked textures share the texture: no copy).
 * Other slices run tfjs's packed slice program, which packs an unpacked input into a
 * temporary on every call: the input is packed once, in place, instead (see packInPlace).
 */
export function slice(s: WebGLStore, x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo {
  if (s.onHostOnly(x)) return s.onHost([x], (ts, [hx]) => ts.slice(hx!, begin, size));
  if (x.shape.length === 0) return s.copy(x);
  if (!isContiguousSlice(x.shape, begin, size)) s.packInPlace(x, 'slice');
  const out = s.kernel('Slice', { x }, { begin: [...begin], size: [...size] });
  return s.wrap(out, size, x.dtype, s.bound(x));
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const sliceKernel: KernelImpl<'slice', WebGLStore> = (s, x, begin, size) => slice(s.enter('slice'), x, begin, size);
