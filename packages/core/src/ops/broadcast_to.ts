import { sizeOf } from '../backend/types.js';
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { assertValidShape, fmt } from '../util/shape.js';
import { convert, scalar } from './convert.js';
import { fill } from './creation.js';
import { reshape } from './reshape.js';
import { emptyFrom } from './take_along.js';
import { where } from './where.js';

/**
 * `x` broadcast to `shape` (NumPy rules, as tfjs's broadcastTo): leading axes
 * are added, and each axis of `x` must equal the target's or be 1. Any dtype;
 * exact. Its gradient sums over the broadcast axes.
 * @example
 * broadcastTo(tensor([1, 2, 3]), [2, 3]) // [[1,2,3],[1,2,3]]
 */
export function broadcastTo(x: TensorLike, shape: readonly number[]): Tensor {
  const [t, owned] = convert('broadcastTo', 'x', x);
  try {
    if (!Array.isArray(shape)) throw new PolytensorError(`broadcastTo: shape must be an array of dimensions, got ${JSON.stringify(shape)}`);
    assertValidShape('broadcastTo', shape);
    const lead = shape.length - t.rank;
    if (lead < 0 || t.shape.some((d, i) => d !== shape[lead + i] && d !== 1)) {
      throw new PolytensorError(
        `broadcastTo: x ${fmt(t.shape)} cannot be broadcast to ${fmt(shape)}; the target needs at least x's rank, ` +
          `and each axis of x must equal the target's (aligned from the right) or be 1`,
      );
    }
    ENGINE.checkAllocation('broadcastTo', shape, t.dtype, 'the output');
    return ENGINE.tidy(() => {
      const padded = reshape(t, [...new Array<number>(lead).fill(1), ...t.shape]);
      if (padded.shape.every((d, i) => d === shape[i])) return padded;
      if (sizeOf(shape) === 0)
        return emptyFrom(
          padded,
          shape,
          shape.map((d) => d === 0),
        );
      // One where kernel moves the values (exact for every dtype, −0 and NaN kept); its rule sums dy back to x's shape.
      return where(fill(shape, 1, 'bool'), padded, scalar(0, t.dtype));
    });
  } finally {
    if (owned) t.dispose();
  }
}
