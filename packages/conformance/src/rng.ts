import { FLT_MIN, FLT_TRUE_MIN } from './float.js';

/** 32-bit FNV-1a of a string: per-case seeds derive from case names, so filtering never shifts other cases' inputs. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A small seeded generator (sfc32). Every randomized input in the suite comes
 * from one of these, so a run is reproducible from its seed.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | string) {
    const s = typeof seed === 'string' ? hashString(seed) : seed >>> 0;
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = s;
    for (let i = 0; i < 15; i++) this.nextU32();
  }

  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform float32 in [lo, hi). */
  float(lo: number, hi: number): number {
    return Math.fround(lo + (hi - lo) * this.next());
  }

  /** Uniform integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  bool(p = 0.5): boolean {
    return this.next() < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }

  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs;
  }

  /** Standard normal (Box–Muller), rounded to float32. */
  normal(mean = 0, std = 1): number {
    const u1 = 1 - this.next();
    const u2 = this.next();
    return Math.fround(mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
  }

  /** float32 with a log-uniform magnitude in [2^minExp, 2^maxExp) and a random sign. */
  logUniform(minExp: number, maxExp: number, signed = true): number {
    const e = minExp + (maxExp - minExp) * this.next();
    const v = Math.fround(2 ** e);
    return signed && this.bool() ? -v : v;
  }

  /** A float32 subnormal. */
  subnormal(): number {
    const k = 1 + Math.floor(this.next() * (2 ** 23 - 1));
    const v = Math.fround(k * FLT_TRUE_MIN);
    return v < FLT_MIN ? (this.bool() ? -v : v) : FLT_TRUE_MIN;
  }

  /** An array of `n` values from `gen`. */
  array(n: number, gen: (r: Rng, i: number) => number): number[] {
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = gen(this, i);
    return out;
  }

  /** A random shape of the given rank whose size is at most `maxSize` (dims ≥ 1 unless allowZero). */
  shape(rank: number, maxSize: number, maxDim = 6): number[] {
    const shape: number[] = [];
    let size = 1;
    for (let i = 0; i < rank; i++) {
      const cap = Math.max(1, Math.min(maxDim, Math.floor(maxSize / size)));
      const d = this.int(1, cap);
      shape.push(d);
      size *= d;
    }
    return shape;
  }
}
