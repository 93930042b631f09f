import { sizeOfShape, stridesOf, type TensorInfo, type KernelImpl } from '@polytensor/core';
import { take, transposeMap } from '../host/int32.js';
import type { GpujsStore } from '../store.js';
import { stridedCopy } from '../util/copy.js';

/** Output dim i is input dim perm[i]: a strided copy over the collapsed output (int32 on the host). */
export function transpose(s: GpujsStore, x: TensorInfo, perm: readonly number[]): TensorInfo {
  const outShape = perm.map((p) => x.shape[p]!);
  if (x.dtype === 'int32') return s.outHost(take(s.ints(x), transposeMap(x.shape, perm)), outShape);
  if (sizeOfShape(outShape) === 0) return s.outEmpty(outShape, x.dtype);
  const st = stridesOf(x.shape);
  const tex = stridedCopy(
    s,
    s.tex(x),
    outShape,
    perm.map((p) => st[p]!),
    0,
  );
  return s.outTex(tex, outShape, x.dtype);
}

/** The contract-level kernel. */
export const transposeKernel: KernelImpl<'transpose', GpujsStore> = transpose;
