// spaceToBatchND and batchToSpaceND (TensorFlow's, NHWC-style layout:
// [batch, ...spatial, ...rest]): blocks of the spatial axes move into the
// batch axis and back, as dilated convolutions use them. One gather each at
// host-computed positions (a transpose would need 2M + 2 axes).
import { sizeOf } from '../backend/types.js';
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { convert } from './convert.js';
import { pad } from './pad.js';
import { remap } from './take_along.js';

function checkBlocks(op: string, x: Tensor, blockShape: readonly number[], pairs: readonly (readonly number[])[], pairsName: string): void {
  const m = Array.isArray(blockShape) ? blockShape.length : 0;
  if (m === 0 || !blockShape.every((b) => Number.isInteger(b) && b >= 1)) {
    throw new PolytensorError(`${op}: blockShape ${JSON.stringify(blockShape)} must be a non-empty list of positive integers, one per spatial axis`);
  }
  if (x.rank < m + 1) {
    throw new PolytensorError(`${op}: x ${fmt(x.shape)} has rank ${x.rank}; blockShape [${blockShape}] needs rank ≥ ${m + 1} ([batch, ${m} spatial axes, …])`);
  }
  if (!Array.isArray(pairs) || pairs.length !== m || !pairs.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => Number.isInteger(v) && v >= 0))) {
    throw new PolytensorError(`${op}: ${pairsName} ${JSON.stringify(pairs)} must hold one [start, end] pair of non-negative integers per block axis (${m})`);
  }
}

/**
 * Pad the spatial axes 1..M of `x` by `paddings`, then move each
 * blockShape-sized block into the batch axis (tfjs's spaceToBatchND):
 * [b, h, w, c] with block [2, 2] → [4b, h/2, w/2, c]. Each padded spatial size
 * must be divisible by its block. Any dtype; exact.
 * @example
 * spaceToBatchND(x, [2, 2], [[0, 0], [0, 0]]) // [1,4,4,1] → [4,2,2,1]
 */
export function spaceToBatchND(x: TensorLike, blockShape: readonly number[], paddings: readonly (readonly number[])[]): Tensor {
  const [t, owned] = convert('spaceToBatchND', 'x', x);
  try {
    checkBlocks('spaceToBatchND', t, blockShape, paddings, 'paddings');
    const m = blockShape.length;
    const padded = t.shape.map((d, i) => (i >= 1 && i <= m ? d + paddings[i - 1]![0]! + paddings[i - 1]![1]! : d));
    const bad = blockShape.findIndex((b, i) => padded[i + 1]! % b !== 0);
    if (bad >= 0) {
      throw new PolytensorError(
        `spaceToBatchND: spatial axis ${bad + 1} of x ${fmt(t.shape)} padded by [${paddings[bad]}] has size ${padded[bad + 1]}, ` +
          `not divisible by its block ${blockShape[bad]}; change the paddings so it is`,
      );
    }
    const batch = t.shape[0]!;
    const shape = [batch * sizeOf(blockShape), ...blockShape.map((b, i) => padded[i + 1]! / b), ...t.shape.slice(m + 1)];
    return ENGINE.tidy(() => {
      const p = pad(
        t,
        t.shape.map((_, i) => (i >= 1 && i <= m ? ([paddings[i - 1]![0]!, paddings[i - 1]![1]!] as const) : ([0, 0] as const))),
      );
      // Output batch ob = offset·batch + b, offset running over the block row-major; spatial j ← j·block + its offset.
      return remap(p, shape, (o) => {
        const b = o[0]! % batch;
        let offset = Math.floor(o[0]! / batch);
        const src = [...o];
        src[0] = b;
        for (let i = m - 1; i >= 0; i--) {
          src[i + 1] = o[i + 1]! * blockShape[i]! + (offset % blockShape[i]!);
          offset = Math.floor(offset / blockShape[i]!);
        }
        return src;
      });
    });
  } finally {
    if (owned) t.dispose();
  }
}

/**
 * The inverse of spaceToBatchND (tfjs's batchToSpaceND): the batch axis'
 * blocks move back into the spatial axes 1..M, then `crops` are cut off:
 * [4b, h, w, c] with block [2, 2] → [b, 2h, 2w, c]. The batch must be
 * divisible by the block's size. Any dtype; exact.
 * @example
 * batchToSpaceND(y, [2, 2], [[0, 0], [0, 0]]) // [4,2,2,1] → [1,4,4,1]
 */
export function batchToSpaceND(x: TensorLike, blockShape: readonly number[], crops: readonly (readonly number[])[]): Tensor {
  const [t, owned] = convert('batchToSpaceND', 'x', x);
  try {
    checkBlocks('batchToSpaceND', t, blockShape, crops, 'crops');
    const m = blockShape.length;
    const blocks = sizeOf(blockShape);
    if (t.shape[0]! % blocks !== 0) {
      throw new PolytensorError(
        `batchToSpaceND: the batch ${t.shape[0]} of x ${fmt(t.shape)} is not divisible by the block's size ${blocks} (${blockShape.join('·')})`,
      );
    }
    const full = blockShape.map((b, i) => t.shape[i + 1]! * b);
    const bad = crops.findIndex((c, i) => c[0]! + c[1]! > full[i]!);
    if (bad >= 0) {
      throw new PolytensorError(
        `batchToSpaceND: crops [${crops[bad]}] on spatial axis ${bad + 1} remove more than its size ${full[bad]} after the blocks move back`,
      );
    }
    const batch = t.shape[0]! / blocks;
    const shape = [batch, ...full.map((d, i) => d - crops[i]![0]! - crops[i]![1]!), ...t.shape.slice(m + 1)];
    return remap(t, shape, (o) => {
      let offset = 0;
      const src = [...o];
      for (let i = 0; i < m; i++) {
        const y = o[i + 1]! + crops[i]![0]!;
        offset = offset * blockShape[i]! + (y % blockShape[i]!);
        src[i + 1] = Math.floor(y / blockShape[i]!);
      }
      src[0] = offset * batch + o[0]!;
      return src;
    });
  } finally {
    if (owned) t.dispose();
  }
}
