import { sizeOfShape, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { GpujsStore } from '../store.js';
import { indexSpace } from '../util/shape.js';

/**
 * The adjoint of gather. The indices are on the host, so they are grouped by
 * target there (a CSR list: for each target row, the update rows that land on
 * it); the kernel then gathers and sums, one output element per thread, with no
 * write conflicts. updates [outer, N, inner] → out [outer, A, inner].
 */
export function scatterAdd(s: GpujsStore, updates: TensorInfo, indices: TensorInfo, axis: number, outShape: readonly number[]): TensorInfo {
  const outer = sizeOfShape(outShape.slice(0, axis));
  const a = outShape[axis]!;
  const inner = sizeOfShape(outShape.slice(axis + 1));
  const idx = s.ints(indices);
  const n = idx.length;
  const size = sizeOfShape(outShape);
  if (updates.dtype === 'int32') {
    const u = s.ints(updates);
    const out = new Int32Array(size);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < n; j++) {
        const dst = (o * a + idx[j]!) * inner;
        const src = (o * n + j) * inner;
        for (let i = 0; i < inner; i++) out[dst + i] = (out[dst + i]! + u[src + i]!) | 0;
      }
    }
    return s.outHost(out, outShape);
  }
  if (size === 0) return s.outEmpty(outShape, updates.dtype);
  if (n === 0 || sizeOfShape(updates.shape) === 0) return s.outTex(s.fill(size, 0), outShape, updates.dtype);
  const counts = new Int32Array(a);
  for (let j = 0; j < n; j++) counts[idx[j]!]!++;
  const starts = new Float32Array(a + 1);
  for (let t = 0; t < a; t++) starts[t + 1] = starts[t]! + counts[t]!;
  const fillAt = Int32Array.from(starts.subarray(0, a));
  const perm = new Float32Array(n);
  for (let j = 0; j < n; j++) perm[fillAt[idx[j]!]!++] = j;
  let maxCount = 0;
  for (let t = 0; t < a; t++) maxCount = Math.max(maxCount, counts[t]!);
  const startTex = s.upload(starts);
  const permTex = s.upload(perm);
  const space = indexSpace([outer, a, inner], ['o', 't', 'i'], s.rt.maxTextureSize);
  const body = `${space.prologue}
const st = rd(starts, t);
const cnt = rd(starts, t + 1.0) - st;
let acc = 0.0;
for (let q = 0; q < maxCount; q++) {
  if (q * 1.0 >= cnt) { break; }
  const j = rd(perm, st + q);
  acc += rd(u, (o * N + j) * inner + i);
}
return acc;`;
  const tex = s.rt.run(
    {
      key: `scatterAdd:${space.key}`,
      params: [
        ['u', 'tex'],
        ['starts', 'tex'],
        ['perm', 'tex'],
        ['N', 'float'],
        ['inner', 'float'],
        ['maxCount', 'float'],
        ...space.params.map(([nm]) => [nm, 'float'] as const),
      ],
      body,
      loop: maxCount,
    },
    space.dims,
    [s.tex(updates), startTex, permTex, n, inner, maxCount, ...space.params.map(([, v]) => v)],
  );
  startTex.delete();
  permTex.delete();
  return s.outTex(tex, outShape, updates.dtype);
}

/** The contract-level kernel. */
export const scatterAddKernel: KernelImpl<'scatterAdd', GpujsStore> = scatterAdd;
