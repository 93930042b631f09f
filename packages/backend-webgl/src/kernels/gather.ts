import type { TensorInfo } from '@polytensor/core';
import type { Runtime } from '../runtime.js';
import { sizeOfShape } from '../util.js';

/** tfjs's GatherV2 kernel (indices are read as floats in the shader: exact for any valid index). */
export function gather(rt: Runtime, x: TensorInfo, indices: TensorInfo, axis: number): TensorInfo {
  const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  if (rt.onHostOnly(x) || rt.onHostOnly(indices)) return rt.onHost([x, indices], (ts, [hx, hi]) => ts.gather(hx!, hi!, axis));
  if (sizeOfShape(shape) === 0) return rt.fromValues(new Float32Array(0), shape, x.dtype);
  const out = rt.kernel('GatherV2', { x, indices }, { axis, batchDims: 0 });
  return rt.wrap(out, shape, x.dtype, rt.bound(x));
}
