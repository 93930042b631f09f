// split and unstack: several outputs from one tensor, recorded on the tape as
// one node. Their gradient is one concat of the outputs' gradients (zeros for
// outputs no gradient reached); a slice per output, each with slice's own
// rule, would pad every output's gradient to the input's full size and add
// them up: quadratic in the number of pieces (an RNN's time steps, its gates).
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt, normalizeAxis } from '../util/shape.js';
import { concat } from './concat.js';
import { convert } from './convert.js';
import { zeros } from './creation.js';
import { reshape } from './reshape.js';
import { slice } from './slice.js';

/** The pieces' sizes along the axis, checked: n equal pieces, or explicit sizes with at most one -1 (the rest). */
function pieceSizes(numOrSizeSplits: number | readonly number[], dim: number, shape: readonly number[], axis: number): number[] {
  if (typeof numOrSizeSplits === 'number') {
    const n = numOrSizeSplits;
    if (!Number.isInteger(n) || n <= 0 || dim % n !== 0) {
      throw new PolytensorError(
        `split: cannot split axis ${axis} of ${fmt(shape)} (size ${dim}) into ${n} equal pieces; pass a divisor of ${dim} or a list of sizes`,
      );
    }
    return new Array<number>(n).fill(dim / n);
  }
  if (!Array.isArray(numOrSizeSplits) || numOrSizeSplits.length === 0) {
    throw new PolytensorError(`split: numOrSizeSplits must be a positive integer or a non-empty list of sizes, got ${JSON.stringify(numOrSizeSplits)}`);
  }
  const sizes = [...numOrSizeSplits];
  const free = sizes.indexOf(-1);
  const bad = sizes.some((s) => !(Number.isInteger(s) && (s >= 0 || s === -1))) || free !== sizes.lastIndexOf(-1);
  const known = sizes.reduce((a, s) => (s === -1 ? a : a + s), 0);
  if (bad || (free < 0 ? known !== dim : known > dim)) {
    throw new PolytensorError(
      `split: sizes [${sizes}] must be non-negative integers (at most one -1 for the rest) adding up to ${dim}, the size of axis ${axis} of ${fmt(shape)}`,
    );
  }
  if (free >= 0) sizes[free] = dim - known;
  return sizes;
}

/** `x` cut along `axis` at the given offsets, recorded as one node whose gradient joins the pieces' gradients with one concat. */
function cut(op: string, t: Tensor, axis: number, sizes: readonly number[], shapeOf: (piece: readonly number[]) => readonly number[]): Tensor[] {
  const outs = ENGINE.untaped(() => {
    let offset = 0;
    return sizes.map((s) => {
      const begin = t.shape.map((_, i) => (i === axis ? offset : 0));
      offset += s;
      const size = t.shape.map((d, i) => (i === axis ? s : d));
      const piece = slice(t, begin, size);
      const shape = shapeOf(size);
      if (shape.length === size.length) return piece;
      const view = reshape(piece, shape);
      piece.dispose();
      return view;
    });
  });
  ENGINE.recordMulti(op, [t], outs, (dys, { inputs }) => [
    () =>
      ENGINE.tidy(() => {
        const x = inputs[0]!;
        const parts = dys.map((dy, i) => {
          const size = x.shape.map((d, j) => (j === axis ? sizes[i]! : d));
          return dy ? reshape(dy, size) : zeros(size, x.dtype);
        });
        return concat(parts, axis);
      }),
  ]);
  return outs;
}

/**
 * Split `x` along `axis` into `numOrSizeSplits` equal pieces, or pieces of the
 * given sizes (one may be -1: the rest), as tfjs's split.
 * @example
 * const [i, f, g, o] = split(gates, 4, 1); // [b, 4u] → four [b, u]
 */
export function split(x: TensorLike, numOrSizeSplits: number | readonly number[], axis = 0): Tensor[] {
  const [t, owned] = convert('split', 'x', x);
  try {
    if (t.rank === 0) throw new PolytensorError('split: x is a scalar; it needs at least one axis to split along');
    const a = normalizeAxis('split', axis, t.rank);
    const sizes = pieceSizes(numOrSizeSplits, t.shape[a]!, t.shape, a);
    return cut('split', t, a, sizes, (size) => size);
  } finally {
    if (owned) t.dispose();
  }
}

/**
 * The slices of `x` along `axis`, that axis removed (stack's inverse), as
 * tfjs's unstack.
 * @example
 * const steps = unstack(x, 1); // [batch, time, f] → time tensors [batch, f]
 */
export function unstack(x: TensorLike, axis = 0): Tensor[] {
  const [t, owned] = convert('unstack', 'x', x);
  try {
    if (t.rank === 0) throw new PolytensorError('unstack: x is a scalar; it needs at least one axis to unstack along');
    const a = normalizeAxis('unstack', axis, t.rank);
    if (t.shape[a] === 0) return [];
    return cut('unstack', t, a, new Array<number>(t.shape[a]!).fill(1), (size) => size.filter((_, i) => i !== a));
  } finally {
    if (owned) t.dispose();
  }
}
