import type { FusedActivation, KernelImpl } from '@polytensor/core';
import type { Tw, WasmRuntime } from '../runtime.js';
import type { WasmStore } from '../store.js';
import { broadcastTo } from './broadcast_to.js';
import { asWeights } from './mat_mul.js';
import { transpose } from './transpose.js';
import { unary } from './unary.js';

/**
 * act(a·b + bias) for rank-2 a, b: one XNNPACK fully-connected op with the
 * bias fused (tfjs's _FusedMatMul kernel, untransposed operands), then the
 * activation by the same unary kernel as `unary` (XNNPACK's clamp-based relu
 * does not propagate NaN, and tfjs fuses no tanh).
 */
export function fusedMatMul(rt: WasmRuntime, a: Tw, b: Tw, bias: Tw | null, activation: FusedActivation, transposeA: boolean, transposeB: boolean): Tw {
  const m = transposeA ? a.shape[1]! : a.shape[0]!;
  const k = transposeA ? a.shape[0]! : a.shape[1]!;
  const n = transposeB ? b.shape[0]! : b.shape[1]!;
  let lin: Tw;
  if (m * n === 0) {
    return rt.empty([m, n], 'float32');
  } else if (k === 0) {
    if (bias) {
      lin = broadcastTo(rt, bias, [m, n]);
      if (lin.data === bias.data) lin = rt.clone(bias);
    } else {
      lin = rt.empty([m, n], 'float32');
      rt.f32(lin.data).fill(0);
    }
  } else {
    lin = rt.empty([m, n], 'float32');
    const rows = transposeA ? transpose(rt, a, [1, 0]) : a;
    let w: Tw | null = null;
    try {
      w = asWeights(rt, b, transposeB, k, n);
      rt.m.__FusedMatMul(
        rows.data.id,
        rt.ints(0, [1, m, k]),
        3,
        w.data.id,
        rt.ints(1, [1, k, n]),
        3,
        0,
        0,
        0 /* linear */,
        bias ? bias.data.id : 0,
        0,
        0,
        lin.data.id,
      );
    } catch (e) {
      rt.dispose(lin);
      throw e;
    } finally {
      if (rows.data !== a.data) rt.dispose(rows);
      if (w && w.data !== b.data) rt.dispose(w);
    }
  }
  if (activation === 'linear') return lin;
  try {
    return unary(rt, activation, lin);
  } finally {
    rt.dispose(lin);
  }
}

/** The contract-level kernel: this instance's buffers in, a buffer it owns out. */
export const fusedMatMulKernel: KernelImpl<'fusedMatMul', WasmStore> = (s, a, b, bias, activation, transposeA, transposeB) => {
  const op = 'fusedMatMul';
  return s.run(() => fusedMatMul(s.rt, s.input(a, op), s.input(b, op), bias ? s.input(bias, op) : null, activation, transposeA, transposeB));
};
