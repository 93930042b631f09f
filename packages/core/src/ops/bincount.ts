// bincount and denseBincount: counts (or summed weights) of each value of x
// in [0, size). x is read on the host to check that no value is negative (as
// tfjs's kernels do); the counts are then one scatterAdd, values ≥ size going
// to an extra bin that is sliced off.
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { cast } from './cast.js';
import { greater } from './compare.js';
import { assertDType, convert, tensor } from './convert.js';
import { ones } from './creation.js';
import { scatterAdd } from './gather.js';
import { reshape } from './reshape.js';
import { slice } from './slice.js';

/** Counts of x's rows (x [rows, n]) into [rows, size]: weights (same size as x, or empty for counts of 1). */
function count(op: string, x: TensorLike, weights: TensorLike, size: number, binaryOutput: boolean, maxRank: number): Tensor {
  const [t, ownT] = Array.isArray(x) || typeof x === 'number' ? [tensor(x, undefined, 'int32'), true] : convert(op, 'x', x);
  const [w, ownW] = convert(op, 'weights', weights);
  try {
    assertDType(op, 'x', t, ['int32']);
    assertDType(op, 'weights', w, ['float32', 'int32']);
    if (t.rank < 1 || t.rank > maxRank) {
      throw new PolytensorError(`${op}: x ${fmt(t.shape)} must have rank ${maxRank === 1 ? '1' : '1 or 2'}, got rank ${t.rank}`);
    }
    if (!Number.isInteger(size) || size < 0) throw new PolytensorError(`${op}: size must be a non-negative integer, got ${size}`);
    if (w.size !== 0 && w.size !== t.size) {
      throw new PolytensorError(`${op}: weights ${fmt(w.shape)} must have x's size (x is ${fmt(t.shape)}) or be empty ([]) to count each value once`);
    }
    const values = t.dataSync();
    const bins = new Int32Array(values.length);
    const n = t.shape[t.rank - 1]!;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < 0) throw new PolytensorError(`${op}: x holds ${v} at position ${i}; bincount counts values in [0, ${size}) and x must be non-negative`);
      // Bin of element i in the flat [rows, size + 1] output: its row's block, value ≥ size to the block's extra bin.
      bins[i] = Math.floor(i / n) * (size + 1) + Math.min(v, size);
    }
    const rows = t.rank === 2 ? t.shape[0]! : 1;
    return ENGINE.tidy(() => {
      const amounts = w.size === 0 || binaryOutput ? ones([t.size], w.dtype) : reshape(w, [t.size]);
      const sums = reshape(scatterAdd(amounts, tensor(bins, [bins.length], 'int32'), 0, [rows * (size + 1)]), [rows, size + 1]);
      const kept = slice(sums, [0, 0], [rows, size]);
      const out = binaryOutput ? cast(greater(kept, 0), w.dtype) : kept;
      return t.rank === 2 ? out : reshape(out, [size]);
    });
  } finally {
    if (ownT) t.dispose();
    if (ownW) w.dispose();
  }
}

/**
 * How often each value in [0, size) occurs in `x` (int32, rank 1), or the sum
 * of `weights` (x's size, float32 or int32) over its occurrences, as tfjs's
 * bincount: [size] of weights' dtype (pass `[]` as weights to count; its
 * dtype is then float32). Values ≥ size are ignored; a negative value is an
 * error (x is read on the host to check, as tfjs's kernels do).
 * Differentiable with respect to `weights`.
 * @example
 * bincount(tensor1d([1, 1, 3], 'int32'), [], 4); // [0, 2, 0, 1]
 */
export function bincount(x: TensorLike, weights: TensorLike, size: number): Tensor {
  return count('bincount', x, weights, size, false, 1);
}

/**
 * bincount of a vector, or of each row of a matrix ([rows, size]), as tfjs's
 * denseBincount; `binaryOutput` gives 1 where a value occurs at all (weights
 * ignored, their dtype kept). Reads `x` on the host to check it is
 * non-negative. Differentiable with respect to `weights`.
 * @example
 * denseBincount(tensor2d([[0, 2], [2, 2]], [2, 2], 'int32'), [], 3, true); // [[1, 0, 1], [0, 0, 1]]
 */
export function denseBincount(x: TensorLike, weights: TensorLike, size: number, binaryOutput = false): Tensor {
  return count('denseBincount', x, weights, size, binaryOutput, 2);
}
