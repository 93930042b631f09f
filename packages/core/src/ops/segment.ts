// unsortedSegmentSum and unsortedSegmentMax: reductions of x's rows grouped by
// segment id. The ids are read on the host to check them against numSegments
// (as TensorFlow does); the sum is then one scatterAdd, the max one gather of
// the rows into a [segment, member] table (padded) and one max over members,
// so both are exact selections/accumulations and differentiable through
// scatterAdd's, gather's and max's own rules.
import { sizeOf } from '../backend/types.js';
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { concat } from './concat.js';
import { assertDType, tensor, withTensors } from './convert.js';
import { fill } from './creation.js';
import { gather, scatterAdd } from './gather.js';
import { withIndices } from './gather_nd.js';
import { max } from './reduce.js';
import { reshape } from './reshape.js';
import { slice } from './slice.js';

/** The lowest finite value of a dtype: what TensorFlow gives an empty segment of a max. */
const LOWEST = { float32: -3.4028234663852886e38, int32: -2147483648 } as const;

interface Segments {
  /** x viewed as [rows, rest]. */
  readonly rows: number;
  readonly rest: readonly number[];
  /** Each row's segment id; negative ids are dropped (as TensorFlow does). */
  readonly ids: Int32Array;
}

/** Check x, the ids (shape a prefix of x's) and numSegments; read the ids and check each is < numSegments. */
function segments(op: string, t: Tensor, idx: Tensor, numSegments: number): Segments {
  assertDType(op, 'x', t, ['float32', 'int32']);
  assertDType(op, 'segmentIds', idx, ['int32']);
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    throw new PolytensorError(`${op}: numSegments must be a non-negative integer, got ${numSegments}`);
  }
  if (idx.rank === 0 || idx.rank > t.rank || idx.shape.some((d, i) => d !== t.shape[i])) {
    throw new PolytensorError(
      `${op}: segmentIds ${fmt(idx.shape)} must have the shape of x's leading axes (x is ${fmt(t.shape)}), e.g. one id per row: [${t.shape[0] ?? 0}]`,
    );
  }
  const ids = Int32Array.from(idx.dataSync());
  for (let i = 0; i < ids.length; i++) {
    if (ids[i]! >= numSegments) {
      throw new PolytensorError(
        `${op}: segment id ${ids[i]} at position ${i} of segmentIds is out of range [0, ${numSegments}); ` +
          `raise numSegments or fix the id (negative ids drop their row)`,
      );
    }
  }
  return { rows: ids.length, rest: t.shape.slice(idx.rank), ids };
}

/**
 * Sums of the slices of `x` that share a segment id, as tfjs's
 * unsortedSegmentSum: `segmentIds` (int32, the shape of x's leading axes,
 * usually one id per row) picks each slice's segment; the result has shape
 * [numSegments, ...the rest of x's shape] and x's dtype (float32 or int32),
 * zeros for a segment with no slice. A negative id drops its slice (as
 * TensorFlow; tfjs's gradient does the same); an id ≥ numSegments is an
 * error (the ids are read on the host to check them). Differentiable with
 * respect to `x`.
 * @example
 * unsortedSegmentSum(tensor1d([1, 2, 3, 4]), tensor1d([0, 1, 0, 1], 'int32'), 2); // [4, 6]
 */
export function unsortedSegmentSum(x: TensorLike, segmentIds: TensorLike, numSegments: number): Tensor {
  return withTensors('unsortedSegmentSum', { x }, ({ x: t }) =>
    withIndices(
      'unsortedSegmentSum',
      segmentIds,
      (idx) => {
        const s = segments('unsortedSegmentSum', t, idx, numSegments);
        // Dropped rows go to an extra segment that is sliced off.
        const target = s.ids.map((id) => (id < 0 ? numSegments : id));
        return ENGINE.tidy(() => {
          const rows = reshape(t, [s.rows, ...s.rest]);
          const sums = scatterAdd(rows, tensor(target, [s.rows], 'int32'), 0, [numSegments + 1, ...s.rest]);
          return slice(
            sums,
            sums.shape.map(() => 0),
            [numSegments, ...s.rest],
          );
        });
      },
      'segmentIds',
    ),
  );
}

/**
 * Maxima of the slices of `x` that share a segment id (not in tfjs;
 * TensorFlow's unsorted_segment_max): shapes, dtypes and ids as
 * unsortedSegmentSum; a segment with no slice gets the dtype's lowest value
 * (−3.4028235e38 for float32, −2147483648 for int32), as TensorFlow gives.
 * NaN propagates, as `max` does. Differentiable with respect to `x`: the
 * gradient flows to every maximal element of a segment (as `max`'s does).
 * Gathers numSegments × (the largest segment's size) slices: cheap when the
 * segments are balanced.
 * @example
 * unsortedSegmentMax(tensor1d([1, 5, 3, 4]), tensor1d([0, 1, 0, 1], 'int32'), 3); // [3, 5, -3.4028235e38]
 */
export function unsortedSegmentMax(x: TensorLike, segmentIds: TensorLike, numSegments: number): Tensor {
  return withTensors('unsortedSegmentMax', { x }, ({ x: t }) =>
    withIndices(
      'unsortedSegmentMax',
      segmentIds,
      (idx) => {
        const s = segments('unsortedSegmentMax', t, idx, numSegments);
        const members: number[][] = Array.from({ length: numSegments }, () => []);
        s.ids.forEach((id, row) => {
          if (id >= 0) members[id]!.push(row);
        });
        // A [segment, member] table of rows, padded with row s.rows (−Inf: no effect on a max, even of −Inf
        // members) for a segment with members and row s.rows + 1 (the lowest value) for an empty one.
        const width = members.reduce((w, m) => Math.max(w, m.length), 1);
        const table = new Int32Array(numSegments * width);
        members.forEach((m, seg) => {
          for (let j = 0; j < width; j++) table[seg * width + j] = j < m.length ? m[j]! : m.length > 0 ? s.rows : s.rows + 1;
        });
        const dtype = t.dtype as 'float32' | 'int32';
        const restSize = sizeOf(s.rest);
        return ENGINE.tidy(() => {
          const none = dtype === 'float32' ? Number.NEGATIVE_INFINITY : LOWEST.int32;
          const rows = concat([reshape(t, [s.rows, restSize]), fill([1, restSize], none, dtype), fill([1, restSize], LOWEST[dtype], dtype)], 0);
          const picked = gather(rows, tensor(table, [numSegments * width], 'int32'), 0);
          return reshape(max(reshape(picked, [numSegments, width, restSize]), 1), [numSegments, ...s.rest]);
        });
      },
      'segmentIds',
    ),
  );
}
