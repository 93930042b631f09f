import { batchedMatMulDims, type KernelImpl } from '@polytensor/core';
import type { Tw, WasmRuntime } from '../runtime.js';
import type { WasmStore } from '../store.js';
import { transpose } from './transpose.js';

/** Below this many multiply-adds the tfjs blocked loop beats setting up an XNNPACK operator. */
export const XNN_MIN_MACS = 8192;

/**
 * `b` as XNNPACK fully-connected weights [K, N]: transposed first when
 * `transposeB` (XNNPACK's path takes no transposes), or copied when its buffer
 * was already cached as weights of another shape (see WasmRuntime.fcWeightsOk).
 * Check `.data` to free.
 */
export function asWeights(rt: WasmRuntime, b: Tw, transposeB: boolean, k: number, n: number): Tw {
  const w = transposeB ? transpose(rt, { ...b, shape: [n, k] }, [1, 0]) : { ...b, shape: [k, n] };
  if (rt.fcWeightsOk(w.data, k, n)) return w;
  const copy = rt.clone(w);
  if (w.data !== b.data) rt.dispose(w);
  rt.fcWeightsOk(copy.data, k, n);
  return copy;
}

/** `a` as rows [rows, K] (transposed per batch first when `transposeA`); check `.data` to free. */
function asRows(rt: WasmRuntime, a: Tw, transposeA: boolean): Tw {
  return transposeA ? transpose(rt, a, [0, 2, 1]) : a;
}

/**
 * Batched matrix product. When b has a batch of 1 this is one XNNPACK
 * fully-connected op over all of a's rows ([Ba·M, K] × [K, N]), with explicit
 * transposes first (the tfjs kernel only reaches XNNPACK untransposed); tiny
 * products and batched b go to the tfjs kernel's blocked loop, which handles the
 * transposes itself (a batch-1 a is tiled to b's batch first).
 */
export function matMul(rt: WasmRuntime, a: Tw, b: Tw, transposeA: boolean, transposeB: boolean): Tw {
  const { ba, bb, batch, m, k, n } = batchedMatMulDims(a.shape, b.shape, transposeA, transposeB);
  const out = rt.empty([batch, m, n], 'float32');
  if (out.data.size === 0) return out;
  if (k === 0) {
    rt.f32(out.data).fill(0);
    return out;
  }
  // The tfjs kernel itself goes to XNNPACK (caching b as weights) whenever both batches are 1 and nothing is
  // transposed, so that case always takes this path, where the weights-cache guard applies.
  if (bb === 1 && (ba * m * n * k >= XNN_MIN_MACS || (ba === 1 && !transposeA && !transposeB))) {
    const rows = asRows(rt, a, transposeA);
    let w: Tw | null = null;
    try {
      w = asWeights(rt, b, transposeB, k, n);
      rt.m._BatchMatMul(rows.data.id, rt.ints(0, [1, ba * m, k]), 3, w.data.id, rt.ints(1, [1, k, n]), 3, 0, 0, out.data.id);
    } finally {
      if (rows.data !== a.data) rt.dispose(rows);
      if (w && w.data !== b.data) rt.dispose(w);
    }
    return out;
  }
  if (ba === bb) {
    rt.m._BatchMatMul(a.data.id, rt.ints(0, a.shape), 3, b.data.id, rt.ints(1, b.shape), 3, +transposeA, +transposeB, out.data.id);
    return out;
  }
  // Batch broadcasting: tile the batch-1 operand so both batches match.
  const small = ba === 1 ? a : b;
  const tiled = rt.empty([batch, small.shape[1]!, small.shape[2]!], 'float32');
  try {
    const per = small.data.size;
    for (let i = 0; i < batch; i++) rt.copy(small.data, 0, tiled.data, i * per, per);
    const A = ba === 1 ? tiled : a;
    const B = ba === 1 ? b : tiled;
    rt.m._BatchMatMul(A.data.id, rt.ints(0, A.shape), 3, B.data.id, rt.ints(1, B.shape), 3, +transposeA, +transposeB, out.data.id);
  } finally {
    rt.dispose(tiled);
  }
  return out;
}

/** The contract-level kernel: this instance's buffers in, a buffer it owns out. */
export const matMulKernel: KernelImpl<'matMul', WasmStore> = (s, a, b, transposeA, transposeB) =>
  s.run(() => matMul(s.rt, s.input(a, 'matMul'), s.input(b, 'matMul'), transposeA, transposeB));
