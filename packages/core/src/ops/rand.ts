import type { DType } from '../backend/types.js';
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { sizeOf } from '../backend/types.js';
import { checkShapeArg } from './random_util.js';

/**
 * A tensor filled by calling `randFunction()` once per element, in row-major
 * order (as tfjs). The values are only as reproducible as the function: for
 * seeded draws use randomUniform / randomNormal. int32 truncates toward zero;
 * bool stores 1 for any non-zero value.
 * @example rand([2, 2], () => Math.floor(Math.random() * 6) + 1, 'int32')
 */
export function rand(shape: readonly number[], randFunction: () => number, dtype: DType = 'float32'): Tensor {
  const op = 'rand';
  checkShapeArg(op, shape);
  if (typeof randFunction !== 'function') {
    throw new PolytensorError(`${op}: randFunction must be a function () => number, got ${randFunction === null ? 'null' : typeof randFunction}`);
  }
  if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') {
    throw new PolytensorError(`${op}: dtype must be 'float32', 'int32' or 'bool', got ${JSON.stringify(dtype)}`);
  }
  const n = sizeOf(shape);
  const values = ENGINE.hostValues(op, shape, dtype);
  for (let i = 0; i < n; i++) {
    const v = randFunction();
    if (typeof v !== 'number')
      throw new PolytensorError(`${op}: randFunction returned ${v === null ? 'null' : typeof v} for element ${i}; it must return a number`);
    values[i] = dtype === 'bool' ? (v !== 0 && !Number.isNaN(v) ? 1 : 0) : v;
  }
  return ENGINE.makeTensor(values, shape, dtype, op);
}
