import { sizeOfShape, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { GpujsStore } from '../store.js';
import { indexSpace } from '../util/shape.js';

/** [...indices.shape, depth]: onValue where the index equals the column, else offValue (out-of-range rows are all offValue). */
export function oneHot(s: GpujsStore, indices: TensorInfo, depth: number, onValue: number, offValue: number): TensorInfo {
  const n = sizeOfShape(indices.shape);
  const outShape = [...indices.shape, depth];
  if (n * depth === 0) return s.outEmpty(outShape, 'float32');
  const space = indexSpace([n, depth], ['j', 'd'], s.rt.maxTextureSize);
  const tex = s.rt.run(
    {
      key: `oneHot:${space.key}`,
      params: [['idx', 'tex'], ['on', 'float'], ['off', 'float'], ...space.params.map(([nm]) => [nm, 'float'] as const)],
      body: `${space.prologue}\nif (rd(idx, j) == d) { return on; }\nreturn off;`,
    },
    space.dims,
    [s.intTex(indices), onValue, offValue, ...space.params.map(([, v]) => v)],
  );
  return s.outTex(tex, outShape, 'float32');
}

/** The contract-level kernel. */
export const oneHotKernel: KernelImpl<'oneHot', GpujsStore> = oneHot;
