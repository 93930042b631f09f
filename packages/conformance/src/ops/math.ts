/** Op cases: clipByValue, logSumExp, cumsum/cumprod, mod, floorDiv, trig and hyperbolic, erf, norms, moments, batchNorm, activations. */
import {
  acos,
  acosh,
  addN,
  all,
  any,
  batchNorm,
  batchNorm2d,
  batchNorm3d,
  batchNorm4d,
  dot,
  euclideanNorm,
  gelu,
  localResponseNormalization,
  moments,
  norm,
  outerProduct,
  prelu,
  relu6,
  selu,
  softsign,
  swish,
  asin,
  asinh,
  atan,
  atan2,
  atanh,
  clipByValue,
  cosh,
  cumprod,
  cumsum,
  divNoNan,
  erf,
  floorDiv,
  logSigmoid,
  logSumExp,
  mod,
  sinh,
  step,
  tan,
  type Tensor,
} from '@polytensor/core';
import type { ConformanceCase } from '../cases/types.js';
import { broadcastMap, broadcastShapes, host, sizeOf, stridesOf, type HostTensor } from '../host.js';
import * as ref from '../reference/index.js';
import type { Rng } from '../rng.js';
import { EXACT, EXACT_SIGNED_ZERO, opCase, opGradient, relative, ulps, type OpJudge } from './harness.js';
import { uniform, unrounded } from './inputs.js';

const U = 2 ** -24;
/** The given values, in order, then uniform in [lo, hi) for the rest. */
const withSpecials =
  (shape: readonly number[], specials: readonly number[], lo = -2, hi = 2) =>
  (r: Rng) =>
    host(
      shape,
      r.array(sizeOf(shape), (q, i) => (i < specials.length ? specials[i]! : q.float(lo, hi))),
    );
const SPECIALS = [Number.NaN, Infinity, -Infinity, -0, 0];

const map = (x: HostTensor, f: (v: number) => number): HostTensor => ({ shape: x.shape, dtype: x.dtype, values: x.values.map(f) });
/** Elementwise f(a, b) with broadcasting, in float64. */
function zip(a: HostTensor, b: HostTensor, f: (u: number, v: number) => number, dtype = a.dtype): HostTensor {
  const shape = broadcastShapes(a.shape, b.shape);
  const ia = broadcastMap(a.shape, shape);
  const ib = broadcastMap(b.shape, shape);
  const out = new Float64Array(sizeOf(shape));
  for (let i = 0; i < out.length; i++) out[i] = f(a.values[ia[i]!]!, b.values[ib[i]!]!);
  return { shape, values: out, dtype };
}
/** f over the elements of each window of `axes`, in float64; keepDims keeps the axes as 1. */
function reduceWith(x: HostTensor, axes: readonly number[], keepDims: boolean, f: (vs: number[]) => number): HostTensor {
  const windows = ref.reductionWindows(x.shape, axes);
  const shape = x.shape.flatMap((d, i) => (axes.includes(i) ? (keepDims ? [1] : []) : [d]));
  return { shape, dtype: 'float32', values: Float64Array.from(windows, (w) => f(w.map((k) => x.values[k]!))) };
}
/** A running combine along `axis` in float64 (cumsum/cumprod's reference). */
function scan(x: HostTensor, axis: number, exclusive: boolean, reverse: boolean, id: number, f: (a: number, b: number) => number): HostTensor {
  const n = x.shape[axis]!;
  const stride = stridesOf(x.shape)[axis]!;
  const out = new Float64Array(x.values.length);
  for (let base = 0; base < x.values.length; base++) {
    if (Math.floor(base / stride) % n !== 0) continue; // one start per line along the axis
    let acc = id;
    for (let s = 0; s < n; s++) {
      const k = base + (reverse ? n - 1 - s : s) * stride;
      if (exclusive) {
        out[k] = acc;
        acc = f(acc, x.values[k]!);
      } else {
        acc = f(acc, x.values[k]!);
        out[k] = acc;
      }
    }
  }
  return { shape: x.shape, dtype: x.dtype, values: out };
}
const logSumExp64 = (vs: number[]): number => {
  const m = Math.max(...vs);
  const shift = Number.isFinite(m) ? m : 0;
  return shift + Math.log(vs.reduce((s, v) => s + Math.exp(v - shift), 0));
};

/** erf in float64: Taylor series to |x| ≤ 3, the continued fraction of erfc beyond (A&S 7.1.14). */
function erf64(x: number): number {
  if (Number.isNaN(x)) return x;
  const a = Math.abs(x);
  if (a > 3) {
    let tail = 0;
    for (let n = 80; n >= 1; n--) tail = n / 2 / (a + tail);
    return Math.sign(x) * (1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / (a + tail));
  }
  if (x === 0) return x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 80; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** erfc in float64: 1 − erf below 3, the continued fraction beyond (no cancellation in the tail). */
function erfc64(x: number): number {
  if (Number.isNaN(x) || x < 3) return 1 - erf64(x);
  let tail = 0;
  for (let n = 80; n >= 1; n--) tail = n / 2 / (x + tail);
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / (x + tail);
}
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** Local response normalization along the last axis, in float64. */
function lrn64(x: HostTensor, radius: number, bias: number, alpha: number, beta: number): HostTensor {
  const c = x.shape[x.shape.length - 1]!;
  const out = Float64Array.from(x.values, (v, k) => {
    const ch = k % c;
    let s = 0;
    for (let d = Math.max(0, ch - radius); d <= Math.min(c - 1, ch + radius); d++) s += x.values[k - ch + d]! ** 2;
    return v * (bias + alpha * s) ** -beta;
  });
  return { ...x, values: out };
}

/** Forward cases (random in the domain; the special values) and an elementwise gradient case of a unary op. */
function unaryOp(
  op: string,
  core: (x: Tensor) => Tensor,
  f: (v: number) => number,
  domain: readonly [number, number],
  specials: readonly number[],
  judge: OpJudge,
  gradDomain: readonly [number, number] = domain,
): ConformanceCase<'op'>[] {
  return [
    opCase({ op, name: `[${domain}]`, inputs: (r) => [uniform([4, 6], ...domain)(r)], core: ([x]) => core(x!), reference: ([x]) => map(x!, f), judge }),
    opCase({
      op,
      name: `${specials.map((v) => (Object.is(v, -0) ? '-0' : String(v))).join(' ')}, rank 0`,
      inputs: () => [host([specials.length], specials), host([], [0.5])],
      core: ([x, s]) => [core(x!), core(s!)],
      reference: ([x, s]) => [map(x!, f), map(s!, f)],
      judge,
    }),
    opGradient({
      op,
      name: `elementwise [${gradDomain}]`,
      inputs: (r) => [uniform([10], ...gradDomain)(r)],
      core: ([x]) => core(x!),
      reference: ([x]) => map(x!, f),
      elementwise: true,
    }),
  ];
}

/** floor(a / b) of float32 values, exact in float64 (the quotient is never within 2^-53 of an integer it is not). */
const floorDiv64 = (a: number, b: number): number => Math.floor(a / b);
const mod64 = (a: number, b: number): number => {
  if (Number.isFinite(a) && !Number.isNaN(b) && !Number.isFinite(b)) return a < 0 === b < 0 ? a : Number.NaN;
  return a - floorDiv64(a, b) * b;
};
const intFloorDiv = (a: number, b: number): number => (b === 0 ? 0 : Math.floor(a / b));

const LSE_JUDGE = relative(
  4 * U,
  16 * U,
  'm + log Σ exp(x − m): a few roundings of |m| ≤ 5 and |log Σ| ≤ log 8 (exp, log within 2 ULP); measured ≤ 1/6 of this',
);

export const mathOpCases: readonly ConformanceCase<'op'>[] = [
  // clipByValue
  opCase({
    op: 'clipByValue',
    name: 'NaN ±Inf −0, bounds inside the values',
    inputs: (r) => [withSpecials([3, 5], SPECIALS)(r)],
    core: ([x]) => clipByValue(x!, -1, 1.5),
    reference: ([x]) => map(x!, (v) => Math.min(Math.max(v, -1), 1.5)),
    judge: EXACT,
  }),
  opCase({
    op: 'clipByValue',
    name: 'int32, empty',
    inputs: (r) => [
      host(
        [7],
        r.array(7, (q) => q.int(-9, 9)),
        'int32',
      ),
      host([0, 3], []),
    ],
    core: ([x, e]) => [clipByValue(x!, -3, 4), clipByValue(e!, 0, 1)],
    reference: ([x, e]) => [map(x!, (v) => Math.min(Math.max(v, -3), 4)), e!],
  }),
  opGradient({
    op: 'clipByValue',
    name: 'inside and outside the bounds',
    inputs: (r) => [
      host(
        [12],
        r.array(12, (q, i) => (i % 3 === 0 ? q.float(-3, -1.2) : i % 3 === 1 ? q.float(-0.9, 0.9) : q.float(1.2, 3))),
      ),
    ],
    core: ([x]) => clipByValue(x!, -1, 1),
    reference: ([x]) => map(x!, (v) => Math.min(Math.max(v, -1), 1)),
  }),

  // logSumExp
  opCase({
    op: 'logSumExp',
    name: 'axis 1, rows of −Inf, +Inf, NaN, large',
    inputs: () => [host([5, 3], [-Infinity, -Infinity, -Infinity, Infinity, 1, 2, Number.NaN, 0, 1, 1000, 1000, 999, -0.5, 0.25, 2])],
    core: ([x]) => logSumExp(x!, 1),
    reference: ([x]) => reduceWith(x!, [1], false, logSumExp64),
    judge: LSE_JUDGE,
  }),
  opCase({
    op: 'logSumExp',
    name: 'rank 3, axes [0,2] keepDims; all axes; empty rows',
    inputs: (r) => [uniform([2, 3, 4], -5, 5)(r), host([2, 0], [])],
    core: ([x, e]) => [logSumExp(x!, [0, 2], true), x!.logSumExp(), logSumExp(e!, 1)],
    reference: ([x, e]) => [reduceWith(x!, [0, 2], true, logSumExp64), reduceWith(x!, [0, 1, 2], false, logSumExp64), reduceWith(e!, [1], false, logSumExp64)],
    judge: LSE_JUDGE,
  }),
  opGradient({
    op: 'logSumExp',
    name: 'axis 1',
    inputs: (r) => [uniform([3, 5], -3, 3)(r)],
    core: ([x]) => logSumExp(x!, 1),
    reference: ([x]) => reduceWith(x!, [1], false, logSumExp64),
  }),

  // logSigmoid
  ...unaryOp(
    'logSigmoid',
    logSigmoid,
    (v) => (v < 0 ? v - Math.log1p(Math.exp(v)) : -Math.log1p(Math.exp(-v))),
    [-30, 30],
    [...SPECIALS, 100, -100],
    ulps(8),
    [-8, 8],
  ), // −softplus(−x): softplus's bound (wasm declares 8 ULP)

  // cumsum, cumprod
  opCase({
    op: 'cumsum',
    name: 'axis 1 of [3,7]; exclusive reverse axis 0',
    inputs: (r) => [uniform([3, 7])(r)],
    core: ([x]) => [cumsum(x!, 1), x!.cumsum(0, true, true)],
    reference: ([x]) => [scan(x!, 1, false, false, 0, (a, b) => a + b), scan(x!, 0, true, true, 0, (a, b) => a + b)],
    judge: relative(2 * U, 8 * U, 'a tree of ⌈log2 7⌉ = 3 additions per element: ≤ 3·u·Σ|x| ≤ 42u in the worst case; measured ≤ 2u·|ref| + 4u'),
  }),
  opCase({
    op: 'cumsum',
    name: '±Inf −0, NaN reach only later positions; int32; empty',
    inputs: () => [
      host([7], [1, -0, 2, Infinity, 3, -Infinity, 4]),
      host([5], [1, 2, Number.NaN, 3, 4]),
      host([2, 5], [1, 2, 3, 4, 5, -6, 7, -8, 9, 10], 'int32'),
      host([0, 4], []),
    ],
    core: ([x, n, i, e]) => [cumsum(x!, -1), cumsum(n!, 0, true, true), cumsum(i!, 1, true), cumsum(e!, 1)],
    reference: ([x, n, i, e]) => [
      scan(x!, 0, false, false, 0, (a, b) => a + b),
      scan(n!, 0, true, true, 0, (a, b) => a + b),
      scan(i!, 1, true, false, 0, (a, b) => a + b),
      e!,
    ],
    judge: EXACT,
  }),
  opGradient({
    op: 'cumsum',
    name: 'axis 1, reverse',
    inputs: (r) => [uniform([2, 6])(r)],
    core: ([x]) => cumsum(x!, 1, false, true),
    reference: ([x]) => scan(x!, 1, false, true, 0, (a, b) => a + b),
  }),
  opCase({
    op: 'cumprod',
    name: 'axis 0 of [5,3]; exclusive axis 1',
    inputs: (r) => [uniform([5, 3], 0.5, 1.5)(r)],
    core: ([x]) => [cumprod(x!, 0), x!.cumprod(1, true)],
    reference: ([x]) => [scan(x!, 0, false, false, 1, (a, b) => a * b), scan(x!, 1, true, false, 1, (a, b) => a * b)],
    judge: relative(8 * U, 0, 'at most 4 multiplications per element (5 factors, in any tree): relative error ≤ 4u'),
  }),
  opCase({
    op: 'cumprod',
    name: 'zeros, NaN, ±Inf; int32 reverse; empty',
    inputs: () => [host([6], [2, -0, 3, Infinity, Number.NaN, 1]), host([4], [2, -3, 4, 5], 'int32'), host([3, 0], [])],
    core: ([x, i, e]) => [cumprod(x!), cumprod(i!, 0, false, true), cumprod(e!, 1)],
    reference: ([x, i, e]) => [scan(x!, 0, false, false, 1, (a, b) => a * b), scan(i!, 0, false, true, 1, (a, b) => a * b), e!],
    judge: EXACT,
  }),
  opGradient({
    op: 'cumprod',
    name: 'with zeros in x',
    inputs: (r) => [
      host(
        [2, 5],
        r.array(10, (q, i) => (i === 2 || i === 6 || i === 7 ? 0 : q.float(0.5, 1.5))),
      ),
    ],
    core: ([x]) => cumprod(x!, 1),
    reference: ([x]) => scan(x!, 1, false, false, 1, (a, b) => a * b),
  }),
  opGradient({
    op: 'cumprod',
    name: 'exclusive reverse, nonzero',
    inputs: (r) => [uniform([6], 0.5, 2)(r)],
    core: ([x]) => cumprod(x!, 0, true, true),
    reference: ([x]) => scan(x!, 0, true, true, 1, (a, b) => a * b),
  }),

  // addN
  opCase({
    op: 'addN',
    name: 'three [2,3]; NaN ±Inf −0',
    inputs: (r) => [uniform([2, 3])(r), uniform([2, 3])(r), withSpecials([2, 3], SPECIALS)(r)],
    core: ([a, b, c]) => addN([a!, b!, c!]),
    reference: ([a, b, c]) =>
      zip(
        zip(a!, b!, (u, v) => u + v),
        c!,
        (u, v) => u + v,
      ),
    judge: relative(2 * U, 2 * 4 * U, 'two additions: ≤ 2u·Σ|x| (|x| < 2, 3 terms)'),
  }),
  opCase({
    op: 'addN',
    name: 'int32 rank 0; one tensor; empty',
    inputs: () => [host([], [3], 'int32'), host([], [-7], 'int32'), host([4], [1, -0, Number.NaN, 2]), host([0], [])],
    core: ([a, b, c, e]) => [addN([a!, b!]), addN([c!]), addN([e!, e!])],
    reference: ([a, b, c, e]) => [zip(a!, b!, (u, v) => u + v), c!, e!],
    judge: EXACT_SIGNED_ZERO,
  }),
  opGradient({
    op: 'addN',
    name: 'one tensor twice',
    inputs: (r) => [uniform([2, 3])(r), uniform([2, 3])(r)],
    core: ([a, b]) => addN([a!, b!, a!]).mul(b!),
    reference: ([a, b]) =>
      zip(
        zip(a!, b!, (u, v) => 2 * u + v),
        b!,
        (u, v) => u * v,
      ),
  }),

  // divNoNan
  opCase({
    op: 'divNoNan',
    name: 'zeros in b (with 0, NaN, ±Inf over them), broadcast',
    inputs: (r) => [withSpecials([3, 4], [0, Number.NaN, Infinity, -Infinity, 1, -0, 2])(r), host([4], [0, 1.5, -0, -2])],
    core: ([a, b]) => divNoNan(a!, b!),
    reference: ([a, b]) => zip(a!, b!, (u, v) => (v === 0 ? 0 : u / v)),
    judge: ulps(1.5), // one division: 0.5 ULP correctly rounded, 1.5 where a backend declares arithmetic within 1 ULP
  }),
  opCase({
    op: 'divNoNan',
    name: 'rank 0 and empty',
    inputs: () => [host([], [3]), host([], [0]), host([0, 2], [])],
    core: ([a, b, e]) => [divNoNan(a!, b!), e!.divNoNan(a!)],
    reference: ([a, b, e]) => [zip(a!, b!, (u, v) => (v === 0 ? 0 : u / v)), e!],
  }),
  opGradient({
    op: 'divNoNan',
    name: 'gradient 0 (not NaN) where b is 0',
    inputs: (r) => [uniform([2, 3])(r), host([3], [0, 1.25, -0.75])],
    core: ([a, b]) => divNoNan(a!, b!),
    reference: ([a, b]) => zip(a!, b!, (u, v) => (v === 0 ? 0 : u / v)),
    wrt: [0],
  }),
  opGradient({
    op: 'divNoNan',
    name: 'w.r.t. both, b nonzero',
    inputs: (r) => [uniform([2, 3])(r), uniform([3], 0.5, 2)(r)],
    core: ([a, b]) => divNoNan(a!, b!),
    reference: ([a, b]) => zip(a!, b!, (u, v) => (v === 0 ? 0 : u / v)),
  }),

  // floorDiv, mod
  opCase({
    op: 'floorDiv',
    name: 'float32 all sign pairs, b = 0 and ±Inf, NaN, broadcast',
    inputs: (r) => [
      host(
        [2, 6],
        [7.5, -7.5, 7.5, -7.5, 1, -1, 0, Number.NaN, Infinity, -2.5, 5, 3].map((v, i) => (i === 11 ? r.float(-9, 9) : v)),
      ),
      host([6], [2.25, 2.25, -2.25, -2.25, 0, Infinity]),
    ],
    core: ([a, b]) => floorDiv(a!, b!),
    reference: ([a, b]) => zip(a!, b!, floorDiv64),
  }),
  opCase({
    op: 'floorDiv',
    name: 'quotients that float32 rounds up to an integer (1 / 0.1 → 10, floor 9)',
    inputs: () => [host([6], [1, -1, 0.3, 3, 0.7, -0.9]), host([6], [0.1, 0.1, 0.1, 0.3, 0.1, 0.3])],
    core: ([a, b]) => [floorDiv(a!, b!), mod(a!, b!)],
    reference: ([a, b]) => [zip(a!, b!, floorDiv64), zip(a!, b!, mod64)],
    judge: relative(2 * U, 2 ** -22, 'floorDiv exact; mod: the exact remainder rounded once (within 2 ULPs of |a| ≤ 3 where arithmetic is within 1 ULP)'),
  }),
  opCase({
    op: 'floorDiv',
    name: 'int32 with b = 0, rank 0, empty',
    inputs: (r) => [
      host(
        [8],
        r.array(8, (q) => q.int(-50, 50)),
        'int32',
      ),
      host([8], [3, -3, 7, -7, 0, 1, -1, 12], 'int32'),
      host([], [-9], 'int32'),
      host([0], [], 'int32'),
    ],
    core: ([a, b, s, e]) => [floorDiv(a!, b!), floorDiv(s!, 4), floorDiv(e!, s!)],
    reference: ([a, b, s, e]) => [zip(a!, b!, intFloorDiv), map(s!, (v) => intFloorDiv(v, 4)), e!],
  }),
  opCase({
    op: 'mod',
    name: 'float32 all sign pairs, b = 0 and ±Inf, NaN, broadcast',
    inputs: (r) => [
      host(
        [3, 6],
        r.array(18, (q, i) => [7.5, -7.5, 7.5, -7.5, 1, -1, 0, Number.NaN, Infinity, -0, 5, -5][i] ?? q.float(-9, 9)),
      ),
      host([6], [2.25, 2.25, -2.25, -2.25, Infinity, -Infinity]),
    ],
    core: ([a, b]) => [mod(a!, b!), a!.mod(0)],
    reference: ([a, b]) => [zip(a!, b!, mod64), map(a!, (v) => mod64(v, 0))],
    judge: relative(2 * U, 2 * 2 ** -20, 'exact remainder, rounded once; where arithmetic is within 1 ULP (no exact product), within 2 ULPs of |a| < 16'),
  }),
  opCase({
    op: 'mod',
    name: 'int32 with b = 0, rank 0, empty',
    inputs: (r) => [
      host(
        [8],
        r.array(8, (q) => q.int(-50, 50)),
        'int32',
      ),
      host([8], [3, -3, 7, -7, 0, 1, -1, 12], 'int32'),
      host([], [-9], 'int32'),
      host([0], [], 'int32'),
    ],
    core: ([a, b, s, e]) => [mod(a!, b!), mod(s!, 4), mod(e!, s!)],
    reference: ([a, b, s, e]) => [zip(a!, b!, (u, v) => (v === 0 ? 0 : u - intFloorDiv(u, v) * v)), map(s!, (v) => v - intFloorDiv(v, 4) * 4), e!],
  }),
  opGradient({
    op: 'mod',
    name: 'w.r.t. a and b, away from the jumps',
    inputs: (r) => [
      host(
        [6],
        r.array(6, (q, i) => (i % 3) * 2.5 + 0.4 + q.float(0, 0.5) - (i < 3 ? 0 : 6)),
      ),
      host([6], [2.5, 2.5, 2.5, -2.5, -2.5, -2.5]),
    ],
    core: ([a, b]) => mod(a!, b!),
    reference: ([a, b]) => zip(a!, b!, (u, v) => u - Math.floor(u / v) * v),
  }),

  // step
  opCase({
    op: 'step',
    name: 'alpha 0.25; NaN ±Inf ±0; rank 0',
    inputs: (r) => [withSpecials([2, 5], SPECIALS)(r), host([], [-3])],
    core: ([x, s]) => [step(x!, 0.25), s!.step()],
    reference: ([x, s]) => [map(x!, (v) => (Number.isNaN(v) ? v : v > 0 ? 1 : 0.25)), map(s!, (v) => (v > 0 ? 1 : 0))],
  }),

  // trig and hyperbolic (composites of the unary kernels): bounds about 2× the worst error of dense sweeps on backend-ts
  // (tan 1.9, atan 2.7, asin 3.5, acos 3.1, atan2 2.8, sinh/cosh 1.9, asinh 1.4, acosh 1.8, atanh 1.8, erf 2.3 ULP)
  ...unaryOp('tan', tan, Math.tan, [-1.4, 1.4], [...SPECIALS, 1e-30], ulps(8, 2 ** -14), [-1.2, 1.2]),
  ...unaryOp('atan', atan, Math.atan, [-6, 6], [...SPECIALS, 1e-30, 1e30, -1e30], ulps(6)),
  ...unaryOp('asin', asin, Math.asin, [-1, 1], [...SPECIALS, 1, -1, 1.5, -1e-30, -0.99993], ulps(8), [-0.9, 0.9]),
  ...unaryOp('acos', acos, Math.acos, [-1, 1], [...SPECIALS, 1, -1, 1.5, 1e-30, -0.99993, 0.99996], ulps(8), [-0.9, 0.9]),
  ...unaryOp('sinh', sinh, Math.sinh, [-10, 10], [...SPECIALS, 1e-30, -88.5, 89], ulps(6)),
  ...unaryOp('cosh', cosh, Math.cosh, [-10, 10], [...SPECIALS, 1e-30, 88.5, -89], ulps(6)),
  ...unaryOp('asinh', asinh, Math.asinh, [-20, 20], [...SPECIALS, -1e-30, -3e30, 3e30], ulps(6)),
  ...unaryOp('acosh', acosh, Math.acosh, [1, 20], [...SPECIALS, 1, 0.5, 3e30, 1.0001], ulps(6), [1.2, 20]),
  ...unaryOp('atanh', atanh, Math.atanh, [-0.99, 0.99], [...SPECIALS, 1, -1, 2, -1e-30, -0.99997, 0.99991], ulps(6), [-0.9, 0.9]),
  ...unaryOp('erf', erf, erf64, [-4, 4], [...SPECIALS, 1e-30, -1, 1], ulps(6)),
  opCase({
    op: 'atan2',
    name: 'all quadrants, broadcast',
    inputs: (r) => [uniform([4, 1], -3, 3)(r), uniform([5], -3, 3)(r)],
    core: ([a, b]) => atan2(a!, b!),
    reference: ([a, b]) => zip(a!, b!, Math.atan2),
    judge: ulps(6),
  }),
  opCase({
    op: 'atan2',
    name: '±0, ±Inf, NaN pairs',
    inputs: () => {
      const sp = [0, -0, Infinity, -Infinity, Number.NaN, 1.5, -1.5];
      return [host([7, 1], sp), host([7], sp)];
    },
    core: ([a, b]) => a!.atan2(b!),
    reference: ([a, b]) => zip(a!, b!, Math.atan2),
    judge: ulps(6),
  }),
  opGradient({
    op: 'atan2',
    name: 'w.r.t. a and b, every quadrant',
    inputs: (r) => [
      host(
        [8],
        r.array(8, (q, i) => (i % 2 ? 1 : -1) * q.float(0.3, 2)),
      ),
      host(
        [8],
        r.array(8, (q, i) => (i % 4 < 2 ? 1 : -1) * q.float(0.3, 2)),
      ),
    ],
    core: ([a, b]) => atan2(a!, b!),
    reference: ([a, b]) => zip(a!, b!, Math.atan2),
  }),
  // activations
  opCase({
    op: 'relu6',
    name: 'NaN ±Inf ±0, around 0 and 6; int32',
    inputs: (r) => [withSpecials([2, 6], [...SPECIALS, 6, 5.9, 6.1], -3, 9)(r), host([5], [-2, 0, 3, 6, 9], 'int32')],
    core: ([x, i]) => [relu6(x!), i!.relu6()],
    reference: ([x, i]) => [map(x!, (v) => (Number.isNaN(v) ? v : Math.min(Math.max(v, 0), 6))), map(i!, (v) => Math.min(Math.max(v, 0), 6))],
  }),
  opGradient({
    op: 'relu6',
    name: 'below 0, inside, above 6',
    inputs: (r) => [
      host(
        [9],
        r.array(9, (q, i) => [q.float(-3, -0.1), q.float(0.1, 5.9), q.float(6.1, 9)][i % 3]!),
      ),
    ],
    core: ([x]) => relu6(x!),
    reference: ([x]) => map(x!, (v) => Math.min(Math.max(v, 0), 6)),
  }),
  ...unaryOp('selu', selu, (v) => SELU_SCALE * (v > 0 ? v : SELU_ALPHA * Math.expm1(v)), [-10, 10], [...SPECIALS, 100, -100], ulps(4)),
  ...unaryOp('swish', swish, (v) => v / (1 + Math.exp(-v)), [-20, 20], [...SPECIALS, 30, -30], ulps(5), [-8, 8]),
  ...unaryOp('softsign', softsign, (v) => v / (1 + Math.abs(v)), [-20, 20], [...SPECIALS, 1e30, -1e30], ulps(3)), // ±Inf/Inf = NaN, as Keras' formula
  ...unaryOp(
    'gelu',
    gelu,
    (v) => 0.5 * v * erfc64(-v / Math.SQRT2), // gelu(−Inf) = −Inf·0 = NaN, as Keras' formula
    [-8, 8],
    [...SPECIALS, -12, 12],
    relative(256 * U, 1e-12, "x·erfc(−x/√2)/2: for x < 0 the rounding of x²/2 in erfc's e^(−x²/2) gives a relative error ≈ (x²/2)·u, up to 32u·3 at x = −8"),
  ),
  opCase({
    op: 'prelu',
    name: 'per-channel alpha, NaN ±Inf ±0',
    inputs: (r) => [withSpecials([3, 4], SPECIALS)(r), host([4], [0.1, -0.5, 2, 0])],
    core: ([x, a]) => prelu(x!, a!),
    reference: ([x, a]) => zip(x!, a!, (v, al) => (v > 0 ? v : v * al)),
    judge: ulps(1.5), // one multiplication: 0.5 ULP correctly rounded, 1.5 where a backend declares arithmetic within 1 ULP
  }),
  opCase({
    op: 'prelu',
    name: 'rank 0 alpha; empty',
    inputs: (r) => [uniform([2, 3])(r), host([], [0.25]), host([0, 3], [])],
    core: ([x, a, e]) => [x!.prelu(a!), prelu(e!, a!)],
    reference: ([x, a, e]) => [zip(x!, a!, (v, al) => (v > 0 ? v : v * al)), e!],
    judge: ulps(1.5),
  }),
  opGradient({
    op: 'prelu',
    name: 'w.r.t. x and alpha',
    inputs: (r) => [
      host(
        [3, 4],
        r.array(12, (q) => (q.bool() ? 1 : -1) * q.float(0.1, 2)),
      ),
      uniform([4], -1, 1)(r),
    ],
    core: ([x, a]) => prelu(x!, a!),
    reference: ([x, a]) => zip(x!, a!, (v, al) => (v > 0 ? v : v * al)),
  }),

  // any, all
  opCase({
    op: 'any',
    name: 'axes, keepDims, empty, rank 0, float NaN',
    inputs: (r) => [
      host(
        [3, 4],
        r.array(12, (q, i) => (i < 4 ? 0 : q.bool(0.3) ? 1 : 0)),
        'bool',
      ),
      host([2, 0], [], 'bool'),
      host([], [1], 'bool'),
      host([3], [0, Number.NaN, 0]),
    ],
    core: ([x, e, s, f]) => [any(x!, 1), x!.any(0, true), any(x!), any(e!, 1), any(s!), any(f!)],
    reference: ([x, e, s, f]) => {
      const or = (vs: number[]): number => (vs.some((v) => v !== 0) ? 1 : 0);
      const b = (t: HostTensor): HostTensor => ({ ...t, dtype: 'bool' });
      return [
        b(reduceWith(x!, [1], false, or)),
        b(reduceWith(x!, [0], true, or)),
        b(reduceWith(x!, [0, 1], false, or)),
        b(reduceWith(e!, [1], false, or)),
        s!,
        b(reduceWith(f!, [0], false, or)),
      ];
    },
  }),
  opCase({
    op: 'all',
    name: 'axes, keepDims, empty, rank 0',
    inputs: (r) => [
      host(
        [3, 4],
        r.array(12, (q, i) => (i < 4 ? 1 : q.bool(0.7) ? 1 : 0)),
        'bool',
      ),
      host([2, 0], [], 'bool'),
      host([], [0], 'bool'),
    ],
    core: ([x, e, s]) => [all(x!, 1), x!.all(0, true), all(x!), all(e!, 1), all(s!)],
    reference: ([x, e, s]) => {
      const and = (vs: number[]): number => (vs.every((v) => v !== 0) ? 1 : 0);
      const b = (t: HostTensor): HostTensor => ({ ...t, dtype: 'bool' });
      return [
        b(reduceWith(x!, [1], false, and)),
        b(reduceWith(x!, [0], true, and)),
        b(reduceWith(x!, [0, 1], false, and)),
        b(reduceWith(e!, [1], false, and)),
        s!,
      ];
    },
  }),

  // norm, euclideanNorm
  opCase({
    op: 'norm',
    name: 'vector ords along an axis, keepDims; all values',
    inputs: (r) => [uniform([3, 5])(r)],
    core: ([x]) => [norm(x!, 1, 1), norm(x!, 2, 1, true), norm(x!, Infinity, 0), norm(x!, -Infinity, -1), x!.norm()],
    reference: ([x]) => [
      reduceWith(x!, [1], false, (vs) => vs.reduce((s, v) => s + Math.abs(v), 0)),
      reduceWith(x!, [1], true, (vs) => Math.hypot(...vs)),
      reduceWith(x!, [0], false, (vs) => Math.max(...vs.map(Math.abs))),
      reduceWith(x!, [1], false, (vs) => Math.min(...vs.map(Math.abs))),
      reduceWith(x!, [0, 1], false, (vs) => Math.hypot(...vs)),
    ],
    judge: relative(6 * U, 0, 'sums of ≤ 15 terms of one sign (|x| or x²) and a sqrt: ≤ 16u in the worst case; measured ≤ 1.5u'),
  }),
  opCase({
    op: 'norm',
    name: 'matrix ords over axes [0,2] and [2,0]; NaN, Inf, 1e30 (no overflow), rank 0',
    inputs: (r) => [uniform([3, 2, 4])(r), host([2, 3], [1e30, -2e30, 3, Infinity, 1, 2]), host([2, 2], [Number.NaN, 1, 2, 3]), host([], [-3])],
    core: ([x, big, n, s]) => [
      norm(x!, 1, [0, 2]),
      norm(x!, Infinity, [2, 0], true),
      norm(x!, -Infinity, [0, 2]),
      norm(x!, 'fro', [0, 2]),
      norm(big!, 2, 1),
      norm(n!, 'euclidean', [0, 1]),
      norm(s!),
    ],
    reference: ([x, big, n, s]) => {
      // element (i, j, k) of [3,2,4]: rows over axis 0 (ord 1: column sums over i, max over k), axis 2 the columns
      const at = (i: number, j: number, k: number): number => x!.values[(i * 2 + j) * 4 + k]!;
      const colSums = (j: number, k: number): number => [0, 1, 2].reduce((s2, i) => s2 + Math.abs(at(i, j, k)), 0);
      const rowSums = (j: number, i: number): number => [0, 1, 2, 3].reduce((s2, k) => s2 + Math.abs(at(i, j, k)), 0);
      const ord1 = unrounded(
        [2],
        [0, 1].map((j) => Math.max(...[0, 1, 2, 3].map((k) => colSums(j, k)))),
      );
      // axes [2, 0]: rows are axis 2, columns axis 0; ord Infinity: the largest row sum = max over k of Σ_i.
      const ordInf = unrounded(
        [1, 2, 1],
        [0, 1].map((j) => Math.max(...[0, 1, 2, 3].map((k) => colSums(j, k)))),
      );
      const ordMinusInf = unrounded(
        [2],
        [0, 1].map((j) => Math.min(...[0, 1, 2].map((i) => rowSums(j, i)))),
      );
      const fro = reduceWith(x!, [0, 2], false, (vs) => Math.hypot(...vs));
      return [
        ord1,
        ordInf,
        ordMinusInf,
        fro,
        reduceWith(big!, [1], false, (vs) => Math.hypot(...vs)),
        reduceWith(n!, [0, 1], false, (vs) => (vs.some(Number.isNaN) ? Number.NaN : Math.hypot(...vs))),
        map(s!, Math.abs),
      ];
    },
    judge: relative(6 * U, 0, 'sums of ≤ 12 terms of one sign and a sqrt: ≤ 13u in the worst case; measured ≤ 1.5u'),
  }),
  opGradient({
    op: 'norm',
    name: 'euclidean per row, 1 per column, matrix fro',
    inputs: (r) => [
      host(
        [3, 4],
        r.array(12, (q) => (q.bool() ? 1 : -1) * q.float(0.2, 2)),
      ),
    ],
    core: ([x]) =>
      norm(x!, 2, 1)
        .sum()
        .add(norm(x!, 1, 0).mul(0.5).sum())
        .add(norm(x!, 'fro', [0, 1])),
    reference: ([x]) => {
      const v = (i: number, j: number): number => x!.values[i * 4 + j]!;
      let s = 0;
      for (let i = 0; i < 3; i++) s += Math.hypot(v(i, 0), v(i, 1), v(i, 2), v(i, 3));
      for (let j = 0; j < 4; j++) s += 0.5 * (Math.abs(v(0, j)) + Math.abs(v(1, j)) + Math.abs(v(2, j)));
      return unrounded([], [s + Math.hypot(...x!.values)]);
    },
  }),
  opCase({
    op: 'euclideanNorm',
    name: 'axis 1, all axes keepDims, empty',
    inputs: (r) => [uniform([2, 5], -3, 3)(r), host([0, 3], [])],
    core: ([x, e]) => [euclideanNorm(x!, 1), x!.euclideanNorm(null, true), euclideanNorm(e!, 0)],
    reference: ([x, e]) => [
      reduceWith(x!, [1], false, (vs) => Math.hypot(...vs)),
      reduceWith(x!, [0, 1], true, (vs) => Math.hypot(...vs)),
      reduceWith(e!, [0], false, () => 0),
    ],
    judge: relative(6 * U, 0, 'a sum of ≤ 10 squares and a sqrt: ≤ 11u in the worst case; measured ≤ 1u'),
  }),
  opGradient({
    op: 'euclideanNorm',
    name: 'axis 0',
    inputs: (r) => [uniform([3, 2], 0.3, 2)(r)],
    core: ([x]) => euclideanNorm(x!, 0),
    reference: ([x]) => reduceWith(x!, [0], false, (vs) => Math.hypot(...vs)),
  }),

  // moments, batchNorm, localResponseNormalization
  opCase({
    op: 'moments',
    name: 'axes [0,2], keepDims and not; int32; rank 0',
    inputs: (r) => [uniform([3, 2, 4], 1, 3)(r), host([4], [1, 2, 4, 7], 'int32'), host([], [5])],
    core: ([x, i, s]) => {
      const a = moments(x!, [0, 2]);
      const b = moments(x!, -1, true);
      const c = moments(i!);
      const d = moments(s!);
      return [a.mean, a.variance, b.mean, b.variance, c.mean, c.variance, d.mean, d.variance];
    },
    reference: ([x, i, s]) => {
      const mean = (vs: number[]): number => vs.reduce((p, v) => p + v, 0) / vs.length;
      const variance = (vs: number[]): number => mean(vs.map((v) => (v - mean(vs)) ** 2));
      const f = (t: HostTensor): HostTensor => ({ ...t, dtype: 'float32' });
      return [
        reduceWith(x!, [0, 2], false, mean),
        reduceWith(x!, [0, 2], false, variance),
        reduceWith(x!, [2], true, mean),
        reduceWith(x!, [2], true, variance),
        f(reduceWith(i!, [0], false, mean)),
        f(reduceWith(i!, [0], false, variance)),
        s!,
        map(s!, () => 0),
      ];
    },
    judge: relative(8 * U, 8 * U, 'two passes of ≤ 12 terms (values in [1, 3): the variance is ≤ 1, so an absolute term); measured ≤ 1.6u'),
  }),
  opCase({
    op: 'moments',
    name: 'NaN and ±Inf columns; empty',
    inputs: () => [host([3, 3], [1, Number.NaN, Infinity, 2, 0, 1, -0, 3, 2]), host([0, 2], [])],
    core: ([x, e]) => {
      const a = moments(x!, 0);
      const b = moments(e!, 1);
      return [a.mean, a.variance, b.mean, b.variance];
    },
    reference: ([x, e]) => {
      const mean = (vs: number[]): number => vs.reduce((p, v) => p + v, 0) / vs.length;
      const variance = (vs: number[]): number => mean(vs.map((v) => (v - mean(vs)) ** 2));
      return [reduceWith(x!, [0], false, mean), reduceWith(x!, [0], false, variance), reduceWith(e!, [1], false, mean), reduceWith(e!, [1], false, variance)];
    },
    judge: relative(8 * U, 8 * U, 'two passes of 3 terms of magnitude ≤ 3'),
  }),
  opGradient({
    op: 'moments',
    name: 'mean and variance over axis 1',
    inputs: (r) => [uniform([2, 5])(r)],
    core: ([x]) => {
      const { mean, variance } = moments(x!, 1);
      return mean.mul(0.7).add(variance);
    },
    reference: ([x]) =>
      reduceWith(x!, [1], false, (vs) => {
        const m = vs.reduce((p, v) => p + v, 0) / vs.length;
        return 0.7 * m + vs.reduce((p, v) => p + (v - m) ** 2, 0) / vs.length;
      }),
  }),
  opCase({
    op: 'batchNorm',
    name: 'per channel with offset and scale; without; 2d/3d/4d',
    inputs: (r) => {
      const x = uniform([2, 2, 3])(r);
      return [
        x,
        uniform([3], -1, 1)(r),
        uniform([3], 0.5, 2)(r),
        uniform([3], -1, 1)(r),
        uniform([3], 0.5, 2)(r),
        { ...x, shape: [4, 3] },
        { ...x, shape: [1, 2, 2, 3] },
      ];
    },
    core: ([x, m, v, o, s, x2, x4]) => [
      batchNorm(x!, m!, v!, o!, s!, 0.01),
      x!.batchNorm(m!, v!),
      batchNorm3d(x!, m!, v!, o!, s!),
      batchNorm2d(x2!, m!, v!, null, s!),
      batchNorm4d(x4!, m!, v!, o!),
    ],
    reference: ([x, m, v, o, s]) => {
      const bn = (eps: number, withO: boolean, withS: boolean, shape: readonly number[]): HostTensor =>
        unrounded(
          shape,
          Array.from(x!.values, (xv, k) => {
            const c = k % 3;
            return ((xv - m!.values[c]!) * (withS ? s!.values[c]! : 1)) / Math.sqrt(v!.values[c]! + eps) + (withO ? o!.values[c]! : 0);
          }),
        );
      return [
        bn(0.01, true, true, [2, 2, 3]),
        bn(0.001, false, false, [2, 2, 3]),
        bn(0.001, true, true, [2, 2, 3]),
        bn(0.001, false, true, [4, 3]),
        bn(0.001, true, false, [1, 2, 2, 3]),
      ];
    },
    judge: relative(4 * U, 16 * U, '(x − mean)·scale·rsqrt(var + eps) + offset: a few roundings of values ≤ 8 (rsqrt within 2 ULP); measured ≤ 2.5u'),
  }),
  opCase({
    op: 'batchNorm',
    name: 'NaN ±Inf −0 in x, variance 0 (eps only); empty',
    inputs: () => [host([2, 3], [Number.NaN, Infinity, -Infinity, -0, 1, 2]), host([3], [0, 1, -0]), host([3], [0, 1, 4]), host([0, 3], [])],
    core: ([x, m, v, e]) => [batchNorm(x!, m!, v!, null, null, 0.25), batchNorm(e!, m!, v!)],
    reference: ([x, m, v, e]) => [
      unrounded(
        [2, 3],
        Array.from(x!.values, (xv, k) => (xv - m!.values[k % 3]!) / Math.sqrt(v!.values[k % 3]! + 0.25)),
      ),
      e!,
    ],
    judge: relative(4 * U, 0, 'a subtraction, an rsqrt (2 ULP) and a product'),
  }),
  opGradient({
    op: 'batchNorm',
    name: 'w.r.t. x, mean, variance, offset, scale',
    inputs: (r) => [uniform([2, 3])(r), uniform([3], -1, 1)(r), uniform([3], 0.5, 2)(r), uniform([3], -1, 1)(r), uniform([3], 0.5, 2)(r)],
    core: ([x, m, v, o, s]) => batchNorm(x!, m!, v!, o!, s!, 0.01),
    reference: ([x, m, v, o, s]) =>
      unrounded(
        [2, 3],
        Array.from(x!.values, (xv, k) => ((xv - m!.values[k % 3]!) * s!.values[k % 3]!) / Math.sqrt(v!.values[k % 3]! + 0.01) + o!.values[k % 3]!),
      ),
  }),
  opCase({
    op: 'localResponseNormalization',
    name: 'NHWC radius 2 (clipped at the edges); HWC radius 0',
    inputs: (r) => [uniform([1, 2, 2, 6])(r), uniform([2, 1, 3])(r)],
    core: ([x, y]) => [localResponseNormalization(x!, 2, 1.5, 0.3, 0.75), y!.localResponseNormalization(0, 2, 0.5, 0.5)],
    reference: ([x, y]) => [lrn64(x!, 2, 1.5, 0.3, 0.75), lrn64(y!, 0, 2, 0.5, 0.5)],
    judge: relative(8 * U, 0, 'a sum of ≤ 5 squares, then pow (within 4 ULP) and a product; measured ≤ 2.3u'),
  }),
  opCase({
    op: 'localResponseNormalization',
    name: 'NaN and Inf spread to the channels within the radius; empty batch',
    inputs: () => [host([1, 1, 2, 5], [1, Number.NaN, 2, 3, -1, 0.5, -0, Infinity, 1, 2]), host([0, 2, 2, 3], [])],
    core: ([x, e]) => [localResponseNormalization(x!, 1, 1, 0.5, 0.5), localResponseNormalization(e!)],
    reference: ([x, e]) => [lrn64(x!, 1, 1, 0.5, 0.5), e!],
    judge: relative(8 * U, 0, 'a sum of ≤ 3 squares, then pow (within 4 ULP) and a product'),
  }),
  opGradient({
    op: 'localResponseNormalization',
    name: 'radius 1, beta 0.75',
    inputs: (r) => [uniform([1, 1, 2, 4])(r)],
    core: ([x]) => localResponseNormalization(x!, 1, 1, 0.5, 0.75),
    reference: ([x]) => lrn64(x!, 1, 1, 0.5, 0.75),
  }),

  // dot, outerProduct
  opCase({
    op: 'dot',
    name: 'vector·vector, vector·matrix, matrix·vector, matrix·matrix',
    inputs: (r) => [uniform([4])(r), uniform([4, 3])(r), uniform([2, 4])(r)],
    core: ([v, m, n]) => [dot(v!, v!), dot(v!, m!), dot(n!, v!), n!.dot(m!)],
    reference: ([v, m, n]) => {
      const mm = (a: HostTensor, b: HostTensor, rows: number, inner: number, cols: number, shape: number[]): HostTensor => {
        const out = new Float64Array(rows * cols);
        for (let i = 0; i < rows; i++)
          for (let j = 0; j < cols; j++) for (let k = 0; k < inner; k++) out[i * cols + j]! += a.values[i * inner + k]! * b.values[k * cols + j]!;
        return { shape, values: out, dtype: 'float32' };
      };
      return [mm(v!, v!, 1, 4, 1, []), mm(v!, m!, 1, 4, 3, [3]), mm(n!, v!, 2, 4, 1, [2]), mm(n!, m!, 2, 4, 3, [2, 3])];
    },
    judge: relative(2 * U, 16 * U, '4 products summed: ≤ 4u·Σ|a·b| ≤ 64u in the worst case (|a·b| < 4); measured ≤ 1.6u'),
  }),
  opCase({
    op: 'dot',
    name: 'empty inner dimension gives zeros; NaN and Inf',
    inputs: () => [host([0], []), host([2, 0], []), host([0, 3], []), host([2], [Number.NaN, 1]), host([2], [Infinity, 2])],
    core: ([v0, m20, m03, a, b]) => [dot(v0!, v0!), dot(m20!, m03!), dot(a!, b!), dot(b!, b!)],
    reference: ([, , , a, b]) => [
      unrounded([], [0]),
      unrounded([2, 3], [0, 0, 0, 0, 0, 0]),
      unrounded([], [a!.values[0]! * b!.values[0]! + a!.values[1]! * b!.values[1]!]),
      unrounded([], [Infinity]),
    ],
  }),
  opGradient({
    op: 'dot',
    name: 'matrix·vector',
    inputs: (r) => [uniform([2, 3])(r), uniform([3])(r)],
    core: ([m, v]) => dot(m!, v!),
    reference: ([m, v]) =>
      unrounded(
        [2],
        [0, 1].map((i) => [0, 1, 2].reduce((s, k) => s + m!.values[i * 3 + k]! * v!.values[k]!, 0)),
      ),
  }),
  opCase({
    op: 'outerProduct',
    name: 'NaN ±Inf −0; empty',
    inputs: (r) => [withSpecials([5], SPECIALS)(r), uniform([3])(r), host([0], [])],
    core: ([a, b, e]) => [outerProduct(a!, b!), outerProduct(e!, b!)],
    reference: ([a, b]) => [
      unrounded(
        [5, 3],
        Array.from({ length: 15 }, (_, k) => a!.values[Math.floor(k / 3)]! * b!.values[k % 3]!),
      ),
      host([0, 3], []),
    ],
    judge: ulps(1.5), // one multiplication: 0.5 ULP correctly rounded, 1.5 where a backend declares arithmetic within 1 ULP
  }),
  opGradient({
    op: 'outerProduct',
    name: 'w.r.t. both',
    inputs: (r) => [uniform([3])(r), uniform([2])(r)],
    core: ([a, b]) => outerProduct(a!, b!),
    reference: ([a, b]) =>
      unrounded(
        [3, 2],
        Array.from({ length: 6 }, (_, k) => a!.values[Math.floor(k / 2)]! * b!.values[k % 2]!),
      ),
  }),
];
