/**
 * Op cases: gradients of gradients. Each op is a first derivative computed by
 * core's `grad` on the backend under test ('grad(sin)': x ↦ d/dx Σ sin(x));
 * its reference is the analytic first derivative in float64. The forward case
 * checks the first derivative; the gradient case differentiates it again
 * (core records the backward pass on the outer tape), against differences of
 * the analytic derivative: a second derivative on every backend.
 */
import { grad, logSoftmax, matMul, mul, sin, tanh, type Tensor } from '@polytensor/core';
import type { ConformanceCase } from '../cases/types.js';
import { host, type HostTensor } from '../host.js';
import type { Rng } from '../rng.js';
import { opCase, opGradient, relative, ulps } from './harness.js';
import { uniform } from './inputs.js';

/** NaN, ±Inf, ±0 first, then uniform values. */
const withSpecials = (n: number, lo: number, hi: number) => (r: Rng) =>
  host([5 + n], [Number.NaN, Infinity, -Infinity, 0, -0, ...r.array(n, (q) => q.float(lo, hi))]);
/** A float64 result left unrounded (host() would round it to float32, and differences of it would lose their digits). */
const exact64 = (shape: readonly number[], values: Float64Array): HostTensor => ({ shape: [...shape], values, dtype: 'float32' });
const map = (x: HostTensor, f: (v: number) => number): HostTensor => exact64(x.shape, x.values.map(f));

const tanhPrime = (v: number): number => 1 - Math.tanh(v) ** 2;

/** d/dW Σ tanh(x·W) = xᵀ·(1 − tanh²(x·W)), x [n,k], W [k,m]. */
function matMulTanhGrad(x: HostTensor, w: HostTensor): HostTensor {
  const [n, k] = x.shape as [number, number];
  const m = w.shape[1]!;
  const out = new Float64Array(k * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let z = 0;
      for (let p = 0; p < k; p++) z += x.values[i * k + p]! * w.values[p * m + j]!;
      const s = tanhPrime(z);
      for (let p = 0; p < k; p++) out[p * m + j]! += x.values[i * k + p]! * s;
    }
  }
  return exact64([k, m], out);
}

/** d/dx Σ w·logSoftmax(x) over rows = w − softmax(x)·Σ_row w. */
function logSoftmaxGrad(x: HostTensor, w: HostTensor): HostTensor {
  const c = x.shape[x.shape.length - 1]!;
  const out = new Float64Array(x.values.length);
  for (let r = 0; r < x.values.length / c; r++) {
    let m = -Infinity;
    for (let j = 0; j < c; j++) m = Math.max(m, x.values[r * c + j]!);
    let z = 0;
    let ws = 0;
    for (let j = 0; j < c; j++) {
      z += Math.exp(x.values[r * c + j]! - m);
      ws += w.values[r * c + j]!;
    }
    for (let j = 0; j < c; j++) out[r * c + j] = w.values[r * c + j]! - (Math.exp(x.values[r * c + j]! - m) / z) * ws;
  }
  return exact64(x.shape, out);
}

const gradSin = ([x]: readonly Tensor[]) => grad((t) => sin(t).sum())(x!);
const gradTanh = ([x]: readonly Tensor[]) => grad((t) => tanh(t).sum())(x!);
const gradMatMul = ([x, w]: readonly Tensor[]) => grad((v) => tanh(matMul(x!, v)).sum())(w!);
const gradLogSoftmax = ([x, w]: readonly Tensor[]) => grad((v) => mul(logSoftmax(v), w!).sum())(x!);

export const gradToolsOpCases: readonly ConformanceCase<'op'>[] = [
  opCase({
    op: 'grad(sin)',
    name: 'cos(x); NaN, ±Inf, ±0',
    inputs: (r) => [withSpecials(7, -3, 3)(r)],
    core: gradSin,
    reference: ([x]) => map(x!, Math.cos),
    // cos's own bound (3 ULPs, measured in ULPs of 2^-14 near its zeros) and the product with dy = 1.
    judge: ulps(4, 2 ** -14),
  }),
  opGradient({
    op: 'grad(sin)',
    name: 'd²/dx² = −sin(x)',
    inputs: (r) => [uniform([8], -3, 3)(r)],
    core: gradSin,
    reference: ([x]) => map(x!, Math.cos),
    elementwise: true,
  }),
  opCase({
    op: 'grad(tanh)',
    name: '1 − tanh²(x); NaN, ±Inf, ±0',
    inputs: (r) => [withSpecials(7, -4, 4)(r)],
    core: gradTanh,
    reference: ([x]) => map(x!, tanhPrime),
    // 4·σ(2x)·σ(−2x): two sigmoids (3 ULPs each) and two products.
    judge: ulps(12),
  }),
  opGradient({
    op: 'grad(tanh)',
    name: 'd²/dx² = −2·tanh(x)·(1 − tanh²(x))',
    inputs: (r) => [uniform([8], -2.5, 2.5)(r)],
    core: gradTanh,
    reference: ([x]) => map(x!, tanhPrime),
    elementwise: true,
  }),
  opCase({
    op: 'grad(matMul)',
    name: 'd/dW Σ tanh(x·W), x [3,2], W [2,3]',
    inputs: (r) => [uniform([3, 2], -1.5, 1.5)(r), uniform([2, 3], -1.5, 1.5)(r)],
    core: gradMatMul,
    reference: ([x, w]) => matMulTanhGrad(x!, w!),
    judge: relative(
      1e-6,
      1e-7,
      'x·W rounded (2 terms), tanh′ of it (slope ≤ 0.77), then xᵀ· over 3 rows; measured 0.16 of this bound on ts, wasm, gpujs, 0.28 on webgl',
    ),
  }),
  opGradient({
    op: 'grad(matMul)',
    name: 'mixed second derivatives in x and W',
    inputs: (r) => [uniform([3, 2], -1.5, 1.5)(r), uniform([2, 3], -1.5, 1.5)(r)],
    core: gradMatMul,
    reference: ([x, w]) => matMulTanhGrad(x!, w!),
  }),
  opCase({
    op: 'grad(logSoftmax)',
    name: 'd/dx Σ w·logSoftmax(x), rows of 4',
    inputs: (r) => [uniform([2, 4], -3, 3)(r), uniform([2, 4], -1, 1)(r)],
    core: gradLogSoftmax,
    reference: ([x, w]) => logSoftmaxGrad(x!, w!),
    judge: relative(
      5e-7,
      1e-7,
      'w − exp(logSoftmax(x))·Σw: logSoftmax, exp of it, a row sum, cancellation against w; measured 0.05–0.16 of this bound on ts, wasm, gpujs, 0.24 on webgl',
    ),
  }),
  opGradient({
    op: 'grad(logSoftmax)',
    name: 'second derivatives in x and w',
    inputs: (r) => [uniform([2, 4], -3, 3)(r), uniform([2, 4], -1, 1)(r)],
    core: gradLogSoftmax,
    reference: ([x, w]) => logSoftmaxGrad(x!, w!),
  }),
];
