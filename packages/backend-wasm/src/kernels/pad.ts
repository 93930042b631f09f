import { stridesOf, type KernelImpl } from '@polytensor/core';
import { CDTYPE, type Tw, type WasmRuntime } from '../runtime.js';
import type { WasmStore } from '../store.js';

/**
 * Constant padding by the tfjs wasm PadV2 kernel. PadV2 passes the value
 * through an int (NaN and −0 come out wrong), so for a float value that is not
 * an integer-valued, non-negative-zero number the output is filled with it and
 * x copied into the interior inside the heap instead.
 */
export function pad(rt: WasmRuntime, x: Tw, paddings: ReadonlyArray<readonly [number, number]>, value: number): Tw {
  const shape = x.shape.map((d, i) => paddings[i]![0] + d + paddings[i]![1]);
  const out = rt.empty(shape, x.dtype);
  if (out.data.size === 0) return out;
  if (x.data.size === 0) {
    rt.view(out.data).fill(value);
    return out;
  }
  if (!Number.isInteger(value) || Object.is(value, -0)) {
    rt.view(out.data).fill(value);
    const outStrides = stridesOf(shape);
    let start = 0;
    for (let i = 0; i < shape.length; i++) start += paddings[i]![0] * outStrides[i]!;
    scatterRegion(rt, x, out, outStrides, start);
    return out;
  }
  rt.m._PadV2(
    x.data.id,
    rt.ints(0, x.shape),
    x.shape.length,
    CDTYPE[x.dtype],
    rt.ints(
      1,
      paddings.map((p) => p[0]),
    ),
    rt.ints(
      2,
      paddings.map((p) => p[1]),
    ),
    value,
    out.data.id,
  );
  return out;
}

/** Copy all of x into `out` at offset `start` with `out`'s strides (the inverse walk of gatherRegion). */
function scatterRegion(rt: WasmRuntime, x: Tw, out: Tw, outStrides: readonly number[], start: number): void {
  // Walk x row by row; each x row lands at a strided position of out.
  const rank = x.shape.length;
  if (rank === 0) {
    rt.copy(x.data, 0, out.data, start, 1);
    return;
  }
  const rowLen = x.shape[rank - 1]!;
  const outer = x.data.size / rowLen;
  const counter = new Array<number>(rank - 1).fill(0);
  let o = start;
  for (let r = 0; r < outer; r++) {
    rt.copy(x.data, r * rowLen, out.data, o, rowLen);
    for (let ax = rank - 2; ax >= 0; ax--) {
      if (++counter[ax]! < x.shape[ax]!) {
        o += outStrides[ax]!;
        break;
      }
      counter[ax] = 0;
      o -= outStrides[ax]! * (x.shape[ax]! - 1);
    }
  }
}

/** The contract-level kernel: this instance's buffers in, a buffer it owns out. */
export const padKernel: KernelImpl<'pad', WasmStore> = (s, x, paddings, value) => s.run(() => pad(s.rt, s.input(x, 'pad'), paddings, value));
