import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import { dropoutMask } from '../random/random.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { mul } from './binary.js';
import { clone } from './cast.js';
import { assertDType, convert } from './convert.js';

/**
 * Inverted dropout: zero each element with probability `rate` and scale the
 * survivors by 1/(1 - rate), so the expected value is unchanged. The mask is
 * one randomUniform draw of x's shape from the global stream (or `seed`), so
 * the Dropout layer and a hand-written model that call this in the same order
 * after one setSeed drop the same units. The scaled mask is one kernel
 * (philoxUniform: drawn on a GPU backend where that is faster, else on the
 * host and uploaded), then one multiply. Apply it only while training.
 */
export function dropout(x: TensorLike, rate: number, seed?: number): Tensor {
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
    throw new PolytensorError(`dropout: rate must be a number in [0, 1), got ${String(rate)}; it is the fraction of units to drop`);
  }
  const [t, owned] = convert('dropout', 'x', x);
  try {
    assertDType('dropout', 'x', t, ['float32']);
    if (rate === 0) return clone(t);
    return ENGINE.tidy(() => mul(t, dropoutMask(t.shape, rate, seed)));
  } finally {
    if (owned) t.dispose();
  }
}
