import { prodOfDims, type KernelImpl } from '@polytensor/core';
import { CDTYPE, type Tw, type WasmRuntime } from '../runtime.js';
import type { WasmStore } from '../store.js';
import { transpose } from './transpose.js';

/**
 * The adjoint of gather, by the tfjs wasm ScatterNd kernel (which zero-fills
 * and sums repeated indices; indices [n] are its [n, 1] with strides [1]). ScatterNd scatters along the first axis, so for
 * axis > 0 the updates [outer, n, inner] are transposed to [n, outer, inner]
 * and the result [dim, outer, inner] back to [outer, dim, inner].
 */
export function scatterAdd(rt: WasmRuntime, updates: Tw, indices: Tw, axis: number, outShape: readonly number[]): Tw {
  const outer = prodOfDims(outShape, 0, axis);
  const dim = outShape[axis]!;
  const inner = prodOfDims(outShape, axis + 1);
  const n = indices.data.size;
  if (outer === 1 || prodOfDims(outShape) === 0 || n === 0) {
    return scatterFirstAxis(rt, updates, indices, n, outer * inner, outShape);
  }
  const u = transpose(rt, { ...updates, shape: [outer, n, inner] }, [1, 0, 2]);
  let r: Tw;
  try {
    r = scatterFirstAxis(rt, u, indices, n, outer * inner, [dim, outer, inner]);
  } finally {
    rt.dispose(u);
  }
  try {
    const out = transpose(rt, r, [1, 0, 2]);
    return { ...out, shape: [...outShape] };
  } finally {
    rt.dispose(r);
  }
}

function scatterFirstAxis(rt: WasmRuntime, updates: Tw, indices: Tw, n: number, sliceSize: number, outShape: readonly number[]): Tw {
  const out = rt.empty(outShape, updates.dtype);
  const size = out.data.size;
  if (size === 0) return out;
  if (n === 0 || sliceSize === 0) {
    rt.view(out.data).fill(0);
    return out;
  }
  rt.m._ScatterNd(indices.data.id, updates.data.id, CDTYPE[updates.dtype], 1, n, sliceSize, rt.ints(0, [1]), size, out.data.id);
  return out;
}

/** The contract-level kernel: this instance's buffers in, a buffer it owns out. */
export const scatterAddKernel: KernelImpl<'scatterAdd', WasmStore> = (s, updates, indices, axis, outShape) =>
  s.run(() => scatterAdd(s.rt, s.input(updates, 'scatterAdd'), s.input(indices, 'scatterAdd'), axis, outShape));
