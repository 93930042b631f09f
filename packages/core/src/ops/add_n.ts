import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { arraysEqual, fmt } from '../util/shape.js';
import { add } from './binary.js';
import { clone } from './cast.js';
import { assertDType, convert } from './convert.js';

/**
 * The elementwise sum of tensors of one shape and dtype (float32 or int32), as
 * tfjs's addN (no broadcasting).
 * @example
 * addN([a, b, c]) // a + b + c
 */
export function addN(tensors: readonly TensorLike[]): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) {
    throw new PolytensorError(`addN: expected a non-empty list of tensors, got ${Array.isArray(tensors) ? '[]' : typeof tensors}`);
  }
  const ts: Tensor[] = [];
  const owned: Tensor[] = [];
  try {
    for (const [i, x] of tensors.entries()) {
      const [t, own] = convert('addN', `tensors[${i}]`, x, ts[0]?.dtype);
      if (own) owned.push(t);
      ts.push(t);
    }
    const first = ts[0]!;
    assertDType('addN', 'tensors[0]', first, ['float32', 'int32']);
    for (const [i, t] of ts.entries()) {
      if (t.dtype !== first.dtype || !arraysEqual(t.shape, first.shape)) {
        throw new PolytensorError(
          `addN: tensors[${i}] is ${fmt(t.shape)} ${t.dtype} but tensors[0] is ${fmt(first.shape)} ${first.dtype}; ` +
            'every tensor must have the same shape and dtype (addN does not broadcast: use add)',
        );
      }
    }
    return ENGINE.tidy(() => (ts.length === 1 ? clone(first) : ts.slice(1).reduce((s, t) => add(s, t), first)));
  } finally {
    for (const t of owned) t.dispose();
  }
}
