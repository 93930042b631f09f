import type { PhiloxKey } from '../backend/kernels.js';
import type { DType } from '../backend/types.js';
import { sizeOf } from '../backend/types.js';
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { assertValidShape } from '../util/shape.js';
import { philox4x32, philoxUnitRun, toUnitDouble } from './philox.js';

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
    // Stream numbers are one Philox counter word: past 2^32 - 1 they would wrap onto
    // streams already drawn (and the explicit seeds' stream 0), repeating masks and shuffles.
    if (this.stream >= 0xffffffff) {
      throw new PolytensorError('random: the global random sequence is exhausted (2^32 - 1 random ops since setSeed); call setSeed(seed) to start a new one');
    }
    return new Stream(this.seedLo, this.seedHi, ++this.stream);
  }
}

function checkSeed(op: string, seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new PolytensorError(`${op}: seed must be a non-negative safe integer, got ${seed}`);
  }
}

/** Values per run of a bulk fill: small enough for the scratch arrays to stay in cache. */
const CHUNK = 4096;
/** The second double of each pair, for normals (a Stream's own scratch; callers pass theirs). */
const pairScratch = new Float64Array(CHUNK);

/**
 * Random numbers of one op: element i, attempt a is Philox block
 * (i, a, stream, ⌊i / 2^32⌋) under the seed's key. The scalar methods serve
 * code that draws a few values (shuffles of a stream, rejection redraws); the
 * bulk ones (`uniforms`, `normals`) fill a run of elements in one loop and
 * give exactly the same numbers.
 */
export class Stream {
  private readonly block = new Uint32Array(4);
  constructor(
    private readonly k0: number,
    private readonly k1: number,
    private readonly id: number,
  ) {}

  /** Where this stream lies in the generator: what kernel philoxUniform draws from. */
  get key(): PhiloxKey {
    return { k0: this.k0, k1: this.k1, stream: this.id };
  }

  private draw(i: number, attempt: number): Uint32Array {
    philox4x32(i >>> 0, attempt >>> 0, this.id >>> 0, Math.floor(i / 4294967296) >>> 0, this.k0, this.k1, this.block);
    return this.block;
  }

  /** Two independent doubles in [0, 1) for element `i`, attempt `attempt`. */
  uniformPair(i: number, attempt = 0): [number, number] {
    const b = this.draw(i, attempt);
    return [toUnitDouble(b[0]!, b[1]!), toUnitDouble(b[2]!, b[3]!)];
  }

  /** The first double of element `i`'s pair: uniform in [0, 1). */
  uniform(i: number, attempt = 0): number {
    const b = this.draw(i, attempt);
    return toUnitDouble(b[0]!, b[1]!);
  }

  /** A standard normal for element i (Box-Muller on the pair; 1 - u keeps the log finite). */
  normal(i: number, attempt = 0): number {
    const b = this.draw(i, attempt);
    return boxMuller(toUnitDouble(b[0]!, b[1]!), toUnitDouble(b[2]!, b[3]!));
  }

  /**
   * `out[j] = uniform(start + j, attempt)` for j < count, and the pair's
   * second double in `second[j]` when given: one tight loop, no allocation.
   * @example const u = new Float64Array(1000); randomStream(7).uniforms(0, 1000, u);
   */
  uniforms(start: number, count: number, out: Float64Array, attempt = 0, second?: Float64Array): void {
    philoxUnitRun(this.k0, this.k1, this.id, attempt, start, count, out, second);
  }

  /** `out[j] = normal(start + j, attempt)` for j < count. */
  normals(start: number, count: number, out: Float64Array, attempt = 0): void {
    for (let done = 0; done < count; done += CHUNK) {
      const n = Math.min(CHUNK, count - done);
      const u1 = done === 0 ? out : out.subarray(done);
      philoxUnitRun(this.k0, this.k1, this.id, attempt, start + done, n, u1, pairScratch);
      for (let j = 0; j < n; j++) u1[j] = boxMuller(u1[j]!, pairScratch[j]!);
    }
  }
}

/** Box–Muller's first output; 1 - u1 keeps the log finite. */
function boxMuller(u1: number, u2: number): number {
  return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
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
  return fillRuns(op, shape, dtype, (values, start, count) => {
    for (let i = start; i < start + count; i++) values[i] = dtype === 'int32' ? Math.floor(gen(i)) : gen(i);
  });
}

/**
 * @internal a host-filled tensor of `shape`, written in runs of at most 4096
 * elements: fill(values, start, count) writes values[start … start + count).
 * Runs let the op draw a whole run of Philox blocks at once into a scratch
 * array of the same length (`runScratch`).
 */
export function fillRuns(
  op: string,
  shape: readonly number[],
  dtype: DType,
  fill: (values: Float32Array | Int32Array, start: number, count: number) => void,
): Tensor {
  assertValidShape(op, shape);
  if (dtype === 'bool') throw new PolytensorError(`${op}: dtype must be 'float32' or 'int32', got 'bool'`);
  const n = sizeOf(shape);
  const values = ENGINE.hostValues(op, shape, dtype) as Float32Array | Int32Array;
  for (let start = 0; start < n; start += CHUNK) fill(values, start, Math.min(CHUNK, n - start));
  return ENGINE.makeTensor(values, shape, dtype, op);
}

/** @internal the scratch run for a fillRuns callback (CHUNK doubles; not reentrant). */
export const runScratch = new Float64Array(CHUNK);

/** Uniform on [minval, maxval). For int32, integers in [minval, maxval). */
export function randomUniform(shape: readonly number[], minval = 0, maxval = 1, dtype: DType = 'float32', seed?: number): Tensor {
  if (!(maxval > minval)) throw new PolytensorError(`randomUniform: maxval (${maxval}) must be greater than minval (${minval})`);
  const s = RNG.next(seed);
  if (minval === 0 && maxval === 1 && dtype === 'float32') {
    // The common case runs as a kernel: a GPU backend draws it where it is used (no upload).
    assertValidShape('randomUniform', shape);
    return ENGINE.runKernel('philoxUniform', [shape, s.key, null], 'randomUniform');
  }
  const range = maxval - minval;
  const u = runScratch;
  return fillRuns('randomUniform', shape, dtype, (values, start, count) => {
    s.uniforms(start, count, u);
    for (let j = 0; j < count; j++) {
      const v = minval + range * u[j]!;
      // Rounding to float32 can reach maxval; keep the interval half-open.
      const w = Math.fround(v) >= maxval ? minval : v;
      values[start + j] = dtype === 'int32' ? Math.floor(w) : w;
    }
  });
}

/**
 * @internal inverted dropout's scaled mask: element i is 1/(1 - rate) (in
 * float32) where randomUniform(shape, 0, 1, 'float32', seed) would give a
 * value ≥ rate (both compared in float32), else 0: the masks of earlier
 * versions. One kernel (philoxUniform): a GPU backend draws it in place, the
 * others take core's host draw and one upload.
 */
export function dropoutMask(shape: readonly number[], rate: number, seed?: number): Tensor {
  const s = RNG.next(seed);
  assertValidShape('dropout', shape);
  const dropout = { threshold: Math.fround(rate), scale: Math.fround(1 / Math.fround(1 - rate)) };
  return ENGINE.runKernel('philoxUniform', [shape, s.key, dropout], 'dropout');
}

/** Normal with the given mean and standard deviation. */
export function randomNormal(shape: readonly number[], mean = 0, stddev = 1, dtype: DType = 'float32', seed?: number): Tensor {
  if (!(stddev >= 0)) throw new PolytensorError(`randomNormal: stddev must be ≥ 0, got ${stddev}`);
  const s = RNG.next(seed);
  const z = runScratch;
  return fillRuns('randomNormal', shape, dtype, (values, start, count) => {
    s.normals(start, count, z);
    for (let j = 0; j < count; j++) {
      const v = mean + stddev * z[j]!;
      values[start + j] = dtype === 'int32' ? Math.floor(v) : v;
    }
  });
}

/** Normal, redrawn until within two standard deviations of the mean (TensorFlow's definition). */
export function truncatedNormal(shape: readonly number[], mean = 0, stddev = 1, dtype: DType = 'float32', seed?: number): Tensor {
  if (!(stddev >= 0)) throw new PolytensorError(`truncatedNormal: stddev must be ≥ 0, got ${stddev}`);
  const s = RNG.next(seed);
  const z = runScratch;
  return fillRuns('truncatedNormal', shape, dtype, (values, start, count) => {
    // Attempt 0 for the whole run; the ~4.6% outside ±2 redraw one by one with attempt 1, 2, …
    s.normals(start, count, z);
    for (let j = 0; j < count; j++) {
      let x = z[j]!;
      for (let attempt = 1; !(Math.abs(x) <= 2); attempt++) x = s.normal(start + j, attempt);
      const v = mean + stddev * x;
      values[start + j] = dtype === 'int32' ? Math.floor(v) : v;
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
    // Swaps run from the top down; draw the uniforms for elements lo … hi in one run.
    const u = runScratch;
    for (let hi = len - 1; hi > 0; hi -= CHUNK) {
      const lo = Math.max(1, hi - CHUNK + 1);
      s.uniforms(lo, hi - lo + 1, u);
      for (let i = hi; i >= lo; i--) {
        const j = Math.floor(u[i - lo]! * (i + 1));
        const tmp = p[i]!;
        p[i] = p[j]!;
        p[j] = tmp;
      }
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
