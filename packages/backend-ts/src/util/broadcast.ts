import type { TypedArray } from '@polytensor/core';
import { forEachRow, sizeOfShape, stridesOf } from './strides.js';

/**
 * Strides that read `inShape` as if broadcast to `outShape` (NumPy rules: shapes
 * are right-aligned, size-1 and missing axes get stride 0).
 */
export function broadcastStrides(inShape: readonly number[], outShape: readonly number[]): number[] {
  const inStrides = stridesOf(inShape);
  const offset = outShape.length - inShape.length;
  const out = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < inShape.length; i++) {
    out[i + offset] = inShape[i] === 1 ? 0 : inStrides[i]!;
  }
  return out;
}

/**
 * `values` (of `inShape`) expanded to `outShape`. Returns `values` itself when
 * no expansion is needed (equal sizes), so the common same-shape case costs nothing; the
 * elementwise kernels then run a single flat loop over equal-length arrays.
 */
export function broadcastTo<T extends TypedArray>(values: T, inShape: readonly number[], outShape: readonly number[]): T {
  const size = sizeOfShape(outShape);
  // Valid broadcasting that keeps the size only inserts size-1 axes: same data order.
  if (values.length === size) return values;
  const out = new (values.constructor as new (n: number) => T)(size);
  if (size === 0) return out;
  if (values.length === 1) {
    out.fill(values[0]!);
    return out;
  }
  const strides = broadcastStrides(inShape, outShape);
  const rowLen = outShape[outShape.length - 1]!;
  const step = strides[strides.length - 1]!;
  forEachRow(outShape, strides, 0, (o, i) => {
    if (step === 1) {
      out.set(values.subarray(i, i + rowLen), o);
    } else if (step === 0) {
      out.fill(values[i]!, o, o + rowLen);
    } else {
      for (let j = 0; j < rowLen; j++) out[o + j] = values[i + j * step]!;
    }
  });
  return out;
}
