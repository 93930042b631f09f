import { ENGINE } from '../engine/engine.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { keptShape, normalizeAxes } from '../util/shape.js';
import { cast } from './cast.js';
import { convert } from './convert.js';
import { fill } from './creation.js';
import { max, min } from './reduce.js';

function logicalReduce(op: 'any' | 'all', x: TensorLike, axis: number | number[] | null | undefined, keepDims: boolean): Tensor {
  const [t, owned] = convert(op, 'x', x);
  try {
    const axes = normalizeAxes(op, axis ?? undefined, t.rank);
    const outShape = keepDims ? keptShape(t.shape, axes) : t.shape.filter((_, i) => !axes.includes(i));
    // An empty reduction is any's identity (false) or all's (true); int32 max/min have no −∞/+∞ to give.
    if (axes.some((a) => t.shape[a] === 0)) return fill(outShape, op === 'all' ? 1 : 0, 'bool');
    return ENGINE.tidy(() => {
      const ints = cast(t.dtype === 'bool' ? t : cast(t, 'bool'), 'int32');
      return cast((op === 'any' ? max : min)(ints, axes, keepDims), 'bool');
    });
  } finally {
    if (owned) t.dispose();
  }
}

/**
 * Logical OR over `axis` (all axes by default), as tfjs's any; a bool tensor
 * (other dtypes count x ≠ 0, NaN as true). An empty reduction gives false.
 * @example
 * any(tensor([[true, false], [false, false]]), 1) // [true, false]
 */
export const any = (x: TensorLike, axis?: number | number[] | null, keepDims = false): Tensor => logicalReduce('any', x, axis, keepDims);

/**
 * Logical AND over `axis` (all axes by default), as tfjs's all; bool result.
 * An empty reduction gives true.
 * @example
 * all(tensor([[true, false], [true, true]]), 1) // [false, true]
 */
export const all = (x: TensorLike, axis?: number | number[] | null, keepDims = false): Tensor => logicalReduce('all', x, axis, keepDims);
