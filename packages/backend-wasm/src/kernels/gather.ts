import { prodOfDims, type KernelImpl } from '@polytensor/core';
import { CDTYPE, type Tw, type WasmRuntime } from '../runtime.js';
import type { WasmStore } from '../store.js';

/**
 * Take slices along `axis` by the tfjs wasm Gather kernel, with x seen as
 * [1, outer, dim, inner] and the output as [1, outer, nIndices, inner].
 */
export function gather(rt: WasmRuntime, x: Tw, indices: Tw, axis: number): Tw {
  const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const out = rt.empty(shape, x.dtype);
  if (out.data.size === 0) return out;
  const outer = prodOfDims(x.shape, 0, axis);
  const dim = x.shape[axis]!;
  const inner = prodOfDims(x.shape, axis + 1);
  const n = indices.data.size;
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
