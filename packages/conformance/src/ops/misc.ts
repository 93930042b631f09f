/** Op cases: tfjs's small ops for ported code (basicLSTMCell, movingAverage, cosineWindow). */
import { basicLSTMCell, cosineWindow, movingAverage } from '@polytensor/core';
import type { ConformanceCase } from '../cases/types.js';
import { host, sizeOf, type HostTensor } from '../host.js';
import type { Rng } from '../rng.js';
import { opCase, opGradient, relative } from './harness.js';

const uniform =
  (shape: readonly number[], lo = -1, hi = 1) =>
  (r: Rng) =>
    host(
      shape,
      r.array(sizeOf(shape), (q) => q.float(lo, hi)),
    );
const sig = (v: number) => 1 / (1 + Math.exp(-v));

/** One LSTM step in float64 over host tensors: returns [c', h']. */
function lstm64(fb: number, K: HostTensor, b: HostTensor, x: HostTensor, c: HostTensor, h: HostTensor): [HostTensor, HostTensor] {
  const [batch, nIn] = x.shape as [number, number];
  const units = h.shape[1]!;
  const c1 = new Float64Array(batch * units);
  const h1 = new Float64Array(batch * units);
  for (let r = 0; r < batch; r++) {
    const row = [...x.values.slice(r * nIn, (r + 1) * nIn), ...h.values.slice(r * units, (r + 1) * units)];
    const gate = (col: number) => row.reduce((s, v, k) => s + v * K.values[k * 4 * units + col]!, b.values[col]!);
    for (let u = 0; u < units; u++) {
      const cn = c.values[r * units + u]! * sig(gate(2 * units + u) + fb) + sig(gate(u)) * Math.tanh(gate(units + u));
      c1[r * units + u] = cn;
      h1[r * units + u] = Math.tanh(cn) * sig(gate(3 * units + u));
    }
  }
  return [
    { shape: [batch, units], values: c1, dtype: 'float32' },
    { shape: [batch, units], values: h1, dtype: 'float32' },
  ];
}

const lstmInputs = (r: Rng) => [uniform([5, 8])(r), uniform([8])(r), uniform([2, 3])(r), uniform([2, 2])(r), uniform([2, 2])(r)];
const SMALL_SUMS = relative(1e-5, 1e-6, 'a 5-term dot product per gate, then sigmoid and tanh: a few float32 roundings');

export const miscOpCases: readonly ConformanceCase<'op'>[] = [
  opCase({
    op: 'basicLSTMCell',
    name: 'batch 2, 3 inputs, 2 units',
    inputs: lstmInputs,
    core: ([K, b, x, c, h]) => basicLSTMCell(1, K!, b!, x!, c!, h!),
    reference: ([K, b, x, c, h]) => lstm64(1, K!, b!, x!, c!, h!),
    judge: SMALL_SUMS,
  }),
  opGradient({
    op: 'basicLSTMCell',
    name: "h' w.r.t. every input",
    inputs: lstmInputs,
    core: ([K, b, x, c, h]) => basicLSTMCell(0.5, K!, b!, x!, c!, h!)[1],
    reference: ([K, b, x, c, h]) => lstm64(0.5, K!, b!, x!, c!, h!)[1],
  }),
  opCase({
    op: 'movingAverage',
    name: 'zero-debiased at step 3, with NaN and ±Inf',
    inputs: (r) => [host([5], [0.5, -1, Number.NaN, 2, 0]), host([5], [1, Infinity, 3, -Infinity, r.float(-1, 1)])],
    core: ([v, x]) => movingAverage(v!, x!, 0.9, 3),
    reference: ([v, x]) => {
      const scale = 0.1 / (1 - 0.9 ** 3);
      return { ...v!, values: v!.values.map((vi, i) => vi + (x!.values[i]! - vi) * scale) };
    },
    judge: relative(4e-7, 0, 'a subtraction, two multiplies, a division and an addition: ≤ 5 roundings'),
  }),
  opGradient({
    op: 'movingAverage',
    name: 'w.r.t. v and x, no debias',
    inputs: (r) => [uniform([2, 3])(r), uniform([2, 3])(r)],
    core: ([v, x]) => movingAverage(v!, x!, 0.8, undefined, false),
    reference: ([v, x]) => ({ ...v!, values: v!.values.map((vi, i) => vi + (x!.values[i]! - vi) * 0.2) }),
  }),
  opCase({
    op: 'cosineWindow',
    name: 'Hann of 7, Hamming of 6, empty',
    inputs: () => [],
    core: () => [cosineWindow(7, 0.5, 0.5), cosineWindow(6, 0.54, 0.46), cosineWindow(0, 0.5, 0.5)],
    reference: () => [
      host(
        [7],
        Array.from({ length: 7 }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / 6)),
      ),
      host(
        [6],
        Array.from({ length: 6 }, (_, n) => 0.54 - 0.46 * Math.cos((2 * Math.PI * n) / 6)),
      ),
      host([0], []),
    ],
    judge: relative(1e-7, 1e-7, 'computed on the host in float64, rounded once to float32'),
  }),
];
