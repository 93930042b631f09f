import { sizeOfShape, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { WebGLStore } from '../store.js';

/** tfjs's Concat kernel (empty pieces dropped first; one piece is a copy). */
export function concat(s: WebGLStore, xs: readonly TensorInfo[], axis: number): TensorInfo {
  const shape = [...xs[0]!.shape];
  shape[axis] = xs.reduce((a, x) => a + x.shape[axis]!, 0);
  const dtype = xs[0]!.dtype;
  if (xs.some((x) => s.onHostOnly(x))) return s.onHost(xs, (ts, hs) => ts.concat(hs, axis));
  const bound = xs.reduce((a, x) => Math.max(a, s.bound(x)), 0);
  if (sizeOfShape(shape) === 0) return s.fromValues(new Float32Array(0), shape, dtype);
  const pieces = xs.filter((x) => sizeOfShape(x.shape) > 0);
  if (pieces.length === 1) return s.copy(pieces[0]!, shape);
  const out = s.kernel('Concat', pieces, { axis });
  return s.wrap(out, shape, dtype, bound);
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const concatKernel: KernelImpl<'concat', WebGLStore> = (s, xs, axis) => concat(s.enter('concat'), xs, axis);
