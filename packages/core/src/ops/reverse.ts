import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { normalizeAxes } from '../util/shape.js';
import { ENGINE } from '../engine/engine.js';
import { convert } from './convert.js';
import { reshape } from './reshape.js';
import { takeAlong } from './take_along.js';

/**
 * `x` with the order of its elements reversed along `axis` (default: every
 * axis), as tfjs's reverse. Any dtype; exact.
 * @example
 * reverse(tensor([[1, 2], [3, 4]]), 1) // [[2,1],[4,3]]
 */
export function reverse(x: TensorLike, axis?: number | readonly number[]): Tensor {
  return reverseAs('reverse', x, axis);
}

function reverseAs(op: string, x: TensorLike, axis?: number | readonly number[], rank?: number): Tensor {
  const [t, owned] = convert(op, 'x', x);
  try {
    if (rank !== undefined && t.rank !== rank) {
      throw new PolytensorError(`${op}: x must have rank ${rank}, got rank ${t.rank} (shape [${t.shape}]); use reverse() for other ranks`);
    }
    const axes = normalizeAxes(op, axis, t.rank);
    return ENGINE.tidy(() => {
      let y = reshape(t, t.shape);
      for (const a of axes) {
        const d = t.shape[a]!;
        if (d > 1 && t.size > 0)
          y = takeAlong(
            y,
            a,
            Array.from({ length: d }, (_, j) => d - 1 - j),
          );
      }
      return y;
    });
  } finally {
    if (owned) t.dispose();
  }
}

/** reverse for a rank-1 tensor. @example reverse1d(tensor([1, 2, 3])) // [3,2,1] */
export const reverse1d = (x: TensorLike): Tensor => reverseAs('reverse1d', x, undefined, 1);
/** reverse for a rank-2 tensor. @example reverse2d(m, 0) // rows in reverse order */
export const reverse2d = (x: TensorLike, axis?: number | readonly number[]): Tensor => reverseAs('reverse2d', x, axis, 2);
/** reverse for a rank-3 tensor. */
export const reverse3d = (x: TensorLike, axis?: number | readonly number[]): Tensor => reverseAs('reverse3d', x, axis, 3);
/** reverse for a rank-4 tensor. */
export const reverse4d = (x: TensorLike, axis?: number | readonly number[]): Tensor => reverseAs('reverse4d', x, axis, 4);
