import { type Tw, type WasmRuntime } from '../runtime.js';
import { binary } from './binary.js';
import { reduce } from './reduce.js';
import { unary } from './unary.js';

/**
 * Log-softmax over the last axis, which tfjs-backend-wasm lacks, from its
 * kernels: d = x − max(x), out = d − log(Σ exp(d)) (Max, Sub, Exp, Sum, Log, Sub).
 */
export function logSoftmax(rt: WasmRuntime, logits: Tw): Tw {
  if (logits.data.size === 0) return rt.empty(logits.shape, 'float32');
  const x = logits.shape.length === 0 ? { ...logits, shape: [1] } : logits;
  const rank = x.shape.length;
  const rowShape = [...x.shape.slice(0, -1), 1];
  const temps: Tw[] = [];
  try {
    const m = reduce(rt, 'max', x, [rank - 1]);
    temps.push(m);
    const d = binary(rt, 'sub', x, { ...m, shape: rowShape }, x.shape);
    temps.push(d);
    const e = unary(rt, 'exp', d);
    temps.push(e);
    const s = reduce(rt, 'sum', e, [rank - 1]);
    temps.push(s);
    const l = unary(rt, 'log', s);
    temps.push(l);
    const out = binary(rt, 'sub', d, { ...l, shape: rowShape }, x.shape);
    return { ...out, shape: logits.shape };
  } finally {
    for (const t of temps) rt.dispose(t);
  }
}
