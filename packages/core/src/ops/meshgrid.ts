import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { broadcastTo } from './broadcast_to.js';
import { convert } from './convert.js';
import { reshape } from './reshape.js';

/**
 * Coordinate grids from two coordinate lists (tfjs's meshgrid; each is
 * flattened): with indexing 'xy' (default) both results are [y.size, x.size],
 * X repeating x along rows and Y repeating y along columns; 'ij' gives
 * [x.size, y.size]. No x gives [], no y gives [x]. Gradients sum back.
 * @example
 * const [X, Y] = meshgrid([1, 2, 3], [4, 5]) // X [[1,2,3],[1,2,3]], Y [[4,4,4],[5,5,5]]
 */
export function meshgrid(x?: TensorLike, y?: TensorLike, { indexing = 'xy' }: { indexing?: 'xy' | 'ij' } = {}): Tensor[] {
  if (indexing !== 'xy' && indexing !== 'ij') throw new PolytensorError(`meshgrid: indexing must be 'xy' or 'ij', got ${JSON.stringify(indexing)}`);
  if (x === undefined) return [];
  const [tx, ownX] = convert('meshgrid', 'x', x);
  try {
    if (y === undefined) return [reshape(tx, tx.shape)];
    const [ty, ownY] = convert('meshgrid', 'y', y);
    try {
      const [w, h] = [tx.size, ty.size];
      return ENGINE.tidy(() =>
        indexing === 'xy'
          ? [broadcastTo(reshape(tx, [1, w]), [h, w]), broadcastTo(reshape(ty, [h, 1]), [h, w])]
          : [broadcastTo(reshape(tx, [w, 1]), [w, h]), broadcastTo(reshape(ty, [1, h]), [w, h])],
      );
    } finally {
      if (ownY) ty.dispose();
    }
  } finally {
    if (ownX) tx.dispose();
  }
}
