import { broadcastShapes, type KernelImpl } from '@polytensor/core';
import { CDTYPE, type Tw, type WasmRuntime } from '../runtime.js';
import type { WasmStore } from '../store.js';
import { broadcastTo } from './broadcast_to.js';

/** a ∧ b or a ∨ b by tfjs's logical kernels, on operands broadcast first (its own broadcasting is slow). */
function logical(rt: WasmRuntime, fn: 'and' | 'or', a: Tw, b: Tw): Tw {
  const shape = broadcastShapes('where', a.shape, b.shape);
  const out = rt.empty(shape, 'bool');
  if (out.data.size === 0) return out;
  const x = broadcastTo(rt, a, shape);
  const y = broadcastTo(rt, b, shape);
  try {
    const flat = rt.ints(0, [out.data.size]);
    (fn === 'and' ? rt.m._LogicalAnd : rt.m._LogicalOr)(x.data.id, flat, 1, y.data.id, flat, 1, CDTYPE.bool, out.data.id);
  } finally {
    if (x.data !== a.data) rt.dispose(x);
    if (y.data !== b.data) rt.dispose(y);
  }
  return out;
}

/**
 * `condition ? a : b`. float32/int32: the tfjs wasm SelectV2 kernel, with
 * operands of another shape tiled to `outShape` first. bool: SelectV2 moves
 * 4-byte elements, so bool is (c ∧ a) ∨ (¬c ∧ b) with the tfjs logical kernels.
 */
export function where(rt: WasmRuntime, condition: Tw, a: Tw, b: Tw, outShape: readonly number[]): Tw {
  if (a.dtype === 'bool') return whereBool(rt, condition, a, b, outShape);
  const out = rt.empty(outShape, a.dtype);
  if (out.data.size === 0) return out;
  const c = broadcastTo(rt, condition, outShape);
  const t = broadcastTo(rt, a, outShape);
  const e = broadcastTo(rt, b, outShape);
  try {
    rt.m._SelectV2(c.data.id, t.data.id, e.data.id, 1, out.data.id);
  } finally {
    if (c.data !== condition.data) rt.dispose(c);
    if (t.data !== a.data) rt.dispose(t);
    if (e.data !== b.data) rt.dispose(e);
  }
  return out;
}

function whereBool(rt: WasmRuntime, c: Tw, a: Tw, b: Tw, outShape: readonly number[]): Tw {
  const out = rt.empty(outShape, 'bool');
  if (out.data.size === 0) return out;
  const temps: Tw[] = [];
  try {
    const ca = logical(rt, 'and', c, a);
    temps.push(ca);
    const nc = rt.empty(c.shape, 'bool');
    temps.push(nc);
    rt.m._LogicalNot(c.data.id, CDTYPE.bool, nc.data.id);
    const ncb = logical(rt, 'and', nc, b);
    temps.push(ncb);
    const r = logical(rt, 'or', ca, ncb);
    temps.push(r);
    const full = broadcastTo(rt, r, outShape);
    if (full.data !== r.data) temps.push(full);
    rt.copy(full.data, 0, out.data, 0, out.data.size);
  } catch (e) {
    rt.dispose(out);
    throw e;
  } finally {
    for (const t of temps) rt.dispose(t);
  }
  return out;
}

/** The contract-level kernel: this instance's buffers in, a buffer it owns out. */
export const whereKernel: KernelImpl<'where', WasmStore> = (s, condition, a, b, outShape) =>
  s.run(() => where(s.rt, s.input(condition, 'where'), s.input(a, 'where'), s.input(b, 'where'), outShape));
