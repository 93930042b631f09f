/**
 * Op cases: randomUniformInt, randomStandardNormal, rand, multinomial,
 * randomGamma, bernoulli: the same numbers on every backend. The generator is
 * the spec: each reference replays core's Philox4x32-10 stream (element i,
 * attempt a → counter (i, a, stream, 0), key = the seed; an explicit seed is
 * stream 0) with core's exported `philox4x32`, and applies the op's sampling
 * rule in float64 here. Judged exactly: a sample that went through a
 * backend's float math (a softmax on the GPU, a float32 comparison) would
 * differ somewhere.
 */
import { bernoulli, multinomial, philox4x32, rand, randomGamma, randomStandardNormal, randomUniformInt } from '@polytensor/core';
import type { ConformanceCase } from '../cases/types.js';
import { host, sizeOf, type HostTensor } from '../host.js';
import type { Rng } from '../rng.js';
import { opCase } from './harness.js';

/** The uniform pair of an explicitly seeded op's element i, attempt a: 53-bit doubles in [0, 1). */
function pair(seed: number, i: number, attempt = 0): [number, number] {
  const out = new Uint32Array(4);
  philox4x32(i, attempt, 0, 0, seed >>> 0, Math.floor(seed / 2 ** 32), out);
  const unit = (hi: number, lo: number): number => ((hi >>> 5) * 2 ** 26 + (lo >>> 6)) / 2 ** 53;
  return [unit(out[0]!, out[1]!), unit(out[2]!, out[3]!)];
}

/** Box–Muller on the pair (1 − u keeps the log finite). */
function normal(seed: number, i: number, attempt = 0): number {
  const [u1, u2] = pair(seed, i, attempt);
  return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
}

const filled = (shape: readonly number[], dtype: 'float32' | 'int32', f: (i: number) => number): HostTensor =>
  host(
    shape,
    Float64Array.from({ length: sizeOf(shape) }, (_, i) => f(i)),
    dtype,
  );

/** Unbiased integers in [lo, hi): redraw 53-bit draws in the incomplete last block. */
function uniformIntRef(shape: readonly number[], lo: number, hi: number, seed: number): HostTensor {
  const range = hi - lo;
  const limit = 2 ** 53 - (2 ** 53 % range);
  return filled(shape, 'int32', (i) => {
    for (let a = 0; ; a++) {
      const k = pair(seed, i, a)[0] * 2 ** 53;
      if (k < limit) return lo + (k % range);
    }
  });
}

/** Marsaglia–Tsang with rate beta; attempt a uses counters (i, 2a) and (i, 2a + 1); α < 1 boosted by u^(1/α). */
function gammaRef(shape: readonly number[], alpha: number, beta: number, dtype: 'float32' | 'int32', seed: number): HostTensor {
  const d = (alpha < 1 ? alpha + 1 : alpha) - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  return filled(shape, dtype, (i) => {
    for (let a = 0; ; a++) {
      const x = normal(seed, i, 2 * a);
      const t = 1 + c * x;
      if (t <= 0) continue;
      // The same float64 operations as core, in the same order: the sample is exact, not approximate.
      const v = t * t * t;
      const [u, ub] = pair(seed, i, 2 * a + 1);
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) {
        const g = (alpha < 1 ? d * v * (1 - ub) ** (1 / alpha) : d * v) / beta;
        return dtype === 'int32' ? Math.round(g) : g;
      }
    }
  });
}

/** Inverse CDF of each row's softmax (or given probabilities) at the element's uniform; no outcome found → the last. */
function multinomialRef(logits: HostTensor, numSamples: number, seed: number, normalized: boolean): HostTensor {
  const k = logits.shape[logits.shape.length - 1]!;
  const batch = logits.shape.length === 2 ? logits.shape[0]! : 1;
  const out: number[] = [];
  for (let b = 0; b < batch; b++) {
    const row = Array.from(logits.values.subarray(b * k, (b + 1) * k));
    const max = row.reduce((m, l) => Math.max(m, l), Number.NEGATIVE_INFINITY);
    const total = row.reduce((s, l) => s + Math.exp(l - max), 0);
    const probs = normalized ? row : row.map((l) => Math.exp(l - max) / total);
    const cdf: number[] = [];
    probs.reduce((acc, p) => {
      cdf.push(acc + p);
      return acc + p;
    }, 0);
    for (let n = 0; n < numSamples; n++) {
      const u = pair(seed, b * numSamples + n)[0];
      const j = cdf.findIndex((c) => u < c);
      out.push(j < 0 ? k - 1 : j);
    }
  }
  return host(logits.shape.length === 2 ? [batch, numSamples] : [numSamples], out, 'int32');
}

const logitsOf = (shape: readonly number[]) => (r: Rng) =>
  host(
    shape,
    r.array(sizeOf(shape), (q) => q.float(-3, 3)),
  );

export const randomOpCases: readonly ConformanceCase<'op'>[] = [
  opCase({
    op: 'randomUniformInt',
    name: '[3, 4] in [-5, 7), seed 11',
    inputs: () => [],
    core: () => randomUniformInt([3, 4], -5, 7, 11),
    reference: () => uniformIntRef([3, 4], -5, 7, 11),
  }),
  opCase({
    op: 'randomUniformInt',
    name: 'the whole int32 range, [2, 5]',
    inputs: () => [],
    core: () => randomUniformInt([2, 5], -(2 ** 31), 2 ** 31, 12),
    reference: () => uniformIntRef([2, 5], -(2 ** 31), 2 ** 31, 12),
  }),
  opCase({
    op: 'randomUniformInt',
    name: 'rank 0 and empty',
    inputs: () => [],
    core: () => [randomUniformInt([], 3, 9, 13), randomUniformInt([0, 3], 0, 2, 13)],
    reference: () => [uniformIntRef([], 3, 9, 13), host([0, 3], [], 'int32')],
  }),
  opCase({
    op: 'randomStandardNormal',
    name: 'float32 [4, 5], seed 8',
    inputs: () => [],
    core: () => randomStandardNormal([4, 5], 'float32', 8),
    reference: () => filled([4, 5], 'float32', (i) => normal(8, i)),
  }),
  opCase({
    op: 'randomStandardNormal',
    name: 'int32 (floored) [7]',
    inputs: () => [],
    core: () => randomStandardNormal([7], 'int32', 9),
    reference: () => filled([7], 'int32', (i) => Math.floor(normal(9, i))),
  }),
  opCase({
    op: 'rand',
    name: 'Philox draws through randFunction, float32 [3, 4] and int32 [5]',
    inputs: () => [],
    core: () => {
      let i = 0;
      let j = 0;
      return [rand([3, 4], () => normal(14, i++)), rand([5], () => 10 * normal(15, j++), 'int32')];
    },
    reference: () => [filled([3, 4], 'float32', (i) => normal(14, i)), filled([5], 'int32', (i) => Math.trunc(10 * normal(15, i)))],
  }),
  opCase({
    op: 'multinomial',
    name: 'logits [3, 4], 10 samples, seed 21',
    inputs: (r) => [logitsOf([3, 4])(r)],
    core: ([x]) => multinomial(x!, 10, 21),
    reference: ([x]) => multinomialRef(x!, 10, 21, false),
  }),
  opCase({
    op: 'multinomial',
    name: 'rows with −Inf, NaN, +Inf, all −Inf and −0',
    inputs: () => [host([5, 3], [-Infinity, 0, -Infinity, 0, Number.NaN, 1, 0, Infinity, 0, -Infinity, -Infinity, -Infinity, -0, 0, -0])],
    core: ([x]) => multinomial(x!, 6, 22),
    reference: ([x]) => multinomialRef(x!, 6, 22, false),
  }),
  opCase({
    op: 'multinomial',
    name: 'rank 1, normalized probabilities',
    inputs: () => [host([4], [0.1, 0.2, 0.3, 0.4])],
    core: ([x]) => multinomial(x!, 12, 23, true),
    reference: ([x]) => multinomialRef(x!, 12, 23, true),
  }),
  opCase({
    op: 'randomGamma',
    name: 'α 2.5, rate 2, [3, 5]',
    inputs: () => [],
    core: () => randomGamma([3, 5], 2.5, 2, 'float32', 31),
    reference: () => gammaRef([3, 5], 2.5, 2, 'float32', 31),
  }),
  opCase({
    op: 'randomGamma',
    name: 'α 0.3 (boosted), [12]',
    inputs: () => [],
    core: () => randomGamma([12], 0.3, 1, 'float32', 32),
    reference: () => gammaRef([12], 0.3, 1, 'float32', 32),
  }),
  opCase({
    op: 'randomGamma',
    name: 'int32 (rounded), α 10, [8]; empty',
    inputs: () => [],
    core: () => [randomGamma([8], 10, 1, 'int32', 33), randomGamma([2, 0], 1)],
    reference: () => [gammaRef([8], 10, 1, 'int32', 33), host([2, 0], [])],
  }),
  opCase({
    op: 'bernoulli',
    name: 'shape [4, 6], p 0.3',
    inputs: () => [],
    core: () => bernoulli([4, 6], 0.3, 41),
    reference: () => filled([4, 6], 'float32', (i) => (pair(41, i)[0] < 0.3 ? 1 : 0)),
  }),
  opCase({
    op: 'bernoulli',
    name: 'probs tensor with 0, −0, 1 and float32 probabilities',
    inputs: (r) => [
      host(
        [3, 4],
        r.array(12, (q, i) => [0, -0, 1][i % 4] ?? q.float(0, 1)),
      ),
    ],
    core: ([p]) => bernoulli(p!, 42),
    reference: ([p]) => filled(p!.shape, 'float32', (i) => (pair(42, i)[0] < p!.values[i]! ? 1 : 0)),
  }),
];
