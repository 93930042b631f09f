// cumsum and cumprod as a parallel scan (Hillis–Steele): ⌈log2 n⌉ steps, each
// combining every element with its neighbour 2^k before it (after it when
// reverse), out-of-range neighbours being the identity (a pad and a slice).
// Only adds or multiplies of real elements: ±Inf and NaN reach the positions
// after them and no others (a triangular matMul would spread 0·Inf = NaN), and
// cumprod's gradient, through products only, is right with zeros in x.
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { normalizeAxis } from '../util/shape.js';
import { add, mul } from './binary.js';
import { clone } from './cast.js';
import { assertDType, convert } from './convert.js';
import { pad } from './pad.js';
import { slice } from './slice.js';

function scan(op: 'cumsum' | 'cumprod', x: TensorLike, axis: number, exclusive: boolean, reverse: boolean): Tensor {
  const [t, owned] = convert(op, 'x', x);
  try {
    assertDType(op, 'x', t, ['float32', 'int32']);
    if (t.rank === 0) throw new PolytensorError(`${op}: x is a scalar; it needs an axis to accumulate along (reshape it to [1])`);
    const a = normalizeAxis(op, axis, t.rank);
    const n = t.shape[a]!;
    const identity = op === 'cumsum' ? 0 : 1;
    const combine = op === 'cumsum' ? add : mul;
    return ENGINE.tidy(() => {
      // y shifted by s along the axis: y[i − s] (y[i + s] when reverse), the identity where that is outside.
      const shifted = (y: Tensor, s: number): Tensor => {
        const paddings = t.shape.map((_, i): [number, number] => (i !== a ? [0, 0] : reverse ? [0, s] : [s, 0]));
        const begin = t.shape.map((_, i) => (i === a && reverse ? s : 0));
        return slice(pad(y, paddings, identity), begin, t.shape);
      };
      let y = exclusive ? shifted(t, 1) : t;
      for (let s = 1; s < n; s *= 2) y = combine(y, shifted(y, s));
      return y === t ? clone(t) : y;
    });
  } finally {
    if (owned) t.dispose();
  }
}

/**
 * Running sum along `axis`, as tfjs's cumsum: `exclusive` leaves each
 * element out of its own sum (the first is 0), `reverse` sums from the end.
 * float32 or int32 (int32 exact, wrapping). Summed as a tree of ⌈log2 n⌉
 * levels, so each element is within ⌈log2 n⌉·u·Σ|x| of the exact sum.
 * @example
 * cumsum(tensor([1, 2, 3, 4])) // [1, 3, 6, 10]
 * cumsum(tensor([1, 2, 3, 4]), 0, true, true) // [9, 7, 4, 0]
 */
export function cumsum(x: TensorLike, axis = 0, exclusive = false, reverse = false): Tensor {
  return scan('cumsum', x, axis, exclusive, reverse);
}

/**
 * Running product along `axis`, as tfjs's cumprod (`exclusive`, `reverse` as
 * cumsum). float32 or int32. Its gradient is exact with zeros in x (it is
 * computed through products, never by dividing the output by x).
 * @example
 * cumprod(tensor([1, 2, 3, 4])) // [1, 2, 6, 24]
 */
export function cumprod(x: TensorLike, axis = 0, exclusive = false, reverse = false): Tensor {
  return scan('cumprod', x, axis, exclusive, reverse);
}
