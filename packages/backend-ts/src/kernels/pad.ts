import type { TsStore } from '../store.js';
import type { KernelImpl, TypedArray } from '@polytensor/core';
import { forEachRow, sizeOfShape, stridesOf } from '../util/strides.js';

/** Constant padding: fill with `value`, then copy x's rows into the interior. */
export function pad(
  x: TypedArray,
  shape: readonly number[],
  paddings: ReadonlyArray<readonly [number, number]>,
  value: number,
): { values: TypedArray; shape: number[] } {
  const outShape = shape.map((d, i) => paddings[i]![0] + d + paddings[i]![1]);
  const out = new (x.constructor as new (n: number) => TypedArray)(sizeOfShape(outShape));
  if (!Object.is(value, 0)) out.fill(value); // -0 must be written too
  if (x.length === 0) return { values: out, shape: outShape };
  if (shape.length === 0) {
    out[0] = x[0]!;
    return { values: out, shape: outShape };
  }
  const outStrides = stridesOf(outShape);
  let base = 0;
  for (let i = 0; i < shape.length; i++) base += paddings[i]![0] * outStrides[i]!;
  const rowLen = shape[shape.length - 1]!;
  // Walk x's rows; the "input" offset of the walker is the destination in `out`.
  forEachRow(shape, outStrides, base, (xOff, outOff) => out.set(x.subarray(xOff, xOff + rowLen), outOff));
  return { values: out, shape: outShape };
}

/** The contract-level kernel: storage in, storage out. */
export const padKernel: KernelImpl<'pad', TsStore> = (s, x, paddings, value) => {
  const { values, shape } = pad(s.values(x, 'pad'), x.shape, paddings, value);
  return s.output(values, shape);
};
