import type { DType } from '../backend/types.js';
import { sizeOf } from '../backend/types.js';
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { assertValidShape } from '../util/shape.js';
import { philox4x32, toUnitDouble } from './philox.js';

/**
 * The host generator. Each random op draws a fresh stream number; element i of
 * that op uses Philox counter (i, attempt, stream, 0) under the seed's key, so
 * results never depend on the backend or on how work is split.
 */
class HostRandom {
  private seedLo = 0x2545f491;
  private seedHi = 0;
  private stream = 0;

  setSeed(seed: number): void {
    checkSeed('setSeed', seed);
    this.seedLo = seed >>> 0;
    this.seedHi = Math.floor(seed / 4294967296) >>> 0;
    this.stream = 0;
  }

  getState(): RandomState {
    return { seed: this.seedLo + this.seedHi * 4294967296, stream: this.stream };
  }

  setState(state: RandomState): void {
    if (state === null || typeof state !== 'object') throw new PolytensorError('setRandomState: expected { seed, stream }, as getRandomState returns');
    checkSeed('setRandomState', state.seed);
    if (!Number.isInteger(state.stream) || state.stream < 0 || state.stream > 0xffffffff) {
      throw new PolytensorError(`setRandomState: stream must be an integer in [0, 2^32), got ${String(state.stream)}`);
    }
    this.setSeed(state.seed);
    this.stream = state.stream;
  }

  /** A key and stream for one op: the explicit seed (stream 0) or the global sequence. */
  next(seed: number | undefined): Stream {
    if (seed !== undefined) {
      checkSeed('random', seed);
      return new Stream(seed >>> 0, Math.floor(seed / 4294967296) >>> 0, 0);
    }
    return new Stream(this.seedLo, this.seedHi, ++this.stream);
  }
}

function checkSeed(op: string, seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new PolytensorError(`${op}: seed must be a non-negative safe integer, got ${seed}`);
  }
}

/** Random numbers of one op. */
export class Stream {
  private readonly block = new Uint32Array(4);
  constructor(
    private readonly k0: number,
    private readonly k1: number,
    private readonly id: number,
  ) {}

  /** Two independent doubles in [0, 1) for element `i`, attempt `attempt`. */
  uniformPair(i: number, attempt = 0): [number, number] {
    philox4x32(i >>> 0, attempt >>> 0, this.id >>> 0, Math.floor(i / 4294967296) >>> 0, this.k0, this.k1, this.block);
    return [toUnitDouble(this.block[0]!, this.block[1]!), toUnitDouble(this.block[2]!, this.block[3]!)];
  }

  uniform(i: number): number {
    return this.uniformPair(i)[0];
  }

  /** A standard normal for element i (Box-Muller on the pair; 1 - u keeps the log finite). */
  normal(i: number, attempt = 0): number {
    const [u1, u2] = this.uniformPair(i, attempt);
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }
}

const RNG = new HostRandom();

/** Reset the global seed: every later random op (weights, dropout, shuffles) replays identically. */
export function setSeed(seed: number): void {
  RNG.setSeed(seed);
}

/**
 * Where the global random sequence stands: the seed and how many streams
 * (random ops, dropout masks, shuffles) have been drawn since setSeed. Plain
 * numbers, so it can be written to JSON with a checkpoint.
 */
export interface RandomState {
  readonly seed: number;
  readonly stream: number;
}

/** The global generator's state, for checkpoints (see setRandomState). */
export function getRandomState(): RandomState {
  return RNG.getState();
}

/**
 * Put the global generator back where getRandomState found it: with the
 * weights and optimizer state restored too, training resumed from a
 * checkpoint draws the same dropout masks and shuffles as an uninterrupted run.
 */
export function setRandomState(state: RandomState): void {
  RNG.setState(state);
}

/** @internal a stream for code outside core ops (datasets, layers). */
export function randomStream(seed?: number): Stream {
  return RNG.next(seed);
}

/** @internal a host-filled tensor of `shape`: element i is gen(i) (floored for int32). */
export function fillTensor(op: string, shape: readonly number[], dtype: DType, gen: (i: number) => number): Tensor {
  assertValidShape(op, shape);
  if (dtype === 'bool') throw new PolytensorError(`${op}: dtype must be 'float32' or 'int32', got 'bool'`);
  const n = sizeOf(shape);
  const values = ENGINE.hostValues(op, shape, dtype);
  for (let i = 0; i < n; i++) values[i] = dtype === 'int32' ? Math.floor(gen(i)) : gen(i);
  return ENGINE.makeTensor(values, shape, dtype, op);
}

/** Uniform on [minval, maxval). For int32, integers in [minval, maxval). */
export function randomUniform(shape: readonly number[], minval = 0, maxval = 1, dtype: DType = 'float32', seed?: number): Tensor {
  if (!(maxval > minval)) throw new PolytensorError(`randomUniform: maxval (${maxval}) must be greater than minval (${minval})`);
  const s = RNG.next(seed);
  return fillTensor('randomUniform', shape, dtype, (i) => {
    const v = minval + (maxval - minval) * s.uniform(i);
    // Rounding to float32 can reach maxval; keep the interval half-open.
    return Math.fround(v) >= maxval ? minval : v;
  });
}

/** Normal with the given mean and standard deviation. */
export function randomNormal(shape: readonly number[], mean = 0, stddev = 1, dtype: DType = 'float32', seed?: number): Tensor {
  if (!(stddev >= 0)) throw new PolytensorError(`randomNormal: stddev must be ≥ 0, got ${stddev}`);
  const s = RNG.next(seed);
  return fillTensor('randomNormal', shape, dtype, (i) => mean + stddev * s.normal(i));
}

/** Normal, redrawn until within two standard deviations of the mean (TensorFlow's definition). */
export function truncatedNormal(shape: readonly number[], mean = 0, stddev = 1, dtype: DType = 'float32', seed?: number): Tensor {
  if (!(stddev >= 0)) throw new PolytensorError(`truncatedNormal: stddev must be ≥ 0, got ${stddev}`);
  const s = RNG.next(seed);
  return fillTensor('truncatedNormal', shape, dtype, (i) => {
    for (let attempt = 0; ; attempt++) {
      const z = s.normal(i, attempt);
      if (Math.abs(z) <= 2) return mean + stddev * z;
    }
  });
}

/**
 * A seeded permutation: shuffle(n) returns a permutation of 0..n-1 as an Int32Array;
 * shuffle(array) returns a shuffled copy. Fisher–Yates with Philox draws.
 */
export function shuffle(n: number, seed?: number): Int32Array;
export function shuffle<T>(array: readonly T[], seed?: number): T[];
export function shuffle<T>(input: number | readonly T[], seed?: number): Int32Array | T[] {
  const s = RNG.next(seed);
  const perm = (len: number): Int32Array => {
    const p = new Int32Array(len);
    for (let i = 0; i < len; i++) p[i] = i;
    for (let i = len - 1; i > 0; i--) {
      const j = Math.floor(s.uniform(i) * (i + 1));
      const tmp = p[i]!;
      p[i] = p[j]!;
      p[j] = tmp;
    }
    return p;
  };
  if (typeof input === 'number') {
    if (!Number.isInteger(input) || input < 0) throw new PolytensorError(`shuffle: n must be a non-negative integer, got ${input}`);
    return perm(input);
  }
  if (!Array.isArray(input)) throw new PolytensorError('shuffle: pass a length or an array');
  return Array.from(perm(input.length), (i) => input[i]!);
}
