import type { Judgement } from '../compare.js';
import { FLT_MIN, FLT_TRUE_MIN, ulp32 } from '../float.js';
import { host, shapeStr, type HostTensor } from '../host.js';
import * as ref from '../reference/index.js';
import type { Rng } from '../rng.js';
import type { EffectiveNumerics } from '../tolerances.js';
import { kernelCase } from './harness.js';
import { uniformTensor } from './values.js';
import type { ConformanceCase } from './types.js';

/**
 * Per-element bounds for softmax and logSoftmax, from a first-order error
 * analysis of the stable algorithm in float32 (then doubled), with
 * d = x − max, R = the row's largest |d|, n = row length, E = exp's and
 * L = log's ULP bound (each ULP ≤ 2u relative), S = Σ exp(d) = 1 + T where T
 * sums every term but the (first) max's exp(0) = 1:
 *
 *   softmax:    |p̂ − p| ≤ 2u·(|d| + R + 4E + n + 2)·p
 *   logSoftmax: |l̂ − l| ≤ 2u·(|d| + (R + 2E + n)·T/S + 2L·|log S| + |l|)
 *
 * (rounding x − max costs |d|·u through exp; each term of T carries up to
 * R·u + 2E·u and the additions γ_(n-2), relative to T; log S = log1p(T)
 * passes T's error on divided by S.) The logSoftmax bound is relative to the
 * result when the max dominates (T ≪ 1, outputs near 0): an implementation
 * that forms S = 1 + T in float32 before the log, or takes log(softmax),
 * loses up to n·u absolute there and fails. Plus a subnormal quantum,
 * FLT_MIN when the backend flushes, and any ULP bound the backend declares
 * for the op itself.
 */
export function softmaxBound(r: ref.SoftmaxResult, log: boolean, num: EffectiveNumerics): Float64Array {
  const u = num.u;
  const E = Math.max(1, num.ulpBound('exp'));
  const L = Math.max(1, num.ulpBound('log'));
  const declared = num.ulpBound(log ? 'logSoftmax' : 'softmax');
  const b = new Float64Array(r.out.values.length);
  for (let i = 0; i < b.length; i++) {
    const v = r.out.values[i]!;
    const d = Number.isFinite(r.d[i]!) ? Math.abs(r.d[i]!) : 0;
    const R = r.spread[i]!;
    const k = log ? 2 * u * (d + (R + 2 * E + r.n) * r.tail[i]! + 2 * L * Math.abs(r.logS[i]!) + Math.abs(v)) : 2 * u * (d + R + 4 * E + r.n + 2) * Math.abs(v);
    b[i] = k + 2 * FLT_TRUE_MIN + (num.flushesSubnormals ? FLT_MIN : 0) + (Number.isFinite(v) ? declared * ulp32(v) : 0);
  }
  return b;
}

function softmaxCase(log: boolean, name: string, x: (r: Rng) => HostTensor): ConformanceCase {
  const kernel = log ? 'logSoftmax' : 'softmax';
  return kernelCase({
    kernel,
    name,
    inputs: (r) => [x(r)],
    call: (b, [t]) => (log ? b.kernels.logSoftmax(t!) : b.kernels.softmax(t!)),
    expect: ([t], num) => {
      const res = log ? ref.logSoftmax(t!) : ref.softmax(t!);
      const judge: Judgement = { kind: 'bound', bound: softmaxBound(res, log, num) };
      return { shape: res.out.shape, dtype: 'float32', ref: res.out.values, judge };
    },
  });
}

/**
 * Rows whose max exceeds every other entry by a gap of 3 to 16: S = 1 + T with
 * T small, so logSoftmax of the max is a small negative number (down to ~1e-6)
 * whose float32 accuracy needs log1p(T), not log(1 + T) rounded.
 */
function dominantRows(r: Rng, rows: number, n: number): HostTensor {
  const vals: number[] = [];
  for (let row = 0; row < rows; row++) {
    const gap = 3 + (13 * row) / Math.max(1, rows - 1);
    const top = r.float(-5, 5);
    const v = r.array(n, (q) => top - gap - q.float(0, 2));
    v[r.int(0, n - 1)] = top;
    vals.push(...v);
  }
  return host([rows, n], vals);
}

function casesFor(log: boolean): ConformanceCase[] {
  const c = (name: string, x: (r: Rng) => HostTensor): ConformanceCase => softmaxCase(log, name, x);
  return [
    c('[5,10] logits in [-10,10]', uniformTensor([5, 10], -10, 10)),
    c('rank 1 [100]', uniformTensor([100], -5, 5)),
    c('rank 3 [2,3,7]', uniformTensor([2, 3, 7], -3, 3)),
    c('rank 6 [2,1,2,1,2,5]', uniformTensor([2, 1, 2, 1, 2, 5], -3, 3)),
    c('last axis 1 [4,1]', uniformTensor([4, 1], -50, 50)),
    c('large logits (unstabilized exp overflows) [3,8] in [80,120]', uniformTensor([3, 8], 80, 120)),
    c('huge logits [2,6] around ±1e4', (r) => host([2, 6], [...r.array(6, (q) => q.float(9990, 10000)), ...r.array(6, (q) => q.float(-10000, -9990))])),
    c('spread 80 (tiny probabilities stay normal) [4,6]', uniformTensor([4, 6], -40, 40)),
    c('rows with -Infinity entries', () => host([2, 4], [-Infinity, 1, 2, -Infinity, 0, -Infinity, 3, 3])),
    c('a NaN makes its row NaN', () => host([2, 3], [1, NaN, 2, 0.5, 0.25, -1])),
    c('equal logits [3,7]', () => host([3, 7], new Array<number>(21).fill(2.5))),
    c('a dominant max: outputs near 0 (row 20, seventeen 10s)', () => host([18], [20, ...new Array<number>(17).fill(10)])),
    c('dominant maxima [6,40]: gaps 3 to 16, the max anywhere', (r) => dominantRows(r, 6, 40)),
    c('dominant maxima with a tie at the max [3,9]', (r) => {
      const rows = dominantRows(r, 3, 9);
      // copy each row's max to another position: T ≥ 1, log S ≥ log 2
      for (let row = 0; row < 3; row++) {
        const v = rows.values.subarray(row * 9, row * 9 + 9);
        const at = v.indexOf(Math.max(...v));
        v[(at + 4) % 9] = v[at]!;
      }
      return rows;
    }),
    c(`empty ${shapeStr([0, 5])}`, () => host([0, 5], [])),
    c(`empty rows ${shapeStr([3, 0])}`, () => host([3, 0], [])),
  ];
}

export const softmaxCases: readonly ConformanceCase[] = casesFor(false);
export const logSoftmaxCases: readonly ConformanceCase[] = casesFor(true);
