import type { DType } from '../backend/types.js';
import { PolytensorError } from '../errors.js';
import { assertValidShape } from '../util/shape.js';

/** @internal a shape argument of a random op: an array of non-negative integers. */
export function checkShapeArg(op: string, shape: unknown): readonly number[] {
  if (!Array.isArray(shape)) {
    throw new PolytensorError(`${op}: shape must be an array of non-negative integers such as [2, 3], got ${shape === null ? 'null' : typeof shape}`);
  }
  assertValidShape(op, shape as number[]);
  return shape as number[];
}

/** @internal the dtype of a sampled tensor: float32 or int32. */
export function checkSampleDType(op: string, dtype: unknown): DType {
  if (dtype !== 'float32' && dtype !== 'int32') {
    throw new PolytensorError(`${op}: dtype must be 'float32' or 'int32', got ${JSON.stringify(dtype)}`);
  }
  return dtype;
}
