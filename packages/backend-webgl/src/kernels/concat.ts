import type { TensorInfo } from '@polytensor/core';
import type { Runtime } from '../runtime.js';
import { sizeOfShape } from '../util.js';

/** tfjs's Concat kernel (empty pieces dropped first; one piece is a copy). */
export function concat(rt: Runtime, xs: readonly TensorInfo[], axis: number): TensorInfo {
  const shape = [...xs[0]!.shape];
  shape[axis] = xs.reduce((a, x) => a + x.shape[axis]!, 0);
  const dtype = xs[0]!.dtype;
  if (xs.some((x) => rt.onHostOnly(x))) return rt.onHost(xs, (ts, hs) => ts.concat(hs, axis));
  const bound = xs.reduce((a, x) => Math.max(a, rt.bound(x)), 0);
  if (sizeOfShape(shape) === 0) return rt.fromValues(new Float32Array(0), shape, dtype);
  const pieces = xs.filter((x) => sizeOfShape(x.shape) > 0);
  if (pieces.length === 1) return rt.copy(pieces[0]!, shape);
  const out = rt.kernel('Concat', pieces, { axis });
  return rt.wrap(out, shape, dtype, bound);
}
