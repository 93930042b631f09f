import type { DType } from '../backend/types.js';
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor } from '../tensor.js';

/** A tensor of `shape` filled with `value`. */
export function fill(shape: readonly number[], value: number, dtype: DType = 'float32'): Tensor {
  return filled('fill', shape, value, dtype);
}

export const zeros = (shape: readonly number[], dtype: DType = 'float32'): Tensor => filled('zeros', shape, 0, dtype);
export const ones = (shape: readonly number[], dtype: DType = 'float32'): Tensor => filled('ones', shape, 1, dtype);
export const zerosLike = (x: Tensor): Tensor => filled('zerosLike', x.shape, 0, x.dtype);
export const onesLike = (x: Tensor): Tensor => filled('onesLike', x.shape, 1, x.dtype);

/** fill under the name of the op the caller called (for errors). */
function filled(op: string, shape: readonly number[], value: number, dtype: DType): Tensor {
  const values = ENGINE.hostValues(op, shape, dtype);
  values.fill(dtype === 'bool' ? (value ? 1 : 0) : value);
  return ENGINE.makeTensor(values, shape, dtype, op);
}

/** [start, start+step, ...) up to `stop` (exclusive). */
export function range(start: number, stop: number, step = 1, dtype: DType = 'float32'): Tensor {
  if (![start, stop, step].every(Number.isFinite)) {
    throw new PolytensorError(`range: start, stop and step must be finite numbers, got range(${start}, ${stop}, ${step})`);
  }
  if (step === 0) throw new PolytensorError('range: step must be non-zero');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const values = ENGINE.hostValues('range', [n], dtype);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return ENGINE.makeTensor(values, [n], dtype, 'range');
}

/** Identity matrix [n, m]. */
export function eye(n: number, m = n, dtype: DType = 'float32'): Tensor {
  const values = ENGINE.hostValues('eye', [n, m], dtype);
  for (let i = 0; i < Math.min(n, m); i++) values[i * m + i] = 1;
  return ENGINE.makeTensor(values, [n, m], dtype, 'eye');
}
