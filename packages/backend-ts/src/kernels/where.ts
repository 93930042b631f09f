import type { TsStore } from '../store.js';
import type { KernelImpl, TypedArray } from '@polytensor/core';
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

/** The contract-level kernel: storage in, storage out. */
export const whereKernel: KernelImpl<'where', TsStore> = (s, c, a, b, outShape) =>
  s.output(where(s.values(c, 'where') as Uint8Array, c.shape, s.values(a, 'where'), a.shape, s.values(b, 'where'), b.shape, outShape), outShape);
