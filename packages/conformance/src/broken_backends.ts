/**
 * Deliberately broken backends: the reference backend with one kernel
 * (or its optimizer capability) wrong. The suite's own tests check each is caught, by the right kernel.
 * Exposed so the CLI can demonstrate a failing run (`--backend reference-broken-matmul`).
 */
import type { Backend, ReduceOp, UnaryOp } from '@polytensor/core';
import { defineBackend } from '@polytensor/core';
import { nextUp32 } from './float.js';
import * as ref from './reference/index.js';
import { createReferenceBackend, REFERENCE_KERNELS as R, referenceOptimizer, RefStore, type AllKernelImpls } from './reference_backend.js';

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
  | 'sigmoid-via-tanh'
  | 'fusedconv-drops-bias'
  | 'cross-entropy-skips-zero-labels'
  | 'cross-entropy-log-of-softmax'
  | 'adam-unrounded-step';

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
  'fusedconv-drops-bias': 'fusedConv2d',
  'cross-entropy-skips-zero-labels': 'softmaxCrossEntropy',
  'cross-entropy-log-of-softmax': 'softmaxCrossEntropy',
  'adam-unrounded-step': 'optimizerUpdate',
};

export function brokenBackend(variant: BrokenVariant): Backend {
  const name = `reference-broken-${variant}`;
  const broken = (kernels: Partial<AllKernelImpls<RefStore>>): Backend => createReferenceBackend({ name, kernels: { ...R, ...kernels } });
  switch (variant) {
    case 'matmul-drops-a-term':
      // element 0 of every product loses its k = 0 term
      return broken({
        matMul(s, a, b, tA, tB) {
          const ha = s.readHost(a);
          const hb = s.readHost(b);
          const out = ref.matMul(ha, hb, tA, tB).out;
          const K = tA ? a.shape[1]! : a.shape[2]!;
          // a[0,0,0] and b[0,0,0] are the k = 0 factors of element 0 in every layout
          if (out.values.length > 0 && K > 1) out.values[0] = out.values[0]! - ha.values[0]! * hb.values[0]!;
          return s.writeHost(out);
        },
      });
    case 'neg-keeps-positive-zero':
      return broken({
        unary(s, op, x) {
          if (op !== 'neg' || x.dtype !== 'float32') return R.unary(s, op, x);
          const h = ref.unary(op, s.readHost(x));
          return s.writeHost({ ...h, values: h.values.map((v) => (v === 0 ? 0 : v)) });
        },
      });
    case 'softmax-unstabilized':
      // exp(x) / Σ exp(x) in float32, no max subtraction: overflows to Inf/Inf = NaN
      return broken({
        softmax(s, logits) {
          const h = s.readHost(logits);
          const n = h.shape[h.shape.length - 1] ?? 1;
          const e = h.values.map((v) => Math.fround(Math.exp(v)));
          const out = new Float64Array(e.length);
          for (let r = 0; r < e.length / n; r++) {
            let sum = 0;
            for (let j = 0; j < n; j++) sum = Math.fround(sum + e[r * n + j]!);
            for (let j = 0; j < n; j++) out[r * n + j] = e[r * n + j]! / sum;
          }
          return s.writeHost({ shape: h.shape, values: out, dtype: 'float32' });
        },
      });
    case 'exp-off-by-3-ulp':
      return replaceUnary(broken, 'exp', (v) => nextUp32(nextUp32(nextUp32(f32(Math.exp(v))))));
    case 'relu-leaks-a-buffer':
      return broken({
        unary(s, op, x) {
          if (op === 'relu') s.write(new Float32Array(1), [1], 'float32'); // a temporary never disposed
          return R.unary(s, op, x);
        },
      });
    case 'max-ignores-nan':
      // max that skips NaN (`if (v > m) m = v`)
      return replaceReduce(broken, 'max', (t) => Math.max(...t.map((v) => (Number.isNaN(v) ? -Infinity : v))));
    case 'maxpool-ignores-nan':
      // `if (v > m) m = v` from −Infinity: a NaN cell never wins
      return broken({
        maxPool(s, x, info) {
          const h = s.readHost(x);
          return s.writeHost(ref.maxPool({ ...h, values: h.values.map((v) => (Number.isNaN(v) ? -Infinity : v)) }, info));
        },
      });
    case 'avgpool-nan-to-neg-inf':
      // an output clamp max(min(v, +Inf), −Inf) that turns NaN into −Infinity
      return broken({
        avgPool(s, x, info) {
          const h = ref.avgPool(s.readHost(x), info).out;
          return s.writeHost({ ...h, values: h.values.map((v) => (Number.isNaN(v) ? -Infinity : v)) });
        },
      });
    case 'max-lanes-drop-nan':
      // rows of up to 8 exact; longer rows in 4 lanes whose `v > m` step skips a NaN after the first
      return replaceReduce(broken, 'max', (t) => {
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
      return replaceReduce(broken, 'prod', (t) => t.reduce((p, v) => f32(p * v), 1));
    case 'logsoftmax-float32-sum':
      // S = Σ exp(x − max) summed in float32 (the max's 1 included), then log S: ~n·u absolute error on outputs near 0
      return broken({
        logSoftmax(s, logits) {
          const h = s.readHost(logits);
          const n = h.shape[h.shape.length - 1] ?? 1;
          const out = new Float64Array(h.values.length);
          for (let r = 0; n > 0 && r < out.length / n; r++) {
            const row = h.values.subarray(r * n, r * n + n);
            const m = row.some(Number.isNaN) ? NaN : Math.max(...row);
            const d = row.map((v) => f32(v - m));
            const sum = d.reduce((acc, v) => f32(acc + f32(Math.exp(v))), 0);
            const ls = f32(Math.log(sum));
            d.forEach((v, j) => (out[r * n + j] = f32(v - ls)));
          }
          return s.writeHost({ shape: h.shape, values: out, dtype: 'float32' });
        },
      });
    case 'exp-via-expm1':
      // exp(x) as expm1(x) + 1 in float32 (the old expm1 gradient's formula): 0 below x ≈ −17
      return replaceUnary(broken, 'exp', (v) => f32(f32(Math.expm1(v)) + 1));
    case 'sigmoid-via-tanh':
      // σ(x) = 0.5 + 0.5·tanh(x/2) in float32: no relative accuracy left for x ≪ 0
      // (its unaryGrad is core's composite, so the gradients run the same sigmoid, as on a real backend built this way)
      return replaceUnary(
        (k) => broken({ ...k, unaryGrad: undefined }),
        'sigmoid',
        (v) => f32(0.5 + f32(0.5 * f32(Math.tanh(f32(v / 2))))),
      );
    case 'fusedconv-drops-bias':
      // the bias added only where the activation is linear
      return broken({
        fusedConv2d(s, x, f, bias, act, info) {
          return s.writeHost(ref.fusedConv2d(s.readHost(x), s.readHost(f), act === 'linear' && bias ? s.readHost(bias) : null, act, info).out);
        },
      });
    case 'cross-entropy-skips-zero-labels':
      // terms with a zero label skipped: a −Infinity logit no longer makes 0 · Infinity = NaN
      return broken({
        softmaxCrossEntropy(s, logits, labels) {
          const hl = s.readHost(labels);
          const ls = ref.logSoftmax(s.readHost(logits)).out.values;
          const n = logits.shape[logits.shape.length - 1]!;
          const out = new Float64Array(hl.values.length / n);
          for (let r = 0; r < out.length; r++) {
            for (let c = 0; c < n; c++) if (hl.values[r * n + c] !== 0) out[r] = out[r]! - hl.values[r * n + c]! * ls[r * n + c]!;
          }
          return s.writeHost({ shape: logits.shape.slice(0, -1), values: out, dtype: 'float32' });
        },
      });
    case 'cross-entropy-log-of-softmax':
      // −Σ labels · log(p) of the softmax rounded to float32: losses near 0 keep no digits (and p = 0 makes 0 · Infinity)
      return broken({
        softmaxCrossEntropy(s, logits, labels) {
          const hl = s.readHost(labels).values;
          const p = ref.softmax(s.readHost(logits)).out.values.map(f32);
          const n = logits.shape[logits.shape.length - 1]!;
          const out = new Float64Array(hl.length / n);
          for (let r = 0; r < out.length; r++) for (let c = 0; c < n; c++) out[r] = out[r]! - hl[r * n + c]! * Math.log(p[r * n + c]!);
          return s.writeHost({ shape: logits.shape.slice(0, -1), values: out, dtype: 'float32' });
        },
      });
    case 'adam-unrounded-step':
      // an Adam step computed in float64 and rounded once at the end (an FMA-style fusion): not bit-identical
      return unroundedAdam(name);
  }
}

/** A reference whose optimizer capability computes Adam in float64, rounding only the results. */
function unroundedAdam(name: string): Backend {
  const storage = new RefStore(name);
  const exact = referenceOptimizer(storage);
  return defineBackend({
    name,
    storage,
    kernels: R,
    optimizer: {
      optimizerUpdate(u, value, grad, slots) {
        if (u.kind !== 'adam') return exact.optimizerUpdate(u, value, grad, slots);
        const [v, g, m0, v0] = [value, grad, ...slots].map((t) => storage.readHost(t).values) as [Float64Array, Float64Array, Float64Array, Float64Array];
        const m = m0.map((x, i) => x * u.beta1 + g[i]! * u.oneMinusBeta1);
        const w = v0.map((x, i) => x * u.beta2 + g[i]! * g[i]! * u.oneMinusBeta2);
        const next = v.map((x, i) => x - (m[i]! / (Math.sqrt(w[i]!) + u.epsilon)) * u.alpha);
        return [next, m, w].map((values) => storage.writeHost({ shape: value.shape, values, dtype: 'float32' }));
      },
    },
    dispose: () => storage.clear(),
  });
}

type Broken = (kernels: Partial<AllKernelImpls<RefStore>>) => Backend;

/** A float32 unary kernel replaced by `f` (the result stored as float32). */
function replaceUnary(broken: Broken, which: UnaryOp, f: (x: number) => number): Backend {
  return broken({
    unary(s, op, x) {
      if (op !== which || x.dtype !== 'float32') return R.unary(s, op, x);
      const h = s.readHost(x);
      return s.writeHost({ ...h, values: h.values.map(f) });
    },
  });
}

/** A reduction computed window by window by `f` over its terms (float32 inputs). */
function replaceReduce(broken: Broken, which: ReduceOp, f: (terms: number[]) => number): Backend {
  return broken({
    reduce(s, op, x, axes) {
      if (op !== which || x.dtype !== 'float32') return R.reduce(s, op, x, axes);
      const h = s.readHost(x);
      const wins = ref.reductionWindows(h.shape, axes);
      const out = Float64Array.from(wins, (w) => f(w.map((i) => h.values[i]!)));
      return s.writeHost({ shape: h.shape.filter((_, i) => !axes.includes(i)), values: out, dtype: 'float32' });
    },
  });
}

const f32 = Math.fround;

export const BROKEN_VARIANTS = Object.keys(BROKEN_KERNEL) as BrokenVariant[];
