import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { assertValidShape, fmt, normalizeAxis } from '../util/shape.js';
import { knownInRange, markInRange } from '../util/checked_ranges.js';
import { assertDType, convert } from './convert.js';

/**
 * Validate int32 indices against a dimension: out-of-range indices are an
 * error, not garbage. Indices already known to be in range (built on the host,
 * or checked before: gather's gradient scatters at the indices gather checked)
 * are not read back again.
 */
function checkIndices(op: string, indices: Tensor, dim: number): void {
  if (knownInRange(indices, dim)) return;
  const values = indices.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0 || v >= dim) {
      throw new PolytensorError(`${op}: index ${v} at position ${i} is out of range [0, ${dim}); indices must address an existing slice`);
    }
  }
  markInRange(indices, dim);
}

/** Slices of `x` along `axis` at `indices` (int32). Output: x.shape[:axis] + indices.shape + x.shape[axis+1:]. */
export function gather(x: TensorLike, indices: TensorLike, axis = 0): Tensor {
  const [t, ownT] = convert('gather', 'x', x);
  const [idx, ownI] = convert('gather', 'indices', indices, 'int32');
  try {
    assertDType('gather', 'indices', idx, ['int32']);
    if (t.rank === 0) throw new PolytensorError('gather: x must have rank ≥ 1, got a scalar');
    const a = normalizeAxis('gather', axis, t.rank);
    checkIndices('gather', idx, t.shape[a]!);
    return ENGINE.runKernel('gather', [t, idx, a]);
  } finally {
    if (ownT) t.dispose();
    if (ownI) idx.dispose();
  }
}

/** The adjoint of gather: zeros of `shape` with `updates` added at `indices` along `axis`. */
export function scatterAdd(updates: TensorLike, indices: TensorLike, axis: number, shape: readonly number[]): Tensor {
  const [u, ownU] = convert('scatterAdd', 'updates', updates);
  const [idx, ownI] = convert('scatterAdd', 'indices', indices, 'int32');
  try {
    assertDType('scatterAdd', 'indices', idx, ['int32']);
    assertDType('scatterAdd', 'updates', u, ['float32', 'int32']);
    assertValidShape('scatterAdd', shape);
    const a = normalizeAxis('scatterAdd', axis, shape.length);
    const expected = [...shape.slice(0, a), ...idx.shape, ...shape.slice(a + 1)];
    if (expected.length !== u.rank || expected.some((d, i) => d !== u.shape[i])) {
      throw new PolytensorError(
        `scatterAdd: updates have shape ${fmt(u.shape)} but indices ${fmt(idx.shape)} into ${fmt(shape)} along axis ${a} need ${fmt(expected)}`,
      );
    }
    checkIndices('scatterAdd', idx, shape[a]!);
    return ENGINE.runKernel('scatterAdd', [u, idx, a, shape]);
  } finally {
    if (ownU) u.dispose();
    if (ownI) idx.dispose();
  }
}

/** int32 indices → float32 one-hot rows of length `depth`; out-of-range indices give all-`offValue` rows. */
export function oneHot(indices: TensorLike, depth: number, onValue = 1, offValue = 0): Tensor {
  const [idx, own] = convert('oneHot', 'indices', indices, 'int32');
  try {
    assertDType('oneHot', 'indices', idx, ['int32']);
    if (!Number.isInteger(depth) || depth < 1) throw new PolytensorError(`oneHot: depth must be a positive integer, got ${depth}`);
    return ENGINE.runKernel('oneHot', [idx, depth, onValue, offValue]);
  } finally {
    if (own) idx.dispose();
  }
}
