import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import { randomUniform } from '../random/random.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { div, mul } from './binary.js';
import { cast, clone } from './cast.js';
import { greaterEqual } from './compare.js';
import { assertDType, convert } from './convert.js';

/**
 * Inverted dropout: zero each element with probability `rate` and scale the
 * survivors by 1/(1 - rate), so the expected value is unchanged. The mask is
 * one randomUniform draw of x's shape from the global stream (or `seed`), so
 * the Dropout layer and a hand-written model that call this in the same order
 * after one setSeed drop the same units. Apply it only while training.
 */
export function dropout(x: TensorLike, rate: number, seed?: number): Tensor {
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
    throw new PolytensorError(`dropout: rate must be a number in [0, 1), got ${String(rate)}; it is the fraction of units to drop`);
  }
  const [t, owned] = convert('dropout', 'x', x);
  try {
    assertDType('dropout', 'x', t, ['float32']);
    if (rate === 0) return clone(t);
    return ENGINE.tidy(() => {
      const keep = cast(greaterEqual(randomUniform(t.shape, 0, 1, 'float32', seed), rate), 'float32');
      return mul(t, div(keep, 1 - rate));
    });
  } finally {
    if (owned) t.dispose();
  }
}
