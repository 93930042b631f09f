import { randomNormal } from '../random/random.js';
import type { Tensor } from '../tensor.js';
import { checkSampleDType, checkShapeArg } from './random_util.js';

/**
 * Standard normal samples (mean 0, standard deviation 1): randomNormal(shape, 0, 1, dtype, seed).
 * int32 floors the samples, as randomNormal does.
 * @example randomStandardNormal([3, 2], 'float32', 7)
 */
export function randomStandardNormal(shape: readonly number[], dtype: 'float32' | 'int32' = 'float32', seed?: number): Tensor {
  const op = 'randomStandardNormal';
  checkShapeArg(op, shape);
  checkSampleDType(op, dtype);
  return randomNormal(shape, 0, 1, dtype, seed);
}
