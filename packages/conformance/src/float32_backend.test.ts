/**
 * The bounds are sound for honest float32 arithmetic: a backend that rounds
 * to float32 after every single operation (as a GPU or SIMD kernel does), in
 * a different summation order than the reference, passes. And they have
 * teeth: plausible semantic slips fail.
 */
import type { Backend, KernelImpls, TensorInfo } from '@polytensor/core';
import { describe, expect, it } from 'vitest';
import * as ref from './reference/index.js';
import { forEachTap } from './reference/index.js';
import { createReferenceBackend, REFERENCE_KERNELS as R, type RefStore } from './reference_backend.js';
import { runConformance } from './suite.js';

const f = Math.fround;

/** A backend whose accumulating kernels round every product and every partial sum to float32, summing backwards. */
function float32Backend(): Backend {
  return createReferenceBackend({ name: 'float32-steps', kernels: { ...R, ...FLOAT32_STEP_KERNELS } });
}

const FLOAT32_STEP_KERNELS: Partial<KernelImpls<RefStore>> = {
  reduce(s, op, x, axes) {
    if (op !== 'sum' || x.dtype !== 'float32' || axes.length !== x.shape.length) return R.reduce(s, op, x, axes);
    const h = s.readHost(x);
    let sum = 0;
    for (let i = h.values.length - 1; i >= 0; i--) sum = f(sum + h.values[i]!);
    return s.writeHost({ shape: [], values: Float64Array.of(sum), dtype: 'float32' });
  },
  matMul(s, a, b, tA, tB) {
    const A = s.readHost(a);
    const B = s.readHost(b);
    const [ba, a1, a2] = a.shape as [number, number, number];
    const [bb, b1, b2] = b.shape as [number, number, number];
    const M = tA ? a2 : a1;
    const K = tA ? a1 : a2;
    const N = tB ? b1 : b2;
    const BB = ba === 1 ? bb : ba;
    const out = new Float64Array(BB * M * N);
    for (let bi = 0; bi < BB; bi++) {
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let k = K - 1; k >= 0; k--) {
            const av = A.values[(ba === 1 ? 0 : bi) * a1 * a2 + (tA ? k * a2 + i : i * a2 + k)]!;
            const bv = B.values[(bb === 1 ? 0 : bi) * b1 * b2 + (tB ? j * b2 + k : k * b2 + j)]!;
            s = f(s + f(av * bv));
          }
          out[(bi * M + i) * N + j] = s;
        }
      }
    }
    return s.writeHost({ shape: [BB, M, N], values: out, dtype: 'float32' });
  },
  conv2d(s, x, filter, info) {
    const X = s.readHost(x);
    const F = s.readHost(filter);
    const out = new Float64Array(info.outShape.reduce((p, q) => p * q, 1));
    forEachTap(info, (b, ih, iw, oh, ow, fh, fw) => {
      for (let co = 0; co < info.outChannels; co++) {
        for (let ci = 0; ci < info.inChannels; ci++) {
          const o = ((b * info.outHeight + oh) * info.outWidth + ow) * info.outChannels + co;
          const xv = X.values[((b * info.inHeight + ih) * info.inWidth + iw) * info.inChannels + ci]!;
          const fv = F.values[((fh * info.filterWidth + fw) * info.inChannels + ci) * info.outChannels + co]!;
          out[o] = f(out[o]! + f(xv * fv));
        }
      }
    });
    return s.writeHost({ shape: [...info.outShape], values: out, dtype: 'float32' });
  },
  softmax(s, logits) {
    return float32Softmax(s, logits, false);
  },
  logSoftmax(s, logits) {
    return float32Softmax(s, logits, true);
  },
  binary(s, op, a, b, outShape) {
    if (op !== 'squaredDifference' || a.dtype !== 'float32') return R.binary(s, op, a, b, outShape);
    const d = R.binary(s, 'sub', a, b, outShape);
    const out = R.binary(s, 'mul', d, d, outShape);
    s.disposeData(d.dataId);
    return out;
  },
};

/**
 * Stable softmax with every step rounded to float32 (exp, log1p correctly
 * rounded, as a good libm gives): S = 1 + T where T sums every term but the
 * first max's, so logSoftmax takes log1p(T) (the contract's accuracy for
 * outputs near 0; log of a float32 S would lose up to n·u there).
 */
function float32Softmax(s: RefStore, logits: TensorInfo, log: boolean): TensorInfo {
  const h = s.readHost(logits);
  const n = h.shape[h.shape.length - 1]!;
  const out = new Float64Array(h.values.length);
  for (let r = 0; r < (n === 0 ? 0 : h.values.length / n); r++) {
    let m = -Infinity;
    for (let j = 0; j < n; j++) {
      const v = h.values[r * n + j]!;
      m = Number.isNaN(v) || Number.isNaN(m) ? NaN : Math.max(m, v);
    }
    const e = new Float64Array(n);
    let t = 0;
    let skipped = false;
    for (let j = n - 1; j >= 0; j--) {
      e[j] = f(Math.exp(f(h.values[r * n + j]! - m)));
      if (h.values[r * n + j] === m && !skipped) skipped = true;
      else t = f(t + e[j]!);
    }
    const sum = f(1 + t);
    const ls = f(Math.log1p(t));
    for (let j = 0; j < n; j++) out[r * n + j] = log ? f(f(h.values[r * n + j]! - m) - ls) : f(e[j]! / sum);
  }
  return s.writeHost({ shape: h.shape, values: out, dtype: 'float32' });
}

describe('bounds are sound for float32-step arithmetic', () => {
  it('a backend rounding every operation to float32 passes', async () => {
    const report = await runConformance(float32Backend, { filter: 'sum,matMul,conv2d,softmax,logSoftmax,squaredDifference,training' });
    expect(report.rows.flatMap((r) => r.failures)).toEqual([]);
    // and it is measurably less accurate than the reference, i.e. the cases exercise the bounds
    const mm = report.rows.find((r) => r.kernel === 'matMul' && r.kind === 'kernel')!;
    expect(mm.worst).toBeGreaterThan(0);
  });
});

describe('plausible slips are caught, by the right kernel', () => {
  const failingRows = async (kernels: Partial<KernelImpls<RefStore>>, filter: string): Promise<string[]> => {
    const factory = (): Backend => createReferenceBackend({ name: 'slip', kernels: { ...R, ...kernels } });
    const report = await runConformance(factory, { filter, kinds: ['kernel'] });
    return report.rows.filter((r) => r.failed > 0).map((r) => r.kernel);
  };

  it('round half away from zero', async () => {
    const rows = await failingRows(
      {
        unary(s, op, x) {
          if (op !== 'round') return R.unary(s, op, x);
          const h = s.readHost(x);
          return s.writeHost({ ...h, values: h.values.map((v) => (v < 0 ? -Math.round(-v) : Math.round(v))) });
        },
      },
      'round,floor',
    );
    expect(rows).toEqual(['round']);
  });

  it('argMax picking the last of tied maxima', async () => {
    const rows = await failingRows(
      {
        argReduce(s, op, x, axis) {
          if (op !== 'argMax') return R.argReduce(s, op, x, axis);
          const h = s.readHost(x);
          const n = x.shape[axis]!;
          const inner = x.shape.slice(axis + 1).reduce((p, q) => p * q, 1);
          const outer = x.shape.slice(0, axis).reduce((p, q) => p * q, 1);
          const out = new Float64Array(outer * inner);
          for (let o = 0; o < outer; o++) {
            for (let i = 0; i < inner; i++) {
              let best = 0;
              for (let k = 1; k < n; k++) {
                const v = h.values[(o * n + k) * inner + i]!;
                const b = h.values[(o * n + best) * inner + i]!;
                if (!Number.isNaN(b) && (Number.isNaN(v) || v >= b)) best = k;
              }
              out[o * inner + i] = best;
            }
          }
          return s.writeHost({ shape: x.shape.filter((_, k) => k !== axis), values: out, dtype: 'int32' });
        },
      },
      'argMax,argMin',
    );
    expect(rows).toEqual(['argMax']);
  });

  it('avgPool dividing by the whole window, padding included', async () => {
    const rows = await failingRows(
      {
        avgPool(s, x, info) {
          const r = ref.avgPool(s.readHost(x), info);
          const full = info.filterHeight * info.filterWidth;
          return s.writeHost({ ...r.out, values: r.out.values.map((v, i) => (v * r.terms[i]!) / full) });
        },
      },
      'avgPool,maxPool',
    );
    expect(rows).toEqual(['avgPool']);
  });

  it('oneHot wrapping negative indices', async () => {
    const rows = await failingRows(
      {
        oneHot(s, indices, depth, on, off) {
          const h = s.readHost(indices);
          const wrapped = s.writeHost({ ...h, values: h.values.map((k) => (k < 0 && k >= -depth ? k + depth : k)) });
          const out = R.oneHot(s, wrapped, depth, on, off);
          s.disposeData(wrapped.dataId);
          return out;
        },
      },
      'oneHot',
    );
    expect(rows).toEqual(['oneHot']);
  });

  it('a float32 sum that drops the last element of long rows', async () => {
    const rows = await failingRows(
      {
        reduce(s, op, x, axes) {
          const out = R.reduce(s, op, x, axes);
          if (op !== 'sum' || x.dtype !== 'float32' || x.shape[x.shape.length - 1] !== 1000) return out;
          const h = s.readHost(out);
          s.disposeData(out.dataId);
          const last = s.readHost(x).values[999]!;
          return s.writeHost({ ...h, values: h.values.map((v) => v - last) });
        },
      },
      'sum,prod',
    );
    expect(rows).toEqual(['sum']);
  });
});
