import type { DType } from '../backend/types.js';
import { sizeOf, typedArrayFor } from '../backend/types.js';
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { assertValidShape } from '../util/shape.js';

/** A tensor of `shape` filled with `value`. */
export function fill(shape: readonly number[], value: number, dtype: DType = 'float32'): Tensor {
  assertValidShape('fill', shape);
  const values = typedArrayFor(dtype, sizeOf(shape));
  values.fill(dtype === 'bool' ? (value ? 1 : 0) : value);
  return ENGINE.makeTensor(values, shape, dtype);
}

export const zeros = (shape: readonly number[], dtype: DType = 'float32'): Tensor => fill(shape, 0, dtype);
export const ones = (shape: readonly number[], dtype: DType = 'float32'): Tensor => fill(shape, 1, dtype);
export const zerosLike = (x: Tensor): Tensor => fill(x.shape, 0, x.dtype);
export const onesLike = (x: Tensor): Tensor => fill(x.shape, 1, x.dtype);

/** [start, start+step, ...) up to `stop` (exclusive). */
export function range(start: number, stop: number, step = 1, dtype: DType = 'float32'): Tensor {
  if (step === 0) throw new PolytensorError('range: step must be non-zero');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const values = typedArrayFor(dtype, n);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return ENGINE.makeTensor(values, [n], dtype);
}

/** Identity matrix [n, m]. */
export function eye(n: number, m = n, dtype: DType = 'float32'): Tensor {
  const values = typedArrayFor(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) values[i * m + i] = 1;
  return ENGINE.makeTensor(values, [n, m], dtype);
}
