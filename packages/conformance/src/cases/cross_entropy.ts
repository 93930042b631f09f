/**
 * softmaxCrossEntropy: Σ_c labels[c] · −logSoftmax(logits)[c] per row, with
 * one-hot and soft labels, huge logits, −Infinity, NaN and a dominant max.
 */
import { host, shapeStr, sizeOf, type HostTensor } from '../host.js';
import * as ref from '../reference/index.js';
import type { Rng } from '../rng.js';
import { kernelCase } from './harness.js';
import { uniformTensor } from './values.js';
import { accumulationBound } from './judges.js';
import { softmaxBound } from './softmax.js';
import type { ConformanceCase } from './types.js';

/**
 * Per row: the logSoftmax bound of each class weighted by |label|, plus the
 * weighted sum's own rounding, γ_C · Σ|label · logSoftmax| (a product and
 * C − 1 additions per row, in any order).
 */
function crossEntropyCase(name: string, inputs: (r: Rng) => [HostTensor, HostTensor]): ConformanceCase<'softmaxCrossEntropy'> {
  return kernelCase({
    kernel: 'softmaxCrossEntropy',
    name,
    inputs: (r) => inputs(r),
    call: (b, [logits, labels]) => b.kernels.softmaxCrossEntropy(logits!, labels!),
    expect: ([logits, labels], num) => {
      const res = ref.softmaxCrossEntropy(logits!, labels!);
      const ls = softmaxBound(res.logSoftmax, true, num);
      const bound = accumulationBound(res, num);
      const n = res.logSoftmax.n;
      for (let r = 0; r < bound.length; r++) {
        for (let c = 0; c < n; c++) {
          const w = Math.abs(labels!.values[r * n + c]!);
          if (w !== 0) bound[r] = bound[r]! + w * ls[r * n + c]!;
        }
      }
      return { shape: res.out.shape, dtype: 'float32', ref: res.out.values, judge: { kind: 'bound', bound } };
    },
    describe: ([logits, labels], i) => {
      const n = logits!.shape[logits!.shape.length - 1]!;
      const row = (t: HostTensor): string => `[${Array.from(t.values.subarray(i * n, i * n + n), (v) => Number(v.toPrecision(6))).join(', ')}]`;
      return `logits ${row(logits!)}, labels ${row(labels!)}`;
    },
  });
}

/** One-hot rows: class `pick(row)` (random by default). */
function oneHot(shape: readonly number[], r: Rng, pick?: (row: number) => number): HostTensor {
  const n = shape[shape.length - 1]!;
  const rows = sizeOf(shape) / n;
  const v = new Array<number>(sizeOf(shape)).fill(0);
  for (let row = 0; row < rows; row++) v[row * n + (pick ? pick(row) : r.int(0, n - 1))] = 1;
  return host(shape, v);
}

/** Soft labels: non-negative weights summing to about 1 per row, some exactly 0. */
function soft(shape: readonly number[], r: Rng): HostTensor {
  const n = shape[shape.length - 1]!;
  const v = r.array(sizeOf(shape), (q) => (q.bool(0.25) ? 0 : q.float(0, 1)));
  for (let row = 0; row < v.length / n; row++) {
    const s = v.slice(row * n, row * n + n).reduce((a, b) => a + b, 0) || 1;
    for (let j = 0; j < n; j++) v[row * n + j] = v[row * n + j]! / s;
  }
  return host(shape, v);
}

const oneHotCase = (shape: readonly number[], lo: number, hi: number, what = `logits in [${lo},${hi}]`) =>
  crossEntropyCase(`one-hot ${shapeStr(shape)} ${what}`, (r) => [uniformTensor(shape, lo, hi)(r), oneHot(shape, r)]);
const softCase = (shape: readonly number[], lo: number, hi: number, what = `logits in [${lo},${hi}]`) =>
  crossEntropyCase(`soft labels ${shapeStr(shape)} ${what}`, (r) => [uniformTensor(shape, lo, hi)(r), soft(shape, r)]);

/** Rows whose max leads every other logit by 3 to 16, the label on the max: losses near 0 (down to ~1e-6). */
function dominant(r: Rng): [HostTensor, HostTensor] {
  const rows = 6;
  const n = 12;
  const vals: number[] = [];
  const at: number[] = [];
  for (let row = 0; row < rows; row++) {
    const gap = 3 + (13 * row) / (rows - 1);
    const top = r.float(-5, 5);
    const v = r.array(n, (q) => top - gap - q.float(0, 2));
    at.push(r.int(0, n - 1));
    v[at[row]!] = top;
    vals.push(...v);
  }
  return [host([rows, n], vals), oneHot([rows, n], r, (row) => at[row]!)];
}

export const softmaxCrossEntropyCases: readonly ConformanceCase<'softmaxCrossEntropy'>[] = [
  oneHotCase([5, 10], -10, 10),
  softCase([4, 7], -5, 5),
  oneHotCase([2, 3, 6], -3, 3, 'rank 3'),
  softCase([9], -4, 4, 'rank 1'),
  softCase([2, 1, 2, 1, 5], -3, 3, 'rank 5'),
  softCase([4, 1], -50, 50, 'last axis 1'),
  oneHotCase([3, 8], 80, 120, 'large logits (unstabilized exp overflows)'),
  crossEntropyCase('huge logits [2,6] around ±1e4, one-hot and soft', (r) => [
    host([2, 6], [...r.array(6, (q) => q.float(9990, 10000)), ...r.array(6, (q) => q.float(-10000, -9990))]),
    host([2, 6], [0, 0, 1, 0, 0, 0, 0.25, 0, 0.5, 0, 0, 0.25]),
  ]),
  softCase([4, 6], -40, 40, 'spread 80'),
  crossEntropyCase('a label on a −Infinity logit gives +Infinity', () => [
    host([2, 4], [-Infinity, 1, 2, 0.5, 3, -Infinity, 0.5, 1]),
    host([2, 4], [1, 0, 0, 0, 0.5, 0.5, 0, 0]),
  ]),
  crossEntropyCase('a zero label on a −Infinity logit gives NaN (0 · Infinity, IEEE)', () => [
    host([2, 3], [-Infinity, 1, 2, 0, -Infinity, 3]),
    host([2, 3], [0, 0, 1, 0.5, 0, 0.5]),
  ]),
  crossEntropyCase('a NaN logit makes its row NaN', () => [host([2, 3], [1, NaN, 2, 0.5, 0.25, -1]), host([2, 3], [0, 0, 1, 1, 0, 0])]),
  crossEntropyCase('equal logits [3,7] (loss log 7 for one-hot)', (r) => [host([3, 7], new Array<number>(21).fill(2.5)), oneHot([3, 7], r)]),
  crossEntropyCase('a dominant max with its label: losses near 0 [6,12]', dominant),
  crossEntropyCase('labels summing to more than 1 [3,5]', (r) => [
    uniformTensor([3, 5], -3, 3)(r),
    host(
      [3, 5],
      r.array(15, (q) => q.float(0, 2)),
    ),
  ]),
  crossEntropyCase(`empty ${shapeStr([0, 5])}`, () => [host([0, 5], []), host([0, 5], [])]),
];
