import type { DType } from '../backend/types.js';
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { convert } from './convert.js';
import { reshape } from './reshape.js';

/** Convert dtype: float→int truncates toward zero, →bool is x != 0. Gradients pass through float→float only. */
export function cast(x: TensorLike, dtype: DType): Tensor {
  if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') {
    throw new PolytensorError(`cast: unknown dtype '${String(dtype)}'; use 'float32', 'int32' or 'bool'`);
  }
  const [t, owned] = convert('cast', 'x', x);
  try {
    if (t.dtype === dtype) return reshape(t, t.shape);
    return ENGINE.runKernel('cast', [t, dtype]);
  } finally {
    if (owned) t.dispose();
  }
}

/** A new tensor with the same values (shares the immutable buffer). */
export function clone(x: Tensor): Tensor {
  return reshape(x, x.shape);
}
