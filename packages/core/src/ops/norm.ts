import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { keptShape, normalizeAxis } from '../util/shape.js';
import { div, mul } from './binary.js';
import { greater, logicalAnd } from './compare.js';
import { assertDType, convert } from './convert.js';
import { onesLike } from './creation.js';
import { max, min, sum } from './reduce.js';
import { reshape } from './reshape.js';
import { abs, isFinite as isFiniteOp, sqrt, square } from './unary.js';
import { where } from './where.js';

export type NormOrd = number | 'euclidean' | 'fro';

/**
 * √Σx² over `axes` (kept), scaled by the largest |x| so it neither overflows
 * (|x| > 1.8e19) nor underflows. The scale is a constant to autodiff:
 * m·√Σ(x/m)² equals √Σx² for any m, so the gradient x/‖x‖ is exact.
 */
function euclidean(a: Tensor, axes: number[]): Tensor {
  const m = ENGINE.untaped(() => {
    const big = max(a, axes, true);
    return where(logicalAnd(greater(big, 0), isFiniteOp(big)), big, onesLike(big));
  });
  return mul(m, sqrt(sum(square(div(a, m)), axes, true)));
}

/**
 * A vector or matrix norm, as tfjs's norm. With `axis` null and rank > 1, the
 * vector norm of all the values. One axis (or a vector): ord 1 (Σ|x|), 2 or
 * 'euclidean' (√Σx²), Infinity (max|x|), −Infinity (min|x|). Two axes
 * [rows, cols]: ord 1 (max column sum of |x|), Infinity (max row sum),
 * −Infinity (min row sum), 'fro' or 'euclidean' (Frobenius). float32. The
 * Euclidean norms are scaled so large values do not overflow.
 * @example
 * norm(tensor([3, -4])) // 5
 * norm(tensor([[1, -2], [3, 4]]), 1, [0, 1]) // 6
 */
export function norm(x: TensorLike, ord: NormOrd = 'euclidean', axis: number | number[] | null = null, keepDims = false): Tensor {
  const [t, owned] = convert('norm', 'x', x);
  try {
    assertDType('norm', 'x', t, ['float32']);
    const list = axis === null || axis === undefined ? null : typeof axis === 'number' ? [axis] : [...axis];
    if (list !== null && (list.length < 1 || list.length > 2)) {
      throw new PolytensorError(`norm: axis must be null, one axis or two (rows, cols), got [${list}]`);
    }
    const axes = list === null ? t.shape.map((_, i) => i) : list.map((a) => normalizeAxis('norm', a, t.rank));
    if (axes.length === 2 && axes[0] === axes[1]) throw new PolytensorError(`norm: the two axes [${list}] are the same axis of a rank-${t.rank} tensor`);
    const matrix = list !== null && list.length === 2;
    const okOrd = matrix ? [1, Infinity, -Infinity, 'fro', 'euclidean'] : [1, 2, Infinity, -Infinity, 'euclidean'];
    if (!okOrd.includes(ord)) {
      throw new PolytensorError(
        `norm: ord ${String(ord)} is not supported for a ${matrix ? 'matrix (two axes)' : 'vector'} norm; use one of ${okOrd.map(String).join(', ')}`,
      );
    }
    const outShape = keepDims ? keptShape(t.shape, axes) : t.shape.filter((_, i) => !axes.includes(i));
    return ENGINE.tidy(() => {
      const a = abs(t);
      let kept: Tensor;
      if (ord === 'euclidean' || ord === 'fro' || ord === 2) kept = euclidean(a, axes);
      else if (!matrix) kept = (ord === 1 ? sum : ord === Infinity ? max : min)(a, axes, true);
      else {
        const [rows, cols] = axes as [number, number];
        // ord 1: the largest column sum (sum over rows); ±Infinity: the largest / smallest row sum (sum over cols).
        kept = ord === 1 ? max(sum(a, rows, true), cols, true) : (ord === Infinity ? max : min)(sum(a, cols, true), rows, true);
      }
      return reshape(kept, outShape);
    });
  } finally {
    if (owned) t.dispose();
  }
}

/**
 * √Σx² over `axis` (all axes by default), as tfjs's euclideanNorm: norm(x,
 * 'euclidean', axis, keepDims). float32.
 * @example
 * euclideanNorm(tensor([[3, 4], [5, 12]]), 1) // [5, 13]
 */
export const euclideanNorm = (x: TensorLike, axis: number | number[] | null = null, keepDims = false): Tensor => {
  if (Array.isArray(axis) && axis.length > 1 && axis.length !== 2) {
    throw new PolytensorError(`euclideanNorm: axis must be null, one axis or two, got [${axis}]`);
  }
  return norm(x, 'euclidean', axis, keepDims);
};
