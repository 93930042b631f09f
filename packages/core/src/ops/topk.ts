// topk: the k largest entries of each row (last axis), as tfjs's topk. Without
// a sort kernel, each entry's rank in its row is counted from pairwise
// comparisons (how many entries come before it: larger, or equal at a lower
// index), the indices are read off the ranks 0..k-1, and each value is the
// max of its row masked to the one entry of its rank: exact on every backend,
// no host read, and differentiable through where and max. The comparison
// costs rows·n² booleans: fine for class scores and moderate rows, not for
// sorting long vectors.
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { mul } from './binary.js';
import { cast } from './cast.js';
import { equal, greater, logicalAnd, logicalOr } from './compare.js';
import { assertDType, tensor, withTensors } from './convert.js';
import { fill } from './creation.js';
import { max, sum } from './reduce.js';
import { reshape } from './reshape.js';
import { isNaN as isNaNT, logicalNot } from './unary.js';
import { where } from './where.js';

/**
 * The `k` largest entries along the last axis of `x` (float32 or int32) and
 * their indices, as tfjs's topk: `values` (x's dtype) and `indices` (int32),
 * both of shape [...x.shape[:-1], k], largest first; equal entries in order
 * of index (lower first, −0 and 0 equal), NaN above every number. The result
 * is sorted whatever `_sorted` says (tfjs leaves the order unspecified when it
 * is false). `values` is differentiable (the gradient goes back to the picked
 * entries). Costs [rows, n, n] comparisons for rows of length n; reads
 * nothing back to the host.
 * @example
 * const { values, indices } = topk(tensor1d([1, 5, 3, 5]), 2); // values [5, 5], indices [1, 3]
 */
export function topk(x: TensorLike, k = 1, _sorted = true): { values: Tensor; indices: Tensor } {
  return withTensors('topk', { x }, ({ x: t }) => {
    assertDType('topk', 'x', t, ['float32', 'int32']);
    if (t.rank === 0) throw new PolytensorError('topk: x is a scalar; it needs rank ≥ 1 (topk works along the last axis)');
    const n = t.shape[t.rank - 1]!;
    if (!Number.isInteger(k) || k < 0 || k > n) {
      throw new PolytensorError(`topk: k must be an integer in [0, ${n}] (the last axis of x ${fmt(t.shape)}), got ${k}`);
    }
    const lead = t.shape.slice(0, -1);
    const rows = lead.reduce((a, d) => a * d, 1);
    return ENGINE.tidy(() => {
      const xr = reshape(t, [rows, n]);
      const xi = reshape(xr, [rows, n, 1]);
      const xj = reshape(xr, [rows, 1, n]);
      // before[r, i, j]: entry j comes before entry i.
      const lower = new Uint8Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) lower[i * n + j] = 1;
      const jLower = tensor(lower, [1, n, n], 'bool');
      let larger = greater(xj, xi);
      let same = equal(xj, xi);
      if (t.dtype === 'float32') {
        const nanI = isNaNT(xi);
        const nanJ = isNaNT(xj);
        larger = logicalOr(larger, logicalAnd(nanJ, logicalNot(nanI)));
        same = logicalOr(same, logicalAnd(nanJ, nanI));
      }
      const before = logicalOr(larger, logicalAnd(same, jLower));
      const rank = sum(cast(before, 'int32'), 2); // [rows, n]
      const ranks = tensor(
        Int32Array.from({ length: k }, (_, r) => r),
        [1, k, 1],
        'int32',
      );
      const at = equal(reshape(rank, [rows, 1, n]), ranks); // [rows, k, n]: entry i has rank r
      const iota = tensor(
        Int32Array.from({ length: n }, (_, i) => i),
        [1, 1, n],
        'int32',
      );
      const indices = sum(mul(cast(at, 'int32'), iota), 2); // [rows, k]
      // Each output's one entry, the rest the lowest value: a max picks it bit for bit (−0, NaN, −Inf too)
      // with no index read back to the host, and max's gradient reaches only that entry.
      const lowest = t.dtype === 'float32' ? Number.NEGATIVE_INFINITY : -2147483648;
      const values = max(where(at, xj, fill([], lowest, t.dtype)), 2);
      return { values: reshape(values, [...lead, k]), indices: reshape(indices, [...lead, k]) };
    });
  });
}
