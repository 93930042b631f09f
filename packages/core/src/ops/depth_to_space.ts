import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { convert } from './convert.js';
import { remap } from './take_along.js';

/**
 * Move depth into blockSize × blockSize spatial blocks (tfjs's depthToSpace,
 * the pixel shuffle): NHWC [n, h, w, c] → [n, h·bs, w·bs, c/bs²]; output
 * (y, x, k) reads channel ((y % bs)·bs + x % bs)·(c/bs²) + k at (y/bs, x/bs).
 * 'NCHW' moves the same elements with channels on axis 1. Any dtype; exact.
 * @example
 * depthToSpace(x, 2) // [1,1,1,4] → [1,2,2,1]
 */
export function depthToSpace(x: TensorLike, blockSize: number, dataFormat: 'NHWC' | 'NCHW' = 'NHWC'): Tensor {
  const [t, owned] = convert('depthToSpace', 'x', x);
  try {
    if (dataFormat !== 'NHWC' && dataFormat !== 'NCHW') {
      throw new PolytensorError(`depthToSpace: dataFormat must be 'NHWC' or 'NCHW', got ${JSON.stringify(dataFormat)}`);
    }
    if (t.rank !== 4) throw new PolytensorError(`depthToSpace: x must have rank 4 (${dataFormat}), got shape ${fmt(t.shape)}`);
    if (!Number.isInteger(blockSize) || blockSize < 2) throw new PolytensorError(`depthToSpace: blockSize must be an integer ≥ 2, got ${blockSize}`);
    const nchw = dataFormat === 'NCHW';
    const [n, h, w, c] = nchw ? [t.shape[0]!, t.shape[2]!, t.shape[3]!, t.shape[1]!] : [t.shape[0]!, t.shape[1]!, t.shape[2]!, t.shape[3]!];
    const bs = blockSize;
    if (c % (bs * bs) !== 0) {
      throw new PolytensorError(`depthToSpace: the ${c} channels of x ${fmt(t.shape)} are not divisible by blockSize² = ${bs * bs}`);
    }
    const k = c / (bs * bs);
    const shape = nchw ? [n, k, h * bs, w * bs] : [n, h * bs, w * bs, k];
    ENGINE.checkAllocation('depthToSpace', shape, t.dtype, 'the output');
    return remap(t, shape, (o) => {
      const [b, y, xx, ch] = nchw ? [o[0]!, o[2]!, o[3]!, o[1]!] : [o[0]!, o[1]!, o[2]!, o[3]!];
      const depth = ((y % bs) * bs + (xx % bs)) * k + ch;
      const row = Math.floor(y / bs);
      const col = Math.floor(xx / bs);
      return nchw ? [b, depth, row, col] : [b, row, col, depth];
    });
  } finally {
    if (owned) t.dispose();
  }
}
