import { sizeOfShape, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { WebGLStore } from '../store.js';

/** tfjs's GatherV2 kernel (indices are read as floats in the shader: exact for any valid index). */
export function gather(s: WebGLStore, x: TensorInfo, indices: TensorInfo, axis: number): TensorInfo {
  const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  if (s.onHostOnly(x) || s.onHostOnly(indices)) return s.onHost([x, indices], (ts, [hx, hi]) => ts.gather(hx!, hi!, axis));
  if (sizeOfShape(shape) === 0) return s.fromValues(new Float32Array(0), shape, x.dtype);
  const out = s.kernel('GatherV2', { x, indices }, { axis, batchDims: 0 });
  return s.wrap(out, shape, x.dtype, s.bound(x));
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const gatherKernel: KernelImpl<'gather', WebGLStore> = (s, x, indices, axis) => gather(s.enter('gather'), x, indices, axis);
