import { prodOfDims, type KernelImpl } from '@polytensor/core';
import type { Tw, WasmRuntime } from '../runtime.js';
import type { WasmStore } from '../store.js';
import { SHORT_ROW } from './slice.js';

/** Join along `axis`: for each outer index, each input's inner block is moved into place inside the heap. */
export function concat(rt: WasmRuntime, xs: readonly Tw[], axis: number): Tw {
  const first = xs[0]!;
  const shape = [...first.shape];
  shape[axis] = xs.reduce((n, x) => n + x.shape[axis]!, 0);
  const out = rt.empty(shape, first.dtype);
  if (out.data.size === 0) return out;
  const outer = prodOfDims(shape, 0, axis);
  const inners = xs.map((x) => prodOfDims(x.shape, axis));
  const total = inners.reduce((a, b) => a + b, 0);
  let col = 0;
  for (let k = 0; k < xs.length; k++) {
    const x = xs[k]!;
    const inner = inners[k]!;
    if (inner === 0) continue;
    if (outer === 1) {
      rt.copy(x.data, 0, out.data, col, inner);
    } else if (inner >= SHORT_ROW) {
      for (let b = 0; b < outer; b++) rt.copy(x.data, b * inner, out.data, b * total + col, inner);
    } else {
      const src = rt.view(x.data);
      const dst = rt.view(out.data);
      for (let b = 0; b < outer; b++) {
        const d = b * total + col;
        const s = b * inner;
        for (let j = 0; j < inner; j++) dst[d + j] = src[s + j]!;
      }
    }
    col += inner;
  }
  return out;
}

/** The contract-level kernel: this instance's buffers in, a buffer it owns out. */
export const concatKernel: KernelImpl<'concat', WasmStore> = (s, xs, axis) =>
  s.run(() =>
    concat(
      s.rt,
      xs.map((x) => s.input(x, 'concat')),
      axis,
    ),
  );
