import type { TypedArray } from '@polytensor/core';
import { broadcastTo } from '../util/broadcast.js';
import { sizeOfShape } from '../util/strides.js';

/** `cond ? a : b` elementwise, all three broadcast to `outShape`; output takes a's storage type. */
export function where(
  cond: Uint8Array,
  condShape: readonly number[],
  a: TypedArray,
  aShape: readonly number[],
  b: TypedArray,
  bShape: readonly number[],
  outShape: readonly number[],
): TypedArray {
  const n = sizeOfShape(outShape);
  const c = broadcastTo(cond, condShape, outShape);
  const x = broadcastTo(a, aShape, outShape);
  const y = broadcastTo(b, bShape, outShape);
  const out = new (a.constructor as new (n: number) => TypedArray)(n);
  for (let i = 0; i < n; i++) out[i] = c[i] ? x[i]! : y[i]!;
  return out;
}
