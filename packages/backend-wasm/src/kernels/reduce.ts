import { prodOfDims, type KernelImpl, type ReduceOp } from '@polytensor/core';
import { CDTYPE, type Tw, type WasmRuntime } from '../runtime.js';
import type { WasmStore } from '../store.js';
import { columnSums } from './elementwise_simd.js';
import { transpose } from './transpose.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** `x` with `axes` moved last (a transpose into a new buffer) unless they already are; check `.data` to free. */
export function axesLast(rt: WasmRuntime, x: Tw, axes: readonly number[]): Tw {
  const rank = x.shape.length;
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  // Already innermost when every kept axis of size > 1 comes before every reduced axis of size > 1.
  const lastKept = Math.max(-1, ...kept.filter((i) => x.shape[i] !== 1));
  const firstReduced = Math.min(rank, ...axes.filter((i) => x.shape[i] !== 1));
  if (lastKept < firstReduced) return x;
  return transpose(rt, x, [...kept, ...axes]);
}

function identity(op: ReduceOp, dtype: Tw['dtype']): number {
  switch (op) {
    case 'sum':
      return 0;
    case 'prod':
      return 1;
    case 'max':
      return dtype === 'int32' ? INT32_MIN : -Infinity;
    case 'min':
      return dtype === 'int32' ? INT32_MAX : Infinity;
  }
}

/**
 * float32 products of each row of `reduceSize` in double, over views of the
 * heap: tfjs's Prod multiplies in float32, so 3e38 · 10 · 1e-30 overflows to
 * Infinity on the way (exact: 3e9). A double's range holds any product of up
 * to 8 float32 extremes; each row is one pass of scalar multiplies.
 */
function productsInDouble(rt: WasmRuntime, x: Tw, reduceSize: number, out: Tw): void {
  const src = rt.f32(x.data);
  const dst = rt.f32(out.data);
  for (let o = 0, i = 0; o < dst.length; o++) {
    let p = 1;
    for (const end = i + reduceSize; i < end; i++) p *= src[i]!;
    dst[o] = p;
  }
}

/**
 * Reduce over `axes` by the tfjs wasm Sum/Prod/Max/Min kernels, which reduce
 * the innermost `reduceSize` elements of each row: the reduced axes are
 * transposed innermost first when they are not. Empty reductions give the
 * identity. float32 prod multiplies in double (see `productsInDouble`);
 * a float32 sum over the leading axes by SIMD column sums (`columnSums`).
 */
export function reduce(rt: WasmRuntime, op: ReduceOp, x: Tw, axes: readonly number[]): Tw {
  const outShape = x.shape.filter((_, i) => !axes.includes(i));
  const reduceSize = prodOfDims(axes.map((a) => x.shape[a]!));
  if (op === 'sum' && reduceSize > 1 && prodOfDims(outShape) > 0 && axes.every((a, i) => a === i)) {
    // The leading axes (a bias gradient): column sums where the rows lie.
    const sums = columnSums(rt, x, reduceSize, prodOfDims(outShape), outShape);
    if (sums) return sums;
  }
  const out = rt.empty(outShape, x.dtype);
  if (out.data.size === 0) return out;
  if (reduceSize === 0) {
    rt.view(out.data).fill(identity(op, x.dtype));
    return out;
  }
  if (reduceSize === 1) {
    rt.copy(x.data, 0, out.data, 0, out.data.size);
    return out;
  }
  const input = axesLast(rt, x, axes);
  try {
    const id = input.data.id;
    const dt = CDTYPE[x.dtype];
    switch (op) {
      case 'sum':
        rt.m._Sum(id, reduceSize, dt, out.data.id);
        break;
      case 'prod':
        if (x.dtype === 'float32') productsInDouble(rt, input, reduceSize, out);
        else rt.m._Prod(id, reduceSize, dt, out.data.id);
        break;
      case 'max':
        rt.m._Max(id, dt, reduceSize, out.data.id);
        break;
      case 'min':
        rt.m._Min(id, dt, reduceSize, out.data.id);
        break;
    }
  } finally {
    if (input.data !== x.data) rt.dispose(input);
  }
  return out;
}

/** The contract-level kernel: this instance's buffers in, a buffer it owns out. */
export const reduceKernel: KernelImpl<'reduce', WasmStore> = (s, op, x, axes) => s.run(() => reduce(s.rt, op, s.input(x, 'reduce'), axes));
