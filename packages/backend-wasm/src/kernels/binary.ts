import { binaryOutputDType, type BinaryOp, type KernelImpl } from '@polytensor/core';
import { CDTYPE, type Tw, type WasmRuntime } from '../runtime.js';
import type { WasmStore } from '../store.js';
import { broadcastTo, sameShape } from './broadcast_to.js';
import { compareWithScalar } from './elementwise_simd.js';
import { where } from './where.js';

const C_BINARY = {
  add: '_Add',
  sub: '_Sub',
  mul: '_Multiply',
  div: '_RealDiv',
  pow: '_Pow',
  maximum: '_Maximum',
  minimum: '_Minimum',
  squaredDifference: '_SquaredDifference',
  equal: '_Equal',
  notEqual: '_NotEqual',
  less: '_Less',
  lessEqual: '_LessEqual',
  greater: '_Greater',
  greaterEqual: '_GreaterEqual',
  logicalAnd: '_LogicalAnd',
  logicalOr: '_LogicalOr',
} as const satisfies Record<BinaryOp, string>;

/**
 * Ops whose tfjs kernel broadcasts fast (XNNPACK's binary operators). The
 * others go through tfjs's generic index-per-element broadcast, up to ~60 ns
 * per element for a broadcast column; their operands are broadcast first (a
 * memmove/fill walk) and the kernel runs on equal shapes.
 */
const FAST_BROADCAST: ReadonlySet<BinaryOp> = new Set(['add', 'sub', 'mul', 'div', 'squaredDifference']);

/** One tfjs wasm binary kernel call. */
export function binaryCall(rt: WasmRuntime, op: BinaryOp, a: Tw, b: Tw, outShape: readonly number[]): Tw {
  const out = rt.empty(outShape, binaryOutputDType(op, a.dtype));
  if (out.data.size === 0) return out;
  let x = a;
  let y = b;
  if (!FAST_BROADCAST.has(op) && !(sameShape(a.shape, outShape) && sameShape(b.shape, outShape))) {
    x = broadcastTo(rt, a, outShape);
    y = broadcastTo(rt, b, outShape);
  }
  try {
    rt.m[C_BINARY[op]](x.data.id, rt.ints(0, x.shape), x.shape.length, y.data.id, rt.ints(1, y.shape), y.shape.length, CDTYPE[a.dtype], out.data.id);
  } finally {
    if (x.data !== a.data) rt.dispose(x);
    if (y.data !== b.data) rt.dispose(y);
  }
  return out;
}

function hasNaN(rt: WasmRuntime, t: Tw): boolean {
  const v = rt.f32(t.data);
  for (let i = 0; i < v.length; i++) if (v[i] !== v[i]) return true;
  return false;
}

/**
 * Elementwise `op(a, b)` with NumPy broadcasting by the tfjs wasm kernel of the
 * same name; a float32 tensor compared with a scalar (relu's gradient mask)
 * by this package's SIMD module instead (`compareWithScalar`). Float maximum/minimum: tfjs's return the other operand when one is
 * NaN; the contract propagates NaN, so when an operand holds a NaN the result
 * is taken from a + b (NaN there) wherever either is NaN (IsNan, LogicalOr,
 * Add, SelectV2).
 */
export function binary(rt: WasmRuntime, op: BinaryOp, a: Tw, b: Tw, outShape: readonly number[]): Tw {
  const cmp = compareWithScalar(rt, op, a, b, outShape);
  if (cmp) return cmp;
  const m = binaryCall(rt, op, a, b, outShape);
  if ((op !== 'maximum' && op !== 'minimum') || a.dtype !== 'float32' || m.data.size === 0) return m;
  if (!hasNaN(rt, a) && !hasNaN(rt, b)) return m;
  const temps: Tw[] = [m];
  try {
    const na = rt.empty(a.shape, 'bool');
    temps.push(na);
    if (na.data.size > 0) rt.m._IsNan(a.data.id, CDTYPE.float32, na.data.id);
    const nb = rt.empty(b.shape, 'bool');
    temps.push(nb);
    if (nb.data.size > 0) rt.m._IsNan(b.data.id, CDTYPE.float32, nb.data.id);
    const any = binaryCall(rt, 'logicalOr', na, nb, outShape);
    temps.push(any);
    const sum = binaryCall(rt, 'add', a, b, outShape);
    temps.push(sum);
    return where(rt, any, sum, m, outShape);
  } finally {
    for (const t of temps) rt.dispose(t);
  }
}

/** The contract-level kernel: this instance's buffers in, a buffer it owns out. */
export const binaryKernel: KernelImpl<'binary', WasmStore> = (s, op, a, b, outShape) =>
  s.run(() => binary(s.rt, op, s.input(a, 'binary'), s.input(b, 'binary'), outShape));
