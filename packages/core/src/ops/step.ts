import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { greater } from './compare.js';
import { assertDType, convert } from './convert.js';
import { isNaN as isNaNOp } from './unary.js';
import { where } from './where.js';

/**
 * x > 0 ? 1 : alpha elementwise, NaN stays NaN, as tfjs's step. float32. Its
 * gradient is 0.
 * @example
 * step(tensor([-2, 0, 3]), 0.1) // [0.1, 0.1, 1]
 */
export function step(x: TensorLike, alpha = 0): Tensor {
  const [t, owned] = convert('step', 'x', x);
  try {
    assertDType('step', 'x', t, ['float32']);
    if (typeof alpha !== 'number') throw new PolytensorError(`step: alpha must be a number, got ${typeof alpha}`);
    // NaN as a constant, not x itself: the result does not depend on x, so its gradient is 0 everywhere (as tfjs's).
    return ENGINE.tidy(() => where(isNaNOp(t), Number.NaN, where(greater(t, 0), 1, alpha)));
  } finally {
    if (owned) t.dispose();
  }
}
