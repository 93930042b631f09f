import type { KernelImpl } from '@polytensor/core';
import type { Tw, WasmRuntime } from '../runtime.js';
import type { WasmStore } from '../store.js';
import { binary } from './binary.js';
import { reduce } from './reduce.js';
import { unary } from './unary.js';

/**
 * Log-softmax over the last axis, which tfjs-backend-wasm lacks: d = x − max
 * and e = exp(d) by its kernels (Max, Sub, Exp), then per row, over views of
 * the heap, T = Σ e without the first max's term (exactly 1), summed in
 * double, and out = d − log1p(T). Taking log of S = 1 + T summed in float32
 * instead loses up to n·2⁻²⁴ absolute on outputs near 0 (a dominant max: 5·2⁻²⁴
 * on −7.7e-4 for a row of 20 and seventeen 10s). The row pass is two scalar
 * loops, replacing tfjs's Sum, Log and Sub.
 */
export function logSoftmax(rt: WasmRuntime, logits: Tw): Tw {
  if (logits.data.size === 0) return rt.empty(logits.shape, 'float32');
  const x = logits.shape.length === 0 ? { ...logits, shape: [1] } : logits;
  const rank = x.shape.length;
  const n = x.shape[rank - 1]!;
  const rowShape = [...x.shape.slice(0, -1), 1];
  const temps: Tw[] = [];
  try {
    const m = reduce(rt, 'max', x, [rank - 1]);
    temps.push(m);
    const d = binary(rt, 'sub', x, { ...m, shape: rowShape }, x.shape);
    temps.push(d);
    const e = unary(rt, 'exp', d);
    temps.push(e);
    const out = rt.empty(logits.shape, 'float32');
    // views after the last allocation (a growing heap detaches older ones)
    const dv = rt.f32(d.data);
    const ev = rt.f32(e.data);
    const ov = rt.f32(out.data);
    for (let base = 0; base < dv.length; base += n) {
      let t = 0;
      let skipped = false;
      for (let j = base; j < base + n; j++) {
        if (dv[j] === 0 && !skipped) skipped = true;
        else t += ev[j]!;
      }
      // no zero d: the max is NaN or infinite, and a NaN term makes the row NaN
      const lse = skipped ? Math.log1p(t) : Math.log(t);
      for (let j = base; j < base + n; j++) ov[j] = dv[j]! - lse;
    }
    return out;
  } finally {
    for (const t of temps) rt.dispose(t);
  }
}

/** The contract-level kernel: this instance's buffers in, a buffer it owns out. */
export const logSoftmaxKernel: KernelImpl<'logSoftmax', WasmStore> = (s, logits) => s.run(() => logSoftmax(s.rt, s.input(logits, 'logSoftmax')));
