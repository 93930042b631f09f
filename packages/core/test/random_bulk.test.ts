// The bulk Philox path (WebAssembly SIMD, eight counters per iteration, or JS,
// four per iteration; runs of elements per call)
// against the scalar generator as it was before it: a copy of the old
// philox.ts (mulHi by 16-bit halves, one block per call) and the old per-element
// definitions of every op that draws from the stream. Every value must be
// bit-identical, for seeds past 2^32, stream ids up to 2^32 - 1, counters
// past 2^32 (the c3 word), runs that are not a multiple of four and runs
// longer than one 4096-element chunk.
import { afterAll, describe, expect, it } from 'vitest';
import { philoxFloat32Run, usePhiloxSimd } from '../src/random/philox.js';
import {
  bernoulli,
  dropout,
  multinomial,
  ones,
  randomGamma,
  randomNormal,
  randomStandardNormal,
  randomStream,
  randomUniform,
  randomUniformInt,
  getRandomState,
  setRandomState,
  setSeed,
  shuffle,
  tensor,
  truncatedNormal,
  type Tensor,
} from './helpers.js';

// ---- the old scalar generator (philox.ts and random.ts' Stream before the bulk path) ----

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

function mulHi(a: number, b: number): number {
  const ah = a >>> 16;
  const al = a & 0xffff;
  const bh = b >>> 16;
  const bl = b & 0xffff;
  const mid = ah * bl + al * bh;
  const low = al * bl;
  return (ah * bh + Math.floor((mid * 65536 + low) / 4294967296)) >>> 0;
}

function oldPhilox(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array): void {
  let x0 = c0 >>> 0;
  let x1 = c1 >>> 0;
  let x2 = c2 >>> 0;
  let x3 = c3 >>> 0;
  let key0 = k0 >>> 0;
  let key1 = k1 >>> 0;
  for (let round = 0; round < 10; round++) {
    const hi0 = mulHi(M0, x0);
    const lo0 = Math.imul(M0, x0) >>> 0;
    const hi1 = mulHi(M1, x2);
    const lo1 = Math.imul(M1, x2) >>> 0;
    x0 = (hi1 ^ x1 ^ key0) >>> 0;
    x1 = lo1;
    x2 = (hi0 ^ x3 ^ key1) >>> 0;
    x3 = lo0;
    key0 = (key0 + W0) >>> 0;
    key1 = (key1 + W1) >>> 0;
  }
  out[0] = x0;
  out[1] = x1;
  out[2] = x2;
  out[3] = x3;
}

const toUnitDouble = (hi: number, lo: number): number => ((hi >>> 5) * 67108864 + (lo >>> 6)) / 9007199254740992;

class OldStream {
  private readonly block = new Uint32Array(4);
  /** An explicit seed's stream is id 0; the global sequence's n-th op is id n. */
  constructor(
    seed: number,
    private readonly id = 0,
  ) {
    this.k0 = seed >>> 0;
    this.k1 = Math.floor(seed / 4294967296) >>> 0;
  }
  private readonly k0: number;
  private readonly k1: number;
  uniformPair(i: number, attempt = 0): [number, number] {
    oldPhilox(i >>> 0, attempt >>> 0, this.id >>> 0, Math.floor(i / 4294967296) >>> 0, this.k0, this.k1, this.block);
    return [toUnitDouble(this.block[0]!, this.block[1]!), toUnitDouble(this.block[2]!, this.block[3]!)];
  }
  uniform(i: number): number {
    return this.uniformPair(i)[0];
  }
  normal(i: number, attempt = 0): number {
    const [u1, u2] = this.uniformPair(i, attempt);
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }
}

// ---- the old ops, element by element (float32 outputs rounded with fround, int32 floored) ----

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const f32 = (v: number[]): number[] => v.map(Math.fround);

function oldUniform(s: OldStream, n: number, minval: number, maxval: number, int: boolean): number[] {
  return range(n).map((i) => {
    const v = minval + (maxval - minval) * s.uniform(i);
    const w = Math.fround(v) >= maxval ? minval : v;
    return int ? Math.floor(w) : Math.fround(w);
  });
}

/** Normals as doubles, before the float32 store (f32) or the int32 floor. */
const oldNormal = (s: OldStream, n: number, mean: number, sd: number): number[] => range(n).map((i) => mean + sd * s.normal(i));

function oldTruncated(s: OldStream, n: number, mean: number, sd: number): number[] {
  return range(n).map((i) => {
    for (let attempt = 0; ; attempt++) {
      const z = s.normal(i, attempt);
      if (Math.abs(z) <= 2) return mean + sd * z;
    }
  });
}

function oldUniformInt(s: OldStream, n: number, minval: number, maxval: number): number[] {
  const TWO_53 = 9007199254740992;
  const span = maxval - minval;
  const limit = TWO_53 - (TWO_53 % span);
  return range(n).map((i) => {
    for (let attempt = 0; ; attempt++) {
      const k = s.uniformPair(i, attempt)[0] * TWO_53;
      if (k < limit) return minval + (k % span);
    }
  });
}

function oldShuffle(s: OldStream, len: number): number[] {
  const p = range(len);
  for (let i = len - 1; i > 0; i--) {
    const j = Math.floor(s.uniform(i) * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

function oldGamma(s: OldStream, n: number, alpha: number, beta: number): number[] {
  const boost = alpha < 1;
  const d = (boost ? alpha + 1 : alpha) - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  return f32(
    range(n).map((i) => {
      for (let attempt = 0; ; attempt++) {
        const x = s.normal(i, 2 * attempt);
        const t = 1 + c * x;
        if (t <= 0) continue;
        const v = t * t * t;
        const [u, ub] = s.uniformPair(i, 2 * attempt + 1);
        const x2 = x * x;
        if (u < 1 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) {
          return (boost ? d * v * (1 - ub) ** (1 / alpha) : d * v) / beta;
        }
      }
    }),
  );
}

/** Read a tensor's values and free it. */
const take = (t: Tensor): number[] => {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
};

/** Seeds: small, with a high word (≥ 2^32), and the largest safe integer. */
const SEEDS = [0, 7, 0xffffffff, 2 ** 32, 2 ** 32 + 12345, 2 ** 53 - 1];

afterAll(() => usePhiloxSimd(true));

describe.each([
  ['WebAssembly SIMD', true],
  ['JS', false],
])('bulk Philox path (%s kernel) equals the old scalar generator bit for bit', (_, simd) => {
  it(`runs on the ${simd ? 'SIMD' : 'JS'} kernel`, () => {
    // Node 20 has WebAssembly SIMD, so the default path is the wasm kernel here.
    expect(usePhiloxSimd(simd)).toBe(simd);
  });

  it('Stream.uniforms (both doubles of the pair) and Stream.normals over many counters, seeds, attempts and starts', () => {
    const starts = [0, 1, 3, 4093, 2 ** 31 - 2, 2 ** 32 - 5, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 7, 3 * 2 ** 32 - 2, 2 ** 40 + 3, 2 ** 53 - 64];
    const counts = [1, 2, 3, 4, 5, 7, 9, 37];
    let checked = 0;
    for (const seed of SEEDS) {
      const ours = randomStream(seed);
      const old = new OldStream(seed);
      for (const start of starts) {
        for (const count of counts) {
          for (const attempt of [0, 1, 0xffffffff]) {
            const u1 = new Float64Array(count);
            const u2 = new Float64Array(count);
            ours.uniforms(start, count, u1, attempt, u2);
            const z = new Float64Array(count);
            ours.normals(start, count, z, attempt);
            for (let j = 0; j < count; j++) {
              const [e1, e2] = old.uniformPair(start + j, attempt);
              expect([u1[j], u2[j], z[j]]).toEqual([e1, e2, old.normal(start + j, attempt)]);
              // The scalar methods stay the same too.
              expect([ours.uniform(start + j, attempt), ours.normal(start + j, attempt)]).toEqual([e1, old.normal(start + j, attempt)]);
              checked++;
            }
          }
        }
      }
    }
    expect(checked).toBe(SEEDS.length * 12 * 68 * 3);
  });

  it('long runs: a whole run equals the old draws across chunks, and a run is the same however it is split', () => {
    const n = 9001; // more than two 4096-element chunks, not a multiple of 4
    const ours = randomStream(2 ** 32 + 99);
    const old = new OldStream(2 ** 32 + 99);
    const start = 2 ** 32 - 5000; // the run crosses into c3 = 1 partway
    const whole = new Float64Array(n);
    const normals = new Float64Array(n);
    ours.uniforms(start, n, whole);
    ours.normals(start, n, normals);
    for (let j = 0; j < n; j++) {
      expect(whole[j]).toBe(old.uniform(start + j));
      expect(normals[j]).toBe(old.normal(start + j));
    }
    const pieces = new Float64Array(n);
    const lengths = [1, 3, 2, 7, 4, 5, 4097, 11];
    for (let at = 0, k = 0; at < n; k++) {
      const count = Math.min(lengths[k % lengths.length]!, n - at);
      const part = new Float64Array(count);
      ours.uniforms(start + at, count, part);
      pieces.set(part, at);
      at += count;
    }
    expect(Array.from(pieces)).toEqual(Array.from(whole));
  });

  it('float32 runs (kernel philoxUniform on the host): uniforms rounded to float32 with 1 → 0, and dropout masks', () => {
    const f32of = (u: number): number => {
      const f = Math.fround(u);
      return f >= 1 ? 0 : f;
    };
    const mask = { threshold: Math.fround(0.3), scale: Math.fround(1 / Math.fround(0.7)) };
    const check = (seed: number, stream: number, start: number, count: number): void => {
      const old = new OldStream(seed, stream);
      const k0 = seed >>> 0;
      const k1 = Math.floor(seed / 2 ** 32) >>> 0;
      const u = new Float32Array(count + 2).fill(-1);
      const m = new Float32Array(count + 2).fill(-1);
      philoxFloat32Run(k0, k1, stream, start, count, u, 1, null);
      philoxFloat32Run(k0, k1, stream, start, count, m, 1, mask);
      const want = range(count).map((j) => f32of(old.uniform(start + j)));
      expect(Array.from(u.subarray(1, count + 1))).toEqual(want);
      expect(Array.from(m.subarray(1, count + 1))).toEqual(want.map((f) => (f >= mask.threshold ? mask.scale : 0)));
      // nothing written outside out[at … at + count)
      expect([u[0], u[count + 1], m[0], m[count + 1]]).toEqual([-1, -1, -1, -1]);
    };
    for (const seed of SEEDS)
      for (const start of [0, 5, 2 ** 32 - 11, 2 ** 40 + 1]) for (const count of [1, 7, 8, 9, 4096 + 13]) check(seed, seed % 5, start, count);
    // Elements found by scanning the stream: 858091 of seed 11 rounds up to 1 (so 0); 922854 of seed 13 and
    // 804312 of seed 50 lie exactly halfway between two float32 values (ties to even: up, then down).
    for (const [seed, i] of [
      [11, 858091],
      [13, 922854],
      [50, 804312],
    ] as const) {
      check(seed, 0, i - 20, 41);
      const old = new OldStream(seed, 0);
      const f = Math.fround(old.uniform(i));
      expect(seed === 11 ? f === 1 : Math.abs(f - old.uniform(i)) > 0).toBe(true);
    }
  });

  it('randomUniform, randomNormal, truncatedNormal, randomStandardNormal with explicit seeds, float32 and int32', () => {
    const n = 4096 + 4096 + 13; // three runs, the last one short and not a multiple of 4
    for (const seed of [3, 2 ** 32 + 5]) {
      const old = new OldStream(seed);
      expect(take(randomUniform([n], -2, 3, 'float32', seed))).toEqual(oldUniform(old, n, -2, 3, false));
      expect(take(randomUniform([7, 11], 0, 10, 'int32', seed))).toEqual(oldUniform(old, 77, 0, 10, true));
      // A range where float32 rounding reaches maxval: the half-open fix-up must pick the same elements.
      expect(take(randomUniform([n], 1, 1 + 2 ** -20, 'float32', seed))).toEqual(oldUniform(old, n, 1, 1 + 2 ** -20, false));
      expect(take(randomNormal([n], 0.5, 2, 'float32', seed))).toEqual(f32(oldNormal(old, n, 0.5, 2)));
      expect(take(randomNormal([99], 0, 10, 'int32', seed))).toEqual(oldNormal(old, 99, 0, 10).map(Math.floor));
      expect(take(randomStandardNormal([5, 3], 'float32', seed))).toEqual(f32(oldNormal(old, 15, 0, 1)));
      // About 4.6% of elements redraw (attempt 1, 2, …), several per run.
      expect(take(truncatedNormal([n], -1, 0.1, 'float32', seed))).toEqual(f32(oldTruncated(old, n, -1, 0.1)));
      expect(take(truncatedNormal([99], 0, 3, 'int32', seed))).toEqual(oldTruncated(old, 99, 0, 3).map(Math.floor));
    }
  });

  it('the global sequence: stream ids up to 2^32 - 1 under a seed past 2^32', () => {
    const seed = 2 ** 33 + 17;
    setRandomState({ seed, stream: 2 ** 32 - 4 });
    const a = take(randomUniform([100]));
    const b = take(randomNormal([100]));
    const c = take(truncatedNormal([100]));
    expect(a).toEqual(oldUniform(new OldStream(seed, 2 ** 32 - 3), 100, 0, 1, false));
    expect(b).toEqual(f32(oldNormal(new OldStream(seed, 2 ** 32 - 2), 100, 0, 1)));
    expect(c).toEqual(f32(oldTruncated(new OldStream(seed, 2 ** 32 - 1), 100, 0, 1)));
    // The next stream would wrap onto stream 0 (the explicit seeds') and repeat: a clear error instead,
    // and the state stays one setRandomState accepts.
    expect(() => shuffle(100)).toThrow(/random: the global random sequence is exhausted .*call setSeed/);
    expect(() => randomUniform([3])).toThrow(/exhausted/);
    const state = getRandomState();
    expect(state).toEqual({ seed, stream: 2 ** 32 - 1 });
    setRandomState(state);
    setSeed(seed);
    expect(Array.from(shuffle(100))).toEqual(oldShuffle(new OldStream(seed, 1), 100));
  });

  it('randomUniformInt, bernoulli, multinomial, shuffle, randomGamma and dropout masks', () => {
    for (const seed of [11, 2 ** 32 + 1]) {
      const old = new OldStream(seed);
      expect(take(randomUniformInt([5000], -7, 1000, seed))).toEqual(oldUniformInt(old, 5000, -7, 1000));
      expect(take(randomUniformInt([301], -(2 ** 31), 2 ** 31, seed))).toEqual(oldUniformInt(old, 301, -(2 ** 31), 2 ** 31));

      expect(take(bernoulli([4099], 0.3, seed))).toEqual(range(4099).map((i) => (old.uniform(i) < 0.3 ? 1 : 0)));
      const probs = range(4101).map((i) => Math.fround((i % 97) / 96));
      const p = tensor(probs, [4101]);
      expect(take(bernoulli(p, seed))).toEqual(range(4101).map((i) => (old.uniform(i) < probs[i]! ? 1 : 0)));
      p.dispose();

      // numSamples past one chunk: each row's draws continue at b·numSamples.
      const logits = [
        [0, Math.log(2), -1, 0.5],
        [3, 0, 0, -2],
      ];
      const samples = 4100;
      // The softmax is of the float32 logits, in float64 on the host.
      const cdfs = logits.map((row32) => {
        const row = f32(row32);
        const m = Math.max(...row);
        const e = row.map((v) => Math.exp(v - m));
        const total = e.reduce((x, y) => x + y, 0);
        let acc = 0;
        return e.map((v) => (acc += v / total));
      });
      const expected = cdfs.flatMap((cdf, b) =>
        range(samples).map((n) => {
          const u = old.uniform(b * samples + n);
          const j = cdf.findIndex((c) => u < c);
          return j < 0 ? cdf.length - 1 : j;
        }),
      );
      const lg = tensor(logits);
      expect(take(multinomial(lg, samples, seed))).toEqual(expected);
      lg.dispose();

      for (const len of [0, 1, 2, 5, 4097, 10000]) expect(Array.from(shuffle(len, seed))).toEqual(oldShuffle(old, len));

      expect(take(randomGamma([500], 0.4, 2, 'float32', seed))).toEqual(oldGamma(old, 500, 0.4, 2));
      expect(take(randomGamma([500], 3.5, 1, 'float32', seed))).toEqual(oldGamma(old, 500, 3.5, 1));

      // dropout keeps element i iff its float32 uniform ≥ float32(rate), as the old randomUniform mask gave.
      const x = ones([50, 7, 7, 3]);
      const values = take(dropout(x, 0.25, seed));
      x.dispose();
      expect(values.map((v) => v !== 0)).toEqual(oldUniform(old, 7350, 0, 1, false).map((u) => u >= Math.fround(0.25)));
      // survivors scaled by float32(1 / float32(1 - rate)), as keep / (1 - rate) on the backend gave
      expect(new Set(values)).toEqual(new Set([0, Math.fround(1 / Math.fround(0.75))]));
    }
  });
});
