/** Op cases: tfjs's small ops for ported code (basicLSTMCell, movingAverage, cosineWindow). */
import {
  basicLSTMCell,
  clipByGlobalNorm,
  cosineWindow,
  customGrad,
  movingAverage,
  multiRNNCell,
  stopGradient,
  type GradSaveFunc,
  type Tensor,
} from '@polytensor/core';
import type { ConformanceCase } from '../cases/types.js';
import { host, type HostTensor } from '../host.js';
import type { Rng } from '../rng.js';
import { opCase, opGradient, relative, ulps } from './harness.js';
import { uniform } from './inputs.js';

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

const lstmInputs = (r: Rng) => [
  uniform([5, 8], -1, 1)(r),
  uniform([8], -1, 1)(r),
  uniform([2, 3], -1, 1)(r),
  uniform([2, 2], -1, 1)(r),
  uniform([2, 2], -1, 1)(r),
];
/** Two stacked LSTM cells: kernels (3 → 2 → 2 units), their shared bias, an input and a state, drawn in that order. */
const twoLstmCells = (r: Rng) => [
  uniform([5, 8], -1, 1)(r),
  uniform([4, 8], -1, 1)(r),
  uniform([8], -1, 1)(r),
  uniform([2, 3], -1, 1)(r),
  uniform([2, 2], -1, 1)(r),
  uniform([2, 2], -1, 1)(r),
];
const SMALL_SUMS = relative(1e-5, 1e-6, 'a 5-term dot product per gate, then sigmoid and tanh: a few float32 roundings');

/** TensorFlow's clip_by_global_norm in float64: each tensor times clipNorm / max(norm, clipNorm), then the norm. */
function clipByGlobalNorm64(xs: readonly HostTensor[], clipNorm: number): HostTensor[] {
  let ss = 0;
  for (const x of xs) for (const v of x.values) ss += v * v;
  const norm = Math.sqrt(ss);
  const scale = clipNorm / Math.max(norm, clipNorm);
  return [...xs.map((x) => ({ ...x, values: x.values.map((v) => v * scale) })), { shape: [], values: Float64Array.of(norm), dtype: 'float32' }];
}

/** d/dx of x² written as a customGrad whose gradFunc is the closed form 2x·dy. */
const squareWithOwnGradient = customGrad<Tensor, [Tensor]>((x: Tensor, save: GradSaveFunc) => {
  save([x]);
  return { value: x.square(), gradFunc: (dy: Tensor, [saved]: Tensor[]) => dy.mul(saved!).mul(2) };
});

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
    inputs: (r) => [uniform([2, 3], -1, 1)(r), uniform([2, 3], -1, 1)(r)],
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
  opCase({
    op: 'multiRNNCell',
    name: 'two stacked LSTM cells',
    inputs: twoLstmCells,
    core: ([K1, K2, b, x, c, h]) => {
      const cell = (K: Tensor) => (d: Tensor, cc: Tensor, hh: Tensor) => basicLSTMCell(1, K, b!, d, cc, hh);
      const [cs, hs] = multiRNNCell([cell(K1!), cell(K2!)], x!, [c!, c!], [h!, h!]);
      cs[0]!.dispose();
      hs[0]!.dispose();
      return [cs[1]!, hs[1]!];
    },
    reference: ([K1, K2, b, x, c, h]) => {
      const [, h1] = lstm64(1, K1!, b!, x!, c!, h!);
      return lstm64(1, K2!, b!, h1, c!, h!);
    },
    judge: SMALL_SUMS,
  }),
  opGradient({
    op: 'multiRNNCell',
    name: "second cell's h' w.r.t. the input",
    inputs: twoLstmCells,
    wrt: [3],
    core: ([K1, K2, b, x, c, h]) => {
      const cell = (K: Tensor) => (d: Tensor, cc: Tensor, hh: Tensor) => basicLSTMCell(0, K, b!, d, cc, hh);
      return multiRNNCell([cell(K1!), cell(K2!)], x!, [c!, c!], [h!, h!])[1][1]!;
    },
    reference: ([K1, K2, b, x, c, h]) => lstm64(0, K2!, b!, lstm64(0, K1!, b!, x!, c!, h!)[1], c!, h!)[1],
  }),
  opCase({
    op: 'stopGradient',
    name: 'the same values, NaN ±Inf −0 included',
    inputs: () => [host([6], [1.5, -0, Number.NaN, Infinity, -Infinity, 0])],
    core: ([x]) => stopGradient(x!),
    reference: ([x]) => x!,
    judge: { kind: 'exact', signedZero: true },
  }),
  opGradient({
    op: 'stopGradient',
    name: 'x·stopGradient(x): the stopped factor is a constant',
    // input 1 holds x's values: the reference multiplies by it, a constant to the differences
    inputs: (r) => {
      const x = uniform([5], -1, 1)(r);
      return [x, { ...x }];
    },
    wrt: [0],
    core: ([x]) => x!.mul(stopGradient(x!)),
    reference: ([x, c]) => ({ ...x!, values: x!.values.map((v, i) => v * c!.values[i]!) }),
  }),
  opCase({
    op: 'clipByGlobalNorm',
    name: 'two tensors over the norm, one within',
    inputs: (r) => [uniform([2, 3], -2, 2)(r), uniform([4], -2, 2)(r)],
    core: ([a, b]) => {
      const [clipped, norm] = clipByGlobalNorm([a!, b!], 1.5);
      const [within, withinNorm] = clipByGlobalNorm([a!], 1e6);
      withinNorm.dispose();
      return [...clipped, norm, within[0]!];
    },
    reference: ([a, b]) => [...clipByGlobalNorm64([a!, b!], 1.5), a!],
    judge: relative(4e-7, 1e-7, 'a 10-term sum of squares, its root and one scale per element; within the bound the values pass unchanged'),
  }),
  opGradient({
    op: 'clipByGlobalNorm',
    name: 'through the scale and the norm',
    inputs: (r) => [uniform([2, 3], -2, 2)(r), uniform([3], -2, 2)(r)],
    core: ([a, b]) => {
      const [[ca, cb], norm] = clipByGlobalNorm([a!, b!], 1);
      return ca!.sum().add(cb!.mul(2).sum()).add(norm);
    },
    reference: ([a, b]) => {
      const [ca, cb, norm] = clipByGlobalNorm64([a!, b!], 1);
      let s = norm!.values[0]!;
      for (const v of ca!.values) s += v;
      for (const v of cb!.values) s += 2 * v;
      return { shape: [], values: Float64Array.of(s), dtype: 'float32' };
    },
  }),
  opCase({
    op: 'customGrad',
    name: 'the value of f',
    inputs: (r) => [host([5], [Number.NaN, -0, r.float(-2, 2), r.float(-2, 2), Infinity])],
    core: ([x]) => squareWithOwnGradient(x!),
    reference: ([x]) => ({ ...x!, values: x!.values.map((v) => v * v) }),
    judge: ulps(0.5),
  }),
  opGradient({
    op: 'customGrad',
    name: 'gradFunc is the gradient',
    inputs: (r) => [uniform([2, 3], -1, 1)(r)],
    core: ([x]) => squareWithOwnGradient(x!),
    reference: ([x]) => ({ ...x!, values: x!.values.map((v) => v * v) }),
  }),
];
