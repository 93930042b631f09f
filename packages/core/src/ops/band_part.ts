import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { convert, scalar, tensor } from './convert.js';
import { where } from './where.js';

function bandLimit(name: string, v: number | Tensor, size: number, axis: string): number {
  let n: number;
  if (v instanceof Tensor) {
    v.assertAlive('bandPart');
    if (v.rank !== 0 || v.dtype !== 'int32')
      throw new PolytensorError(`bandPart: ${name} must be a number or an int32 scalar, got a ${v.dtype} ${fmt(v.shape)}`);
    n = v.dataSync()[0]!;
  } else n = v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n > size) {
    throw new PolytensorError(`bandPart: ${name} must be an integer at most the number of ${axis} (${size}), or negative for all of them; got ${String(n)}`);
  }
  return n < 0 ? size : n;
}

/**
 * The band of each matrix in `a` (its last two axes), zeros outside it
 * (tfjs's linalg.bandPart): element (i, j) is kept when i − j ≤ numLower and
 * j − i ≤ numUpper; a negative limit keeps that whole triangle. Any dtype.
 * @example
 * linalg.bandPart(m, 0, -1) // upper triangle
 * linalg.bandPart(m, -1, 0) // lower triangle (a causal mask's shape)
 */
export function bandPart(a: TensorLike, numLower: number | Tensor, numUpper: number | Tensor): Tensor {
  const [t, owned] = convert('bandPart', 'a', a);
  try {
    if (t.rank < 2) throw new PolytensorError(`bandPart: a must have rank ≥ 2 (matrices on its last two axes), got shape ${fmt(t.shape)}`);
    const m = t.shape[t.rank - 2]!;
    const n = t.shape[t.rank - 1]!;
    const lower = bandLimit('numLower', numLower, m, 'rows');
    const upper = bandLimit('numUpper', numUpper, n, 'columns');
    return ENGINE.tidy(() => {
      const keep = new Uint8Array(m * n);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) keep[i * n + j] = i - j <= lower && j - i <= upper ? 1 : 0;
      return where(tensor(keep, [m, n], 'bool'), t, scalar(0, t.dtype));
    });
  } finally {
    if (owned) t.dispose();
  }
}

/** Linear-algebra ops under tfjs's `linalg` namespace. */
export const linalg = { bandPart } as const;
