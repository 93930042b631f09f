import { sizeOfShape, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { GpujsStore } from '../store.js';
import { indexSpace } from '../util/shape.js';

/**
 * Slices of x along `axis` at `indices`: x is seen as [outer, A, inner], the
 * output as [outer, N, inner] (a 3-D kernel); the indices are read from their
 * float texture (int32 indices are far below 2^24, so exact).
 */
export function gather(s: GpujsStore, x: TensorInfo, indices: TensorInfo, axis: number): TensorInfo {
  const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const outer = sizeOfShape(x.shape.slice(0, axis));
  const a = x.shape[axis]!;
  const inner = sizeOfShape(x.shape.slice(axis + 1));
  const n = sizeOfShape(indices.shape);
  if (x.dtype === 'int32') {
    const src = s.ints(x);
    const idx = s.ints(indices);
    const out = new Int32Array(sizeOfShape(outShape));
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < n; j++) out.set(src.subarray((o * a + idx[j]!) * inner, (o * a + idx[j]!) * inner + inner), (o * n + j) * inner);
    }
    return s.outHost(out, outShape);
  }
  if (sizeOfShape(outShape) === 0) return s.outEmpty(outShape, x.dtype);
  const space = indexSpace([outer, n, inner], ['o', 'j', 'i'], s.rt.maxTextureSize);
  const tex = s.rt.run(
    {
      key: `gather:${space.key}`,
      params: [['x', 'tex'], ['idx', 'tex'], ['A', 'float'], ['inner', 'float'], ...space.params.map(([nm]) => [nm, 'float'] as const)],
      body: `${space.prologue}\nreturn rd(x, (o * A + rd(idx, j)) * inner + i);`,
    },
    space.dims,
    [s.tex(x), s.intTex(indices), a, inner, ...space.params.map(([, v]) => v)],
  );
  return s.outTex(tex, outShape, x.dtype);
}

/** The contract-level kernel. */
export const gatherKernel: KernelImpl<'gather', GpujsStore> = gather;
