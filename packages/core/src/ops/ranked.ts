// tfjs's rank-checked spellings of slice, concat and pad (slice1d … pad4d):
// the op itself after a check that the input has the rank the name promises.
import { PolytensorError } from '../errors.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { concat } from './concat.js';
import { pad } from './pad.js';
import { slice } from './slice.js';

function checkRank(op: string, arg: string, x: unknown, rank: number, general: string): void {
  // Literals are checked by the op itself (slice and pad convert them); tensors get the rank check.
  if (x instanceof Tensor && x.rank !== rank) {
    throw new PolytensorError(`${op}: ${arg} must have rank ${rank}, got shape ${fmt(x.shape)}; use ${general}() for other ranks`);
  }
}

/** slice of a rank-1 tensor. @example slice1d(tensor([1, 2, 3, 4]), 1, 2) // [2,3] */
export function slice1d(x: TensorLike, begin: number, size: number): Tensor {
  checkRank('slice1d', 'x', x, 1, 'slice');
  return slice(x, [begin], [size]);
}
/** slice of a rank-2 tensor. @example slice2d(m, [0, 1], [2, -1]) // rows 0–1, columns 1… */
export function slice2d(x: TensorLike, begin: readonly [number, number], size: readonly [number, number]): Tensor {
  checkRank('slice2d', 'x', x, 2, 'slice');
  return slice(x, begin, size);
}
/** slice of a rank-3 tensor. */
export function slice3d(x: TensorLike, begin: readonly [number, number, number], size: readonly [number, number, number]): Tensor {
  checkRank('slice3d', 'x', x, 3, 'slice');
  return slice(x, begin, size);
}
/** slice of a rank-4 tensor. */
export function slice4d(x: TensorLike, begin: readonly [number, number, number, number], size: readonly [number, number, number, number]): Tensor {
  checkRank('slice4d', 'x', x, 4, 'slice');
  return slice(x, begin, size);
}

function concatRanked(op: string, tensors: readonly Tensor[], axis: number, rank: number): Tensor {
  if (Array.isArray(tensors)) tensors.forEach((t, i) => checkRank(op, `tensors[${i}]`, t, rank, 'concat'));
  return concat(tensors, axis);
}
/** concat of rank-1 tensors. @example concat1d([a, b]) */
export const concat1d = (tensors: readonly Tensor[]): Tensor => concatRanked('concat1d', tensors, 0, 1);
/** concat of rank-2 tensors along `axis`. @example concat2d([a, b], 1) // side by side */
export const concat2d = (tensors: readonly Tensor[], axis: number): Tensor => concatRanked('concat2d', tensors, axis, 2);
/** concat of rank-3 tensors along `axis`. */
export const concat3d = (tensors: readonly Tensor[], axis: number): Tensor => concatRanked('concat3d', tensors, axis, 3);
/** concat of rank-4 tensors along `axis`. */
export const concat4d = (tensors: readonly Tensor[], axis: number): Tensor => concatRanked('concat4d', tensors, axis, 4);

type Pair = readonly [number, number];
/** pad of a rank-1 tensor. @example pad1d(tensor([1, 2]), [1, 2]) // [0,1,2,0,0] */
export function pad1d(x: TensorLike, paddings: Pair, constantValue = 0): Tensor {
  checkRank('pad1d', 'x', x, 1, 'pad');
  return pad(x, [paddings], constantValue);
}
/** pad of a rank-2 tensor. @example pad2d(m, [[1, 1], [0, 2]], -1) */
export function pad2d(x: TensorLike, paddings: readonly [Pair, Pair], constantValue = 0): Tensor {
  checkRank('pad2d', 'x', x, 2, 'pad');
  return pad(x, paddings, constantValue);
}
/** pad of a rank-3 tensor. */
export function pad3d(x: TensorLike, paddings: readonly [Pair, Pair, Pair], constantValue = 0): Tensor {
  checkRank('pad3d', 'x', x, 3, 'pad');
  return pad(x, paddings, constantValue);
}
/** pad of a rank-4 tensor. */
export function pad4d(x: TensorLike, paddings: readonly [Pair, Pair, Pair, Pair], constantValue = 0): Tensor {
  checkRank('pad4d', 'x', x, 4, 'pad');
  return pad(x, paddings, constantValue);
}
