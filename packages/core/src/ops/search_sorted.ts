// searchSorted, lowerBound, upperBound: where values would go in sorted rows.
// For a sorted row, the insertion index is the number of entries that go
// before the value (less than it for 'left', not greater for 'right'), so it
// is one count of pairwise comparisons: exact, on device, no host read. The
// comparison costs rows·n·m booleans for n values in rows of length m.
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { cast } from './cast.js';
import { less, lessEqual } from './compare.js';
import { assertDType, withTensors } from './convert.js';
import { sum } from './reduce.js';
import { reshape } from './reshape.js';

/**
 * For each of `values`, the index at which it would be inserted into its row
 * of `sortedSequence` (sorted ascending along its last axis) to keep it
 * sorted, as tfjs's searchSorted: `side` 'left' gives the first such index,
 * 'right' the last. Both have the same dtype (float32 or int32) and the same
 * number of rows (the product of the leading axes; a 1-D sequence is one
 * row); the result is int32 of `values`' shape. NaN values go to index 0 (no
 * entry compares less); an unsorted sequence gives unspecified indices (no
 * error, as in tfjs). Costs [rows, n, m] comparisons.
 * @example
 * searchSorted(tensor1d([0, 3, 9, 10, 10]), tensor1d([0, 4, 10]), 'right'); // [1, 2, 5]
 */
export function searchSorted(sortedSequence: TensorLike, values: TensorLike, side: 'left' | 'right' = 'left'): Tensor {
  return withTensors('searchSorted', { sortedSequence, values }, ({ sortedSequence: s, values: v }) => {
    assertDType('searchSorted', 'sortedSequence', s, ['float32', 'int32']);
    if (v.dtype !== s.dtype) {
      throw new PolytensorError(`searchSorted: sortedSequence is ${s.dtype} but values are ${v.dtype}; cast values with cast(values, '${s.dtype}')`);
    }
    if (side !== 'left' && side !== 'right') throw new PolytensorError(`searchSorted: side must be 'left' or 'right', got ${JSON.stringify(side)}`);
    if (s.rank === 0 || v.rank === 0) {
      throw new PolytensorError(
        `searchSorted: sortedSequence ${fmt(s.shape)} and values ${fmt(v.shape)} must have rank ≥ 1 (rows along the last axis); wrap a scalar as [x]`,
      );
    }
    const m = s.shape[s.rank - 1]!;
    const n = v.shape[v.rank - 1]!;
    const rowsOf = (t: Tensor): number => t.shape.slice(0, -1).reduce((a, d) => a * d, 1);
    if (rowsOf(s) !== rowsOf(v)) {
      throw new PolytensorError(
        `searchSorted: sortedSequence ${fmt(s.shape)} has ${rowsOf(s)} rows but values ${fmt(v.shape)} have ${rowsOf(v)}; ` +
          'their leading axes must match (one row of values per sorted row)',
      );
    }
    const r = rowsOf(s);
    return ENGINE.tidy(() => {
      const seq = reshape(s, [r, 1, m]);
      const val = reshape(v, [r, n, 1]);
      const before = side === 'left' ? less(seq, val) : lessEqual(seq, val);
      return reshape(sum(cast(before, 'int32'), 2), v.shape);
    });
  });
}

/** searchSorted(sortedSequence, values, 'left'), as tfjs's lowerBound. @example lowerBound(tensor1d([1, 2, 2, 3]), tensor1d([2])); // [1] */
export const lowerBound = (sortedSequence: TensorLike, values: TensorLike): Tensor => searchSorted(sortedSequence, values, 'left');
/** searchSorted(sortedSequence, values, 'right'), as tfjs's upperBound. @example upperBound(tensor1d([1, 2, 2, 3]), tensor1d([2])); // [3] */
export const upperBound = (sortedSequence: TensorLike, values: TensorLike): Tensor => searchSorted(sortedSequence, values, 'right');
