/**
 * Deliberately broken backends: the reference backend with one kernel
 * wrong. The suite's own tests check each is caught, by the right kernel.
 * Exposed so the CLI can demonstrate a failing run (`--backend reference-broken-matmul`).
 */
import type { Backend, TensorInfo } from '@polytensor/core';
import { nextUp32 } from './float.js';
import * as ref from './reference/index.js';
import { ReferenceBackend } from './reference_backend.js';
import { wrapBackend } from './wrap.js';

export type BrokenVariant =
  | 'matmul-drops-a-term'
  | 'neg-keeps-positive-zero'
  | 'softmax-unstabilized'
  | 'exp-off-by-3-ulp'
  | 'relu-leaks-a-buffer'
  | 'max-ignores-nan';

/** Which kernel each variant breaks (what the suite must blame). */
export const BROKEN_KERNEL: Readonly<Record<BrokenVariant, string>> = {
  'matmul-drops-a-term': 'matMul',
  'neg-keeps-positive-zero': 'neg',
  'softmax-unstabilized': 'softmax',
  'exp-off-by-3-ulp': 'exp',
  'relu-leaks-a-buffer': 'relu',
  'max-ignores-nan': 'max',
};

export function brokenBackend(variant: BrokenVariant): Backend {
  const base = new ReferenceBackend(`reference-broken-${variant}`);
  const name = base.name;
  switch (variant) {
    case 'matmul-drops-a-term':
      // element 0 of every product loses its k = 0 term
      return wrapBackend(base, {
        name,
        matMul(a: TensorInfo, b: TensorInfo, tA: boolean, tB: boolean): TensorInfo {
          const ha = base.readHost(a);
          const hb = base.readHost(b);
          const out = ref.matMul(ha, hb, tA, tB).out;
          const K = tA ? a.shape[1]! : a.shape[2]!;
          // a[0,0,0] and b[0,0,0] are the k = 0 factors of element 0 in every layout
          if (out.values.length > 0 && K > 1) out.values[0] = out.values[0]! - ha.values[0]! * hb.values[0]!;
          return base.writeHost(out);
        },
      });
    case 'neg-keeps-positive-zero':
      return wrapBackend(base, {
        name,
        unary(op, x) {
          const out = base.unary(op, x);
          if (op !== 'neg' || x.dtype !== 'float32') return out;
          const h = base.readHost(out);
          base.disposeData(out.dataId);
          return base.writeHost({ ...h, values: h.values.map((v) => (v === 0 ? 0 : v)) });
        },
      });
    case 'softmax-unstabilized':
      // exp(x) / Σ exp(x) in float32, no max subtraction: overflows to Inf/Inf = NaN
      return wrapBackend(base, {
        name,
        softmax(logits) {
          const h = base.readHost(logits);
          const n = h.shape[h.shape.length - 1] ?? 1;
          const e = h.values.map((v) => Math.fround(Math.exp(v)));
          const out = new Float64Array(e.length);
          for (let r = 0; r < e.length / n; r++) {
            let s = 0;
            for (let j = 0; j < n; j++) s = Math.fround(s + e[r * n + j]!);
            for (let j = 0; j < n; j++) out[r * n + j] = e[r * n + j]! / s;
          }
          return base.writeHost({ shape: h.shape, values: out, dtype: 'float32' });
        },
      });
    case 'exp-off-by-3-ulp':
      return wrapBackend(base, {
        name,
        unary(op, x) {
          const out = base.unary(op, x);
          if (op !== 'exp') return out;
          const h = base.readHost(out);
          base.disposeData(out.dataId);
          return base.writeHost({ ...h, values: h.values.map((v) => nextUp32(nextUp32(nextUp32(v)))) });
        },
      });
    case 'relu-leaks-a-buffer':
      return wrapBackend(base, {
        name,
        unary(op, x) {
          if (op === 'relu') base.write(new Float32Array(1), [1], 'float32'); // a temporary never disposed
          return base.unary(op, x);
        },
      });
    case 'max-ignores-nan':
      return wrapBackend(base, {
        name,
        reduce(op, x, axes) {
          if (op !== 'max') return base.reduce(op, x, axes);
          // max that skips NaN (`if (v > m) m = v`)
          const h = base.readHost(x);
          const scrubbed = base.writeHost({ ...h, values: h.values.map((v) => (Number.isNaN(v) ? -Infinity : v)) });
          const out = base.reduce('max', scrubbed, axes);
          base.disposeData(scrubbed.dataId);
          return out;
        },
      });
  }
}

export const BROKEN_VARIANTS = Object.keys(BROKEN_KERNEL) as BrokenVariant[];
