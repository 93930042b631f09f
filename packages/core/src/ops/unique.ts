// unique: the distinct slices of x along an axis, in order of first
// appearance, as tfjs's unique. The output's size depends on the values, so
// they are read on the host; the distinct slices are then one gather of their
// first occurrences (bits kept as they were).
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { normalizeAxis } from '../util/shape.js';
import { tensor, withTensors } from './convert.js';
import { gather } from './gather.js';

/**
 * The distinct slices of `x` along `axis` (default 0) in order of first
 * appearance, and for each slice of `x` the index of its distinct slice, as
 * tfjs's unique: `values` (x's dtype; along `axis` as many as there are
 * distinct slices) and `indices` (int32, [x.shape[axis]]). Slices are equal
 * when their values are: NaN equals NaN and −0 equals 0 (as tfjs compares
 * them); `values` keeps the first occurrence's bits. Reads `x` on the host,
 * since the output's size depends on it. Not differentiable (as in tfjs).
 * @example
 * const { values, indices } = unique(tensor1d([4, 1, 4, 2])); // values [4, 1, 2], indices [0, 1, 0, 2]
 */
export function unique(x: TensorLike, axis = 0): { values: Tensor; indices: Tensor } {
  return withTensors('unique', { x }, ({ x: t }) => {
    if (t.rank === 0) throw new PolytensorError('unique: x is a scalar; it needs rank ≥ 1 (unique works along an axis)');
    const a = normalizeAxis('unique', axis, t.rank);
    const dim = t.shape[a]!;
    const inner = t.shape.slice(a + 1).reduce((p, d) => p * d, 1);
    const outer = t.shape.slice(0, a).reduce((p, d) => p * d, 1);
    const data = t.dataSync();
    const ids = new Map<string, number>();
    const first: number[] = [];
    const indices = new Int32Array(dim);
    for (let i = 0; i < dim; i++) {
      const parts: string[] = [];
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < inner; j++) {
          const v = data[(o * dim + i) * inner + j]!;
          parts.push(v === 0 ? '0' : String(v)); // −0 and 0 alike; NaN is 'NaN'
        }
      }
      const key = parts.join(',');
      let id = ids.get(key);
      if (id === undefined) {
        id = first.length;
        ids.set(key, id);
        first.push(i);
      }
      indices[i] = id;
    }
    const picks = tensor(Int32Array.from(first), [first.length], 'int32');
    try {
      return { values: gather(t, picks, a), indices: tensor(indices, [dim], 'int32') };
    } finally {
      picks.dispose();
    }
  });
}
