import { sizeOfShape, type ArgReduceOp, type TensorInfo, type KernelImpl } from '@polytensor/core';
import { argReduceInt } from '../host/int32.js';
import type { GpujsStore } from '../store.js';
import { permuted } from '../util/copy.js';

/**
 * Index of the first max/min along `axis` (int32, so the result lives on the
 * host): the axis is moved innermost, one thread scans each row on the GPU —
 * a NaN counts as the extreme, so the first NaN wins — and the indices are read
 * back. An empty axis gives 0.
 */
export function argReduce(s: GpujsStore, op: ArgReduceOp, x: TensorInfo, axis: number): TensorInfo {
  const outShape = x.shape.filter((_, i) => i !== axis);
  const rows = sizeOfShape(outShape);
  const n = x.shape[axis]!;
  if (x.dtype === 'int32') {
    const outer = sizeOfShape(x.shape.slice(0, axis));
    const inner = sizeOfShape(x.shape.slice(axis + 1));
    return s.outHost(argReduceInt(op, s.ints(x), outer, n, inner), outShape);
  }
  if (rows === 0) return s.outEmpty(outShape, 'int32');
  if (n === 0) return s.outHost(new Int32Array(rows), outShape);
  const perm = [...x.shape.keys()].filter((i) => i !== axis).concat([axis]);
  const { tex, owned } = permuted(s, x, perm);
  const better = op === 'argMax' ? 'v > best' : 'v < best';
  const body = `const base = this.thread.x * n;
let best = rd(x, base);
let bi = 0.0;
if (best == best) {
  for (let j = 1; j < n; j++) {
    const v = rd(x, base + j);
    if (v != v) {
      bi = j * 1.0;
      break;
    }
    if (${better}) {
      best = v;
      bi = j * 1.0;
    }
  }
}
return bi;`;
  const out = s.rt.run(
    {
      key: `argReduce:${op}`,
      params: [
        ['x', 'tex'],
        ['n', 'float'],
      ],
      body,
      loop: n,
    },
    [rows],
    [tex, n],
  );
  if (owned) tex.delete();
  return s.outTex(out, outShape, 'int32');
}

/** The contract-level kernel. */
export const argReduceKernel: KernelImpl<'argReduce', GpujsStore> = argReduce;
