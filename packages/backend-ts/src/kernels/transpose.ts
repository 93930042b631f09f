import type { TsStore } from '../store.js';
import type { KernelImpl, TypedArray } from '@polytensor/core';
import { forEachRow, sizeOfShape, stridesOf } from '../util/strides.js';

/** Permute axes: output axis i is input axis perm[i]. */
export function transpose(x: TypedArray, shape: readonly number[], perm: readonly number[]): TypedArray {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]!);
  const n = sizeOfShape(shape);
  const out = new (x.constructor as new (n: number) => TypedArray)(n);
  if (n === 0) return out;
  if (rank === 0 || perm.every((p, i) => p === i)) {
    out.set(x);
    return out;
  }
  if (rank === 2) {
    transpose2D(x, out, shape[0]!, shape[1]!);
    return out;
  }
  // Walk the output row by row; input strides permuted the same way give each source offset.
  const inStrides = stridesOf(shape);
  const strides = perm.map((p) => inStrides[p]!);
  const rowLen = outShape[rank - 1]!;
  const step = strides[rank - 1]!;
  forEachRow(outShape, strides, 0, (o, i) => {
    for (let j = 0; j < rowLen; j++) out[o + j] = x[i + j * step]!;
  });
  return out;
}

/** [rows, cols] → [cols, rows] in 32×32 tiles so both sides stay in cache. */
function transpose2D(x: TypedArray, out: TypedArray, rows: number, cols: number): void {
  const T = 32;
  for (let r0 = 0; r0 < rows; r0 += T) {
    const r1 = Math.min(r0 + T, rows);
    for (let c0 = 0; c0 < cols; c0 += T) {
      const c1 = Math.min(c0 + T, cols);
      for (let r = r0; r < r1; r++) {
        for (let c = c0; c < c1; c++) out[c * rows + r] = x[r * cols + c]!;
      }
    }
  }
}

/** The contract-level kernel: storage in, storage out. */
export const transposeKernel: KernelImpl<'transpose', TsStore> = (s, x, perm) =>
  s.output(
    transpose(s.values(x, 'transpose'), x.shape, perm),
    perm.map((p) => x.shape[p]!),
  );
