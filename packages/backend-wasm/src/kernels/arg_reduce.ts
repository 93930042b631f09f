import type { ArgReduceOp, KernelImpl } from '@polytensor/core';
import { CDTYPE, type Tw, type WasmRuntime } from '../runtime.js';
import type { WasmStore } from '../store.js';
import { axesLast } from './reduce.js';
import { where } from './where.js';

function hasNaN(rt: WasmRuntime, x: Tw): boolean {
  const v = rt.f32(x.data);
  for (let i = 0; i < v.length; i++) if (v[i] !== v[i]) return true;
  return false;
}

/**
 * Index of the first max/min along `axis` by the tfjs wasm ArgMax/ArgMin
 * kernels (the axis moved innermost first). They skip NaN; the contract counts
 * NaN as the extreme, so when x holds a NaN the rows that have one take the
 * index of their first NaN instead (ArgMax over IsNan, Max over it, SelectV2).
 */
export function argReduce(rt: WasmRuntime, op: ArgReduceOp, x: Tw, axis: number): Tw {
  const outShape = x.shape.filter((_, i) => i !== axis);
  const out = rt.empty(outShape, 'int32');
  if (out.data.size === 0) return out;
  const inner = x.shape[axis]!;
  if (inner <= 1) {
    rt.view(out.data).fill(0);
    return out;
  }
  const input = axesLast(rt, x, [axis]);
  const temps: Tw[] = [];
  if (input.data !== x.data) temps.push(input);
  try {
    const rows = out.data.size;
    (op === 'argMax' ? rt.m._ArgMax : rt.m._ArgMin)(input.data.id, CDTYPE[x.dtype], rows, inner, out.data.id);
    if (x.dtype !== 'float32' || !hasNaN(rt, input)) return out;
    // mask as int32 0/1 (IsNan writes bytes; widen with a typed store inside the heap)
    const nanBool = rt.empty(input.shape, 'bool');
    temps.push(nanBool);
    rt.m._IsNan(input.data.id, CDTYPE.float32, nanBool.data.id);
    const nanInt = rt.empty(input.shape, 'int32');
    temps.push(nanInt);
    rt.view(nanInt.data).set(rt.view(nanBool.data));
    const firstNaN = rt.empty(outShape, 'int32');
    temps.push(firstNaN);
    rt.m._ArgMax(nanInt.data.id, CDTYPE.int32, rows, inner, firstNaN.data.id);
    const rowHasNaN = rt.empty(outShape, 'int32');
    temps.push(rowHasNaN);
    rt.m._Max(nanInt.data.id, CDTYPE.int32, inner, rowHasNaN.data.id);
    const cond = rt.empty(outShape, 'bool');
    temps.push(cond);
    rt.view(cond.data).set(rt.view(rowHasNaN.data));
    temps.push(out);
    return where(rt, cond, firstNaN, out, outShape);
  } finally {
    for (const t of temps) rt.dispose(t);
  }
}

/** The contract-level kernel: this instance's buffers in, a buffer it owns out. */
export const argReduceKernel: KernelImpl<'argReduce', WasmStore> = (s, op, x, axis) => s.run(() => argReduce(s.rt, op, s.input(x, 'argReduce'), axis));
