/**
 * Deliberately broken backends: the reference backend with one kernel
 * wrong. The suite's own tests check each is caught, by the right kernel.
 * Exposed so the CLI can demonstrate a failing run (`--backend reference-broken-matmul`).
 */
import type { Backend, ReduceOp, TensorInfo, UnaryOp } from '@polytensor/core';
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
  | 'max-ignores-nan'
  | 'maxpool-ignores-nan'
  | 'avgpool-nan-to-neg-inf'
  | 'max-lanes-drop-nan'
  | 'prod-float32-intermediates'
  | 'logsoftmax-float32-sum'
  | 'exp-via-expm1'
  | 'sigmoid-via-tanh';

/** Which kernel each variant breaks (what the suite must blame). */
export const BROKEN_KERNEL: Readonly<Record<BrokenVariant, string>> = {
  'matmul-drops-a-term': 'matMul',
  'neg-keeps-positive-zero': 'neg',
  'softmax-unstabilized': 'softmax',
  'exp-off-by-3-ulp': 'exp',
  'relu-leaks-a-buffer': 'relu',
  'max-ignores-nan': 'max',
  'maxpool-ignores-nan': 'maxPool',
  'avgpool-nan-to-neg-inf': 'avgPool',
  'max-lanes-drop-nan': 'max',
  'prod-float32-intermediates': 'prod',
  'logsoftmax-float32-sum': 'logSoftmax',
  'exp-via-expm1': 'exp',
  'sigmoid-via-tanh': 'sigmoid',
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
    case 'maxpool-ignores-nan':
      // `if (v > m) m = v` from −Infinity: a NaN cell never wins
      return wrapBackend(base, {
        name,
        maxPool(x, info) {
          const h = base.readHost(x);
          const scrubbed = base.writeHost({ ...h, values: h.values.map((v) => (Number.isNaN(v) ? -Infinity : v)) });
          const out = base.maxPool(scrubbed, info);
          base.disposeData(scrubbed.dataId);
          return out;
        },
      });
    case 'avgpool-nan-to-neg-inf':
      // an output clamp max(min(v, +Inf), −Inf) that turns NaN into −Infinity
      return wrapBackend(base, {
        name,
        avgPool(x, info) {
          const out = base.avgPool(x, info);
          const h = base.readHost(out);
          base.disposeData(out.dataId);
          return base.writeHost({ ...h, values: h.values.map((v) => (Number.isNaN(v) ? -Infinity : v)) });
        },
      });
    case 'max-lanes-drop-nan':
      // rows of up to 8 exact; longer rows in 4 lanes whose `v > m` step skips a NaN after the first
      return replaceReduce(base, name, 'max', (t) => {
        if (t.length <= 8) return t.some(Number.isNaN) ? NaN : Math.max(...t);
        const lanes = [0, 1, 2, 3].map((l) => {
          let m = t[l] ?? -Infinity;
          for (let i = l + 4; i < t.length; i += 4) if (t[i]! > m) m = t[i]!;
          return m;
        });
        return lanes.some(Number.isNaN) ? NaN : Math.max(...lanes);
      });
    case 'prod-float32-intermediates':
      // each partial product rounded to float32: overflows to ±Infinity or underflows to 0 on the way
      return replaceReduce(base, name, 'prod', (t) => t.reduce((p, v) => f32(p * v), 1));
    case 'logsoftmax-float32-sum':
      // S = Σ exp(x − max) summed in float32 (the max's 1 included), then log S: ~n·u absolute error on outputs near 0
      return wrapBackend(base, {
        name,
        logSoftmax(logits) {
          const h = base.readHost(logits);
          const n = h.shape[h.shape.length - 1] ?? 1;
          const out = new Float64Array(h.values.length);
          for (let r = 0; n > 0 && r < out.length / n; r++) {
            const row = h.values.subarray(r * n, r * n + n);
            const m = row.some(Number.isNaN) ? NaN : Math.max(...row);
            const d = row.map((v) => f32(v - m));
            const s = d.reduce((acc, v) => f32(acc + f32(Math.exp(v))), 0);
            const ls = f32(Math.log(s));
            d.forEach((v, j) => (out[r * n + j] = f32(v - ls)));
          }
          return base.writeHost({ shape: h.shape, values: out, dtype: 'float32' });
        },
      });
    case 'exp-via-expm1':
      // exp(x) as expm1(x) + 1 in float32 (the old expm1 gradient's formula): 0 below x ≈ −17
      return replaceUnary(base, name, 'exp', (v) => f32(f32(Math.expm1(v)) + 1));
    case 'sigmoid-via-tanh':
      // σ(x) = 0.5 + 0.5·tanh(x/2) in float32: no relative accuracy left for x ≪ 0
      return replaceUnary(base, name, 'sigmoid', (v) => f32(0.5 + f32(0.5 * f32(Math.tanh(f32(v / 2))))));
  }
}

/** A float32 unary kernel replaced by `f` (the result stored as float32). */
function replaceUnary(base: ReferenceBackend, name: string, which: UnaryOp, f: (x: number) => number): Backend {
  return wrapBackend(base, {
    name,
    unary(op, x) {
      if (op !== which || x.dtype !== 'float32') return base.unary(op, x);
      const h = base.readHost(x);
      return base.writeHost({ ...h, values: h.values.map(f) });
    },
  });
}

/** A reduction computed window by window by `f` over its terms (float32 inputs). */
function replaceReduce(base: ReferenceBackend, name: string, which: ReduceOp, f: (terms: number[]) => number): Backend {
  return wrapBackend(base, {
    name,
    reduce(op, x, axes) {
      if (op !== which || x.dtype !== 'float32') return base.reduce(op, x, axes);
      const h = base.readHost(x);
      const wins = ref.reductionWindows(h.shape, axes);
      const out = Float64Array.from(wins, (w) => f(w.map((i) => h.values[i]!)));
      return base.writeHost({ shape: h.shape.filter((_, i) => !axes.includes(i)), values: out, dtype: 'float32' });
    },
  });
}

const f32 = Math.fround;

export const BROKEN_VARIANTS = Object.keys(BROKEN_KERNEL) as BrokenVariant[];
