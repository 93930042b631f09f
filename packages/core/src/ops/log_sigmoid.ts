import { ENGINE } from '../engine/engine.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { assertDType, convert } from './convert.js';
import { neg, softplus } from './unary.js';

/**
 * log(sigmoid(x)) = −softplus(−x), as tfjs's logSigmoid: stable for large |x|
 * (≈ x for x → −∞, ≈ −e^−x for x → +∞). float32.
 * @example
 * logSigmoid(tensor([-100, 0, 100])) // [-100, -0.6931, -3.7e-44]
 */
export function logSigmoid(x: TensorLike): Tensor {
  const [t, owned] = convert('logSigmoid', 'x', x);
  try {
    assertDType('logSigmoid', 'x', t, ['float32']);
    return ENGINE.tidy(() => neg(softplus(neg(t))));
  } finally {
    if (owned) t.dispose();
  }
}
