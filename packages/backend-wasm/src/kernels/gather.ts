import { prodOfDims, type KernelImpl } from '@polytensor/core';
import { CDTYPE, type Tw, type WasmRuntime } from '../runtime.js';
import type { WasmStore } from '../store.js';
import { SHORT_ROW } from './slice.js';

/**
 * Take slices along `axis`, with x seen as [outer, dim, inner] and the output
 * as [outer, nIndices, inner]. Slices of SHORT_ROW elements or more (a
 * shuffled batch of image rows: inner = 784 for MNIST) are copied by memmove
 * inside the heap, one per index: the tfjs wasm Gather kernel computes each
 * element's source by divisions and took 1.2 ms for 64 rows of 784, more than
 * the MLP's whole training step. Short slices still go to that kernel. Both
 * copy bits. Indices are in range: the gather op checks them.
 */
export function gather(rt: WasmRuntime, x: Tw, indices: Tw, axis: number): Tw {
  const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const out = rt.empty(shape, x.dtype);
  if (out.data.size === 0) return out;
  const outer = prodOfDims(x.shape, 0, axis);
  const dim = x.shape[axis]!;
  const inner = prodOfDims(x.shape, axis + 1);
  const n = indices.data.size;
  if (inner >= SHORT_ROW) {
    const idx = rt.view(indices.data); // copying inside the heap never grows it, so the view stays valid
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < n; k++) rt.copy(x.data, (o * dim + idx[k]!) * inner, out.data, (o * n + k) * inner, inner);
    }
    return out;
  }
  rt.m._Gather(
    x.data.id,
    CDTYPE[x.dtype],
    rt.ints(0, [outer * dim * inner, dim * inner, inner]),
    3,
    indices.data.id,
    1,
    rt.ints(1, [outer * n * inner, n * inner, inner]),
    out.data.id,
  );
  return out;
}

/** The contract-level kernel: this instance's buffers in, a buffer it owns out. */
export const gatherKernel: KernelImpl<'gather', WasmStore> = (s, x, indices, axis) =>
  s.run(() => gather(s.rt, s.input(x, 'gather'), s.input(indices, 'gather'), axis));
