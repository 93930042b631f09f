import { PolytensorError } from '../errors.js';
import { fillTensor, randomStream } from '../random/random.js';
import type { Tensor } from '../tensor.js';
import { checkSampleDType, checkShapeArg } from './random_util.js';

/**
 * Gamma samples with shape `alpha` and rate `beta` (mean alpha / beta, the
 * definition tfjs documents and TensorFlow uses), by Marsaglia and Tsang's
 * method; for alpha < 1 a sample of alpha + 1 is scaled by u^(1/alpha).
 * Element i's attempt a uses the Philox counters (i, 2a) for its normal and
 * (i, 2a + 1) for its acceptance draw and the boost, so the same seed gives
 * the same samples on every backend. int32 rounds to the nearest integer (as tfjs).
 * @example randomGamma([1000], 2, 0.5, 'float32', 3) // mean ≈ 4
 */
export function randomGamma(shape: readonly number[], alpha: number, beta = 1, dtype: 'float32' | 'int32' = 'float32', seed?: number): Tensor {
  const op = 'randomGamma';
  checkShapeArg(op, shape);
  if (typeof alpha !== 'number' || !(alpha > 0) || !Number.isFinite(alpha)) {
    throw new PolytensorError(`${op}: alpha (the shape parameter) must be a finite number > 0, got ${alpha}`);
  }
  if (typeof beta !== 'number' || !(beta > 0) || !Number.isFinite(beta)) {
    throw new PolytensorError(`${op}: beta (the rate, 1 / scale) must be a finite number > 0, got ${beta}`);
  }
  checkSampleDType(op, dtype);
  const boost = alpha < 1;
  const d = (boost ? alpha + 1 : alpha) - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  const s = randomStream(seed);
  return fillTensor(op, shape, dtype, (i) => {
    for (let attempt = 0; ; attempt++) {
      const x = s.normal(i, 2 * attempt);
      const t = 1 + c * x;
      if (t <= 0) continue;
      const v = t * t * t;
      const [u, ub] = s.uniformPair(i, 2 * attempt + 1);
      const x2 = x * x;
      // The squeeze (cheap) test first, then the exact one.
      if (u < 1 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) {
        const g = boost ? d * v * (1 - ub) ** (1 / alpha) : d * v;
        const out = g / beta;
        return dtype === 'int32' ? Math.round(out) : out;
      }
    }
  });
}
