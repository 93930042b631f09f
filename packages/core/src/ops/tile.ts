import { sizeOf } from '../backend/types.js';
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { assertValidShape, fmt } from '../util/shape.js';
import { convert } from './convert.js';
import { reshape } from './reshape.js';
import { emptyFrom, takeAlong } from './take_along.js';

/**
 * `x` repeated `reps[i]` times along each axis i (tfjs's tile): output dim i
 * is `x.shape[i] * reps[i]`. Any dtype; exact. Its gradient sums the copies.
 * @example
 * tile(tensor([[1, 2]]), [2, 3]) // [[1,2,1,2,1,2],[1,2,1,2,1,2]]
 */
export function tile(x: TensorLike, reps: readonly number[]): Tensor {
  const [t, owned] = convert('tile', 'x', x);
  try {
    if (!Array.isArray(reps) || reps.length !== t.rank || !reps.every((r) => Number.isInteger(r) && r >= 0)) {
      throw new PolytensorError(`tile: reps ${JSON.stringify(reps)} must hold one non-negative integer per axis of x ${fmt(t.shape)} (${t.rank} of them)`);
    }
    const shape = t.shape.map((d, i) => d * reps[i]!);
    assertValidShape('tile', shape);
    ENGINE.checkAllocation('tile', shape, t.dtype, 'the output');
    if (sizeOf(shape) === 0)
      return emptyFrom(
        t,
        shape,
        reps.map((r) => r === 0),
      );
    return ENGINE.tidy(() => {
      let y = reshape(t, t.shape);
      t.shape.forEach((d, axis) => {
        const r = reps[axis]!;
        if (r === 1) return;
        y = takeAlong(
          y,
          axis,
          Array.from({ length: d * r }, (_, j) => j % d),
        );
      });
      return y;
    });
  } finally {
    if (owned) t.dispose();
  }
}
