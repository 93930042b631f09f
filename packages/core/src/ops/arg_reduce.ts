import type { ArgReduceOp } from '../backend/kernels.js';
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt, normalizeAxis } from '../util/shape.js';
import { assertDType, convert } from './convert.js';

function argReduce(op: ArgReduceOp, x: TensorLike, axis: number): Tensor {
  const [t, owned] = convert(op, 'x', x);
  try {
    assertDType(op, 'x', t, ['float32', 'int32']);
    if (t.rank === 0) throw new PolytensorError(`${op}: needs a tensor of rank ≥ 1, got a scalar`);
    const a = normalizeAxis(op, axis, t.rank);
    if (t.shape[a] === 0) throw new PolytensorError(`${op}: axis ${a} of ${fmt(t.shape)} is empty; there is no index to return`);
    return ENGINE.runKernel('argReduce', [op, t, a]);
  } finally {
    if (owned) t.dispose();
  }
}

/** Index of the first maximum along `axis` (default: the last axis). int32, no gradient. */
export const argMax = (x: TensorLike, axis = -1): Tensor => argReduce('argMax', x, axis);
export const argMin = (x: TensorLike, axis = -1): Tensor => argReduce('argMin', x, axis);
