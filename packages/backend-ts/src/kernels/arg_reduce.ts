import type { TsStore } from '../store.js';
import type { ArgReduceOp, KernelImpl, TypedArray } from '@polytensor/core';
import { prod } from '../util/strides.js';

/**
 * int32 index of the first max/min along `axis`. NaN counts as the extreme, so
 * the first NaN wins. An empty axis yields index 0.
 */
export function argReduce(op: ArgReduceOp, x: TypedArray, shape: readonly number[], axis: number): Int32Array {
  const outer = prod(shape, 0, axis);
  const n = shape[axis]!;
  const inner = prod(shape, axis + 1);
  const out = new Int32Array(outer * inner);
  if (n === 0) return out;
  const isMax = op === 'argMax';
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let best = x[base]!;
      let idx = 0;
      if (best === best) {
        for (let j = 1; j < n; j++) {
          const v = x[base + j * inner]!;
          if (v !== v) {
            idx = j;
            break;
          }
          if (isMax ? v > best : v < best) {
            best = v;
            idx = j;
          }
        }
      }
      out[o * inner + i] = idx;
    }
  }
  return out;
}

/** The contract-level kernel: storage in, storage out. */
export const argReduceKernel: KernelImpl<'argReduce', TsStore> = (s, op, x, axis) =>
  s.output(
    argReduce(op, s.values(x, 'argReduce'), x.shape, axis),
    x.shape.filter((_, i) => i !== axis),
  );
