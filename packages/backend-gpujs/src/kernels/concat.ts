import { sizeOfShape, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { GpuTexture } from '../gpujs.js';
import type { GpujsStore } from '../store.js';
import { stridedCopy } from '../util/copy.js';
import { indexSpace } from '../util/shape.js';

/**
 * Join along `axis`. Each input is seen as [outer, width_j] (width = its axis
 * length × the trailing dims); two inputs are joined per pass by a 2-D kernel
 * that reads the left one below its width and the right one above.
 */
export function concat(s: GpujsStore, xs: readonly TensorInfo[], axis: number): TensorInfo {
  const first = xs[0]!;
  const outShape = [...first.shape];
  outShape[axis] = xs.reduce((acc, x) => acc + x.shape[axis]!, 0);
  const outer = sizeOfShape(first.shape.slice(0, axis));
  const trailing = sizeOfShape(first.shape.slice(axis + 1));
  const parts = xs.filter((x) => sizeOfShape(x.shape) > 0);
  if (first.dtype === 'int32') {
    const out = new Int32Array(sizeOfShape(outShape));
    const total = outShape[axis]! * trailing;
    let col = 0;
    for (const x of parts) {
      const w = x.shape[axis]! * trailing;
      const v = s.ints(x);
      for (let o = 0; o < outer; o++) out.set(v.subarray(o * w, o * w + w), o * total + col);
      col += w;
    }
    return s.outHost(out, outShape);
  }
  if (sizeOfShape(outShape) === 0) return s.outEmpty(outShape, first.dtype);
  if (parts.length === 1) return s.outTex(stridedCopy(s, s.tex(parts[0]!), [sizeOfShape(outShape)], [1], 0), outShape, first.dtype);
  let acc: GpuTexture = s.tex(parts[0]!);
  let accWidth = parts[0]!.shape[axis]! * trailing;
  for (let j = 1; j < parts.length; j++) {
    const bw = parts[j]!.shape[axis]! * trailing;
    const width = accWidth + bw;
    const space = indexSpace([outer, width], ['o', 'c'], s.rt.maxTextureSize);
    const next = s.rt.run(
      {
        key: `concat:${space.key}`,
        params: [['a', 'tex'], ['b', 'tex'], ['wa', 'float'], ['wb', 'float'], ...space.params.map(([n]) => [n, 'float'] as const)],
        body: `${space.prologue}\nif (c < wa) { return rd(a, o * wa + c); }\nreturn rd(b, o * wb + c - wa);`,
      },
      space.dims,
      [acc, s.tex(parts[j]!), accWidth, bw, ...space.params.map(([, v]) => v)],
    );
    if (j > 1) acc.delete();
    acc = next;
    accWidth = width;
  }
  return s.outTex(acc, outShape, first.dtype);
}

/** The contract-level kernel. */
export const concatKernel: KernelImpl<'concat', GpujsStore> = concat;
