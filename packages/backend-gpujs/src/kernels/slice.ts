import { sizeOfShape, stridesOf, type TensorInfo, type KernelImpl } from '@polytensor/core';
import { stridedMap, take } from '../host/int32.js';
import type { GpujsStore } from '../store.js';
import { stridedCopy } from '../util/copy.js';

/** `size[i]` elements from `begin[i]` on every axis: a strided copy from offset Σ begin·stride. */
export function slice(s: GpujsStore, x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo {
  const st = stridesOf(x.shape);
  const offset = begin.reduce((acc, b, i) => acc + b * st[i]!, 0);
  if (x.dtype === 'int32') return s.outHost(take(s.ints(x), stridedMap(size, st, offset)), size);
  if (sizeOfShape(size) === 0) return s.outEmpty(size, x.dtype);
  const xt = s.tex(x);
  // rows and columns of a matrix in a texture as wide as its rows: a rectangle copy, no kernel
  // (an LSTM's gates from [batch, 4·units], its steps from [time·batch, 4·units])
  if (x.shape.length === 2 && xt.size[0] === x.shape[1] && s.rt.canBlit(xt)) {
    return s.outTex(s.rt.blitRects(size[1]!, size[0]!, [[xt, begin[1]!, begin[0]!, size[1]!, size[0]!, 0, 0]]), size, x.dtype);
  }
  return s.outTex(stridedCopy(s, xt, size, st, offset), size, x.dtype);
}

/** The contract-level kernel. */
export const sliceKernel: KernelImpl<'slice', GpujsStore> = slice;
