import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import { randomStream, runScratch } from '../random/random.js';
import { Tensor } from '../tensor.js';
import { sizeOf } from '../backend/types.js';
import { fmt } from '../util/shape.js';
import { checkShapeArg } from './random_util.js';

/**
 * Bernoulli samples as float32 0/1 (not in tfjs): element i is 1 when its
 * Philox draw u in [0, 1) is below its probability, so p = 0 never gives 1
 * and p = 1 always does. Either `bernoulli(shape, p, seed?)` with one
 * probability for every element, or `bernoulli(probs, seed?)` with a float32
 * tensor of per-element probabilities (the output has its shape). The
 * probabilities are read on the host, so the same seed gives the same samples
 * on every backend.
 * @example
 * bernoulli([2, 3], 0.25, 7)                 // float32 [2, 3] of 0 and 1
 * bernoulli(tensor([0.1, 0.9]), 7)            // float32 [2]
 */
export function bernoulli(shape: readonly number[], p: number, seed?: number): Tensor;
export function bernoulli(probs: Tensor, seed?: number): Tensor;
export function bernoulli(shapeOrProbs: readonly number[] | Tensor, pOrSeed?: number, maybeSeed?: number): Tensor {
  const op = 'bernoulli';
  let shape: readonly number[];
  let probs: Float32Array | null = null;
  let p = 0;
  let seed: number | undefined;
  if (shapeOrProbs instanceof Tensor) {
    shapeOrProbs.assertAlive(op);
    if (shapeOrProbs.dtype !== 'float32') {
      throw new PolytensorError(
        `${op}: probs have dtype ${shapeOrProbs.dtype} but must be float32 probabilities in [0, 1]; convert them with cast(probs, 'float32')`,
      );
    }
    if (maybeSeed !== undefined) {
      throw new PolytensorError(`${op}: with a probs tensor pass bernoulli(probs, seed?); the probability comes from the tensor, so there is no p argument`);
    }
    shape = shapeOrProbs.shape;
    seed = pOrSeed;
    const values = shapeOrProbs.dataSync();
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!(v >= 0 && v <= 1)) {
        throw new PolytensorError(
          `${op}: probability ${v} at position ${i} of probs (shape ${fmt(shape)}) is outside [0, 1]; clip it with minimum(maximum(probs, 0), 1)`,
        );
      }
    }
    probs = values as Float32Array;
  } else {
    shape = checkShapeArg(op, shapeOrProbs);
    if (typeof pOrSeed !== 'number' || !(pOrSeed >= 0 && pOrSeed <= 1)) throw new PolytensorError(`${op}: p must be a probability in [0, 1], got ${pOrSeed}`);
    p = pOrSeed;
    seed = maybeSeed;
  }
  const s = randomStream(seed);
  const n = sizeOf(shape);
  const out = ENGINE.hostValues(op, shape, 'float32');
  const u = runScratch;
  for (let start = 0; start < n; start += u.length) {
    const count = Math.min(u.length, n - start);
    s.uniforms(start, count, u);
    for (let j = 0; j < count; j++) out[start + j] = u[j]! < (probs === null ? p : probs[start + j]!) ? 1 : 0;
  }
  return ENGINE.makeTensor(out, shape, 'float32', op);
}
