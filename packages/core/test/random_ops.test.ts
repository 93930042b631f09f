// randomUniformInt, randomStandardNormal, rand, multinomial, randomGamma,
// bernoulli: exact draws against the Philox generator replayed here,
// distribution checks with bounds computed from the distribution (z = 4, or a
// chi-square quantile at about 3e-5), reproducibility, and bad arguments.
import { describe, expect, it } from 'vitest';
import {
  bernoulli,
  memory,
  multinomial,
  philox4x32,
  rand,
  randomGamma,
  randomStandardNormal,
  randomUniformInt,
  setSeed,
  tensor,
  type Tensor,
} from './helpers.js';

/** Read a tensor's values and free it. */
const take = (t: Tensor): number[] => {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
};

/** The doubles an explicit seed's stream gives element i, attempt a (random.ts' spec: counter (i, a, 0, 0), key = seed). */
function pair(seed: number, i: number, attempt = 0): [number, number] {
  const out = new Uint32Array(4);
  philox4x32(i, attempt, 0, 0, seed >>> 0, Math.floor(seed / 2 ** 32), out);
  const unit = (hi: number, lo: number): number => ((hi >>> 5) * 2 ** 26 + (lo >>> 6)) / 2 ** 53;
  return [unit(out[0]!, out[1]!), unit(out[2]!, out[3]!)];
}

const meanOf = (v: readonly number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
const varOf = (v: readonly number[]): number => {
  const m = meanOf(v);
  return v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1);
};

/** Upper chi-square quantile for k degrees of freedom at z standard deviations (Wilson–Hilferty). */
const chiSquareBound = (k: number, z = 4): number => k * (1 - 2 / (9 * k) + z * Math.sqrt(2 / (9 * k))) ** 3;

/** Pearson's statistic of observed counts against expected probabilities. */
function chiSquare(samples: readonly number[], probs: readonly number[]): number {
  const counts = probs.map(() => 0);
  for (const s of samples) counts[s]!++;
  return probs.reduce((acc, p, j) => acc + (counts[j]! - samples.length * p) ** 2 / (samples.length * p), 0);
}

describe('random ops', () => {
  it('randomUniformInt: int32 in [minval, maxval), exactly the seeded Philox draws, uniform by chi-square', () => {
    const before = memory().numTensors;
    const t = randomUniformInt([3, 4], -5, 7, 11);
    expect(t.dtype).toBe('int32');
    expect(t.shape).toEqual([3, 4]);
    expect(take(t)).toEqual(Array.from({ length: 12 }, (_, i) => -5 + ((pair(11, i)[0] * 2 ** 53) % 12)));
    const n = 20000;
    const v = take(randomUniformInt([n], 0, 10, 3));
    expect(Math.min(...v)).toBe(0);
    expect(Math.max(...v)).toBe(9);
    expect(chiSquare(v, Array(10).fill(0.1))).toBeLessThan(chiSquareBound(9));
    // The full int32 range: bounds kept, both halves drawn.
    const wide = take(randomUniformInt([2000], -(2 ** 31), 2 ** 31, 4));
    expect(wide.every((x) => Number.isInteger(x) && x >= -(2 ** 31) && x < 2 ** 31)).toBe(true);
    const negatives = wide.filter((x) => x < 0).length;
    expect(Math.abs(negatives - 1000)).toBeLessThan(4 * Math.sqrt(2000 * 0.25));
    expect(take(randomUniformInt([0, 3], 0, 2))).toEqual([]);
    expect(take(randomUniformInt([], 4, 5))).toEqual([4]);
    expect(memory().numTensors).toBe(before);
  });

  it('randomStandardNormal: mean 0 and variance 1 within 4 standard errors; int32 floors', () => {
    const n = 20000;
    const z = take(randomStandardNormal([n], 'float32', 8));
    expect(Math.abs(meanOf(z))).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(varOf(z) - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    // The same numbers as randomNormal's stream: Box–Muller on the element's pair.
    const first = take(randomStandardNormal([5], 'float32', 8));
    expect(first).toEqual(
      Array.from({ length: 5 }, (_, i) => {
        const [u1, u2] = pair(8, i);
        return Math.fround(Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2));
      }),
    );
    const ints = randomStandardNormal([5], 'int32', 8);
    expect(ints.dtype).toBe('int32');
    expect(take(ints)).toEqual(first.map(Math.floor));
  });

  it('rand: calls the function once per element in order, for float32, int32 and bool', () => {
    let k = 0;
    expect(take(rand([2, 3], () => k++ + 0.5))).toEqual([0.5, 1.5, 2.5, 3.5, 4.5, 5.5]);
    k = 0;
    const ints = rand([4], () => k++ * 1.5 - 2, 'int32');
    expect(ints.dtype).toBe('int32');
    expect(take(ints)).toEqual([-2, 0, 1, 2]);
    const bools = rand(
      [4],
      (() => {
        const seq = [0, 2, Number.NaN, -0.5];
        let j = 0;
        return () => seq[j++]!;
      })(),
      'bool',
    );
    expect(bools.dtype).toBe('bool');
    expect(take(bools)).toEqual([0, 1, 0, 1]);
  });

  it('multinomial: the first outcome whose cumulative softmax exceeds the seeded draw; frequencies by chi-square', () => {
    const before = memory().numTensors;
    const logitValues = [0.3, -1.2, 2.0, 0.5];
    const logits = tensor([logitValues, [1, 1, 1, 1]]);
    const n = 5000;
    const draws = multinomial(logits, n, 21);
    expect(draws.dtype).toBe('int32');
    expect(draws.shape).toEqual([2, n]);
    const v = take(draws);
    const f = logitValues.map(Math.fround);
    const max = Math.max(...f);
    const total = f.reduce((s, l) => s + Math.exp(l - max), 0);
    const probs = f.map((l) => Math.exp(l - max) / total);
    expect(chiSquare(v.slice(0, n), probs)).toBeLessThan(chiSquareBound(3));
    expect(chiSquare(v.slice(n), [0.25, 0.25, 0.25, 0.25])).toBeLessThan(chiSquareBound(3));
    // Each draw exactly: the inverse CDF of the row at the element's Philox uniform.
    const cdf = probs.map((_, j) => probs.slice(0, j + 1).reduce((s, p) => s + p, 0));
    const expected = Array.from({ length: 50 }, (_, i) => {
      const j = cdf.findIndex((c) => pair(21, i)[0] < c);
      return j < 0 ? 3 : j;
    });
    expect(v.slice(0, 50)).toEqual(expected);
    logits.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('multinomial: −Inf never drawn, NaN or +Inf rows give the last outcome (as tfjs), rank 1, normalized probabilities', () => {
    const special = tensor([
      [Number.NEGATIVE_INFINITY, 0, Number.NEGATIVE_INFINITY],
      [0, Number.NaN, 0],
      [0, Number.POSITIVE_INFINITY, 0],
      [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY],
    ]);
    const v = take(multinomial(special, 200, 5));
    expect(v.slice(0, 200).every((x) => x === 1)).toBe(true);
    expect(v.slice(200).every((x) => x === 2)).toBe(true);
    special.dispose();
    const one = multinomial([0, 0], 1000, 6);
    expect(one.shape).toEqual([1000]);
    const ones = take(one).filter((x) => x === 1).length;
    expect(Math.abs(ones - 500)).toBeLessThan(4 * Math.sqrt(1000 * 0.25));
    // normalized: probabilities as given (0.1, 0.9), not a softmax of them.
    const p = take(multinomial([0.1, 0.9], 4000, 7, true));
    expect(chiSquare(p, [0.1, 0.9])).toBeLessThan(chiSquareBound(1));
    expect(take(multinomial([[0, 1]], 0, 1))).toEqual([]);
  });

  it('randomGamma: Marsaglia–Tsang moments (mean α/β, variance α/β²) for α ≥ 1 and, with the boost, α < 1', () => {
    const n = 20000;
    for (const [alpha, beta, seed] of [
      [2.5, 2, 1],
      [0.3, 1, 2],
      [1, 0.5, 3],
    ] as const) {
      const g = take(randomGamma([n], alpha, beta, 'float32', seed));
      expect(g.every((x) => x >= 0 && Number.isFinite(x))).toBe(true);
      const mean = alpha / beta;
      const variance = alpha / beta ** 2;
      expect(Math.abs(meanOf(g) - mean)).toBeLessThan(4 * Math.sqrt(variance / n));
      // The sample variance's standard error: σ² √((2 + 6/α) / n) (gamma's excess kurtosis is 6/α).
      expect(Math.abs(varOf(g) - variance)).toBeLessThan(4 * variance * Math.sqrt((2 + 6 / alpha) / n));
    }
    const ints = randomGamma([2000], 10, 1, 'int32', 4);
    expect(ints.dtype).toBe('int32');
    const iv = take(ints);
    expect(iv.every((x) => Number.isInteger(x))).toBe(true);
    expect(Math.abs(meanOf(iv) - 10)).toBeLessThan(4 * Math.sqrt(10 / 2000) + 0.1);
    expect(take(randomGamma([0], 2))).toEqual([]);
  });

  it('bernoulli: float32 0/1 with probability p, or per element from a probs tensor; p = 0 and 1 exact', () => {
    const n = 20000;
    const b = bernoulli([n], 0.3, 9);
    expect(b.dtype).toBe('float32');
    const v = take(b);
    expect(v.every((x) => x === 0 || x === 1)).toBe(true);
    expect(Math.abs(meanOf(v) - 0.3)).toBeLessThan(4 * Math.sqrt((0.3 * 0.7) / n));
    expect(v.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => (pair(9, i)[0] < 0.3 ? 1 : 0)));
    const probs = tensor([0, 1, 0.5, 0, 1, 0.5], [2, 3]);
    const rows = Array.from({ length: 2000 }, (_, s) => take(bernoulli(probs, s)));
    expect(rows.every((r) => r[0] === 0 && r[3] === 0 && r[1] === 1 && r[4] === 1)).toBe(true);
    const halves = rows.map((r) => r[2]!);
    expect(Math.abs(meanOf(halves) - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / 2000));
    const shaped = bernoulli(probs, 3);
    expect(shaped.shape).toEqual([2, 3]);
    shaped.dispose();
    probs.dispose();
  });

  it('setSeed replays every op of the family; an explicit seed ignores the global sequence', () => {
    const draw = (): number[] => {
      const out = [
        take(randomUniformInt([8], 0, 100)),
        take(randomStandardNormal([8])),
        take(multinomial([1, 2, 3], 8)),
        take(randomGamma([8], 0.7)),
        take(bernoulli([8], 0.5)),
      ];
      return out.flat();
    };
    setSeed(99);
    const a = draw();
    setSeed(99);
    expect(draw()).toEqual(a);
    setSeed(100);
    expect(draw()).not.toEqual(a);
    setSeed(1);
    const x = take(randomGamma([6], 2, 1, 'float32', 5));
    take(randomGamma([6], 2));
    expect(take(randomGamma([6], 2, 1, 'float32', 5))).toEqual(x);
  });

  it('bad arguments get errors naming the op and the value', () => {
    const before = memory().numTensors;
    expect(() => randomUniformInt([2], 5, 5)).toThrow(/randomUniformInt: maxval \(5\) must be greater than minval \(5\)/);
    expect(() => randomUniformInt([2], 0.5, 3)).toThrow(/randomUniformInt: minval must be an integer .* got 0\.5/);
    expect(() => randomUniformInt([2], 0, 2 ** 40)).toThrow(/randomUniformInt: maxval must be an integer .* got 1099511627776/);
    expect(() => randomUniformInt([2, -1], 0, 3)).toThrow(/randomUniformInt: shape \[2, ?-1\] has an invalid dimension -1/);
    expect(() => randomUniformInt(3 as unknown as number[], 0, 3)).toThrow(/randomUniformInt: shape must be an array .* got number/);
    expect(() => randomUniformInt([2], 0, 3, -1)).toThrow(/seed must be a non-negative safe integer, got -1/);
    expect(() => randomStandardNormal([2], 'bool' as 'float32')).toThrow(/randomStandardNormal: dtype must be 'float32' or 'int32', got "bool"/);
    expect(() => rand([2], 3 as unknown as () => number)).toThrow(/rand: randFunction must be a function/);
    expect(() => rand([2], () => 'x' as unknown as number)).toThrow(/rand: randFunction returned string for element 0/);
    expect(() => rand([2], () => 1, 'complex64' as 'float32')).toThrow(/rand: dtype must be 'float32', 'int32' or 'bool', got "complex64"/);
    const rank3 = tensor([[[1, 2]]]);
    expect(() => multinomial(rank3, 2)).toThrow(/multinomial: logits must be \[numOutcomes\] or \[batch, numOutcomes\], got shape \[1, ?1, ?2\]/);
    rank3.dispose();
    expect(() => multinomial([3], 2)).toThrow(/multinomial: logits of shape \[1\] have 1 outcome\(s\) .* at least 2/);
    expect(() => multinomial([1, 2], -1)).toThrow(/multinomial: numSamples must be a non-negative integer, got -1/);
    expect(() => multinomial([1, 2], 2.5)).toThrow(/multinomial: numSamples must be a non-negative integer, got 2\.5/);
    expect(() => randomGamma([2], 0)).toThrow(/randomGamma: alpha \(the shape parameter\) must be a finite number > 0, got 0/);
    expect(() => randomGamma([2], 1, -2)).toThrow(/randomGamma: beta \(the rate, 1 \/ scale\) must be a finite number > 0, got -2/);
    expect(() => randomGamma([2], 1, 1, 'bool' as 'float32')).toThrow(/randomGamma: dtype must be 'float32' or 'int32', got "bool"/);
    expect(() => bernoulli([2], 1.5)).toThrow(/bernoulli: p must be a probability in \[0, 1\], got 1\.5/);
    expect(() => bernoulli([2], Number.NaN)).toThrow(/bernoulli: p must be a probability in \[0, 1\], got NaN/);
    const probs = tensor([0.2, -0.1]);
    expect(() => bernoulli(probs)).toThrow(/bernoulli: probability -0\.1\d* at position 1 of probs \(shape \[2\]\) is outside \[0, 1\]/);
    expect(() => (bernoulli as (...args: unknown[]) => unknown)(probs, 1, 2)).toThrow(/bernoulli: with a probs tensor pass bernoulli\(probs, seed\?\)/);
    probs.dispose();
    const ints = tensor([0, 1], [2], 'int32');
    expect(() => bernoulli(ints)).toThrow(/bernoulli: probs have dtype int32 but must be float32/);
    ints.dispose();
    expect(memory().numTensors).toBe(before);
  });
});
