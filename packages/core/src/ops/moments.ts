import { ENGINE } from '../engine/engine.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { normalizeAxes } from '../util/shape.js';
import { sub } from './binary.js';
import { cast } from './cast.js';
import { assertDType, convert } from './convert.js';
import { mean } from './reduce.js';
import { reshape } from './reshape.js';
import { square } from './unary.js';

/**
 * The mean and the (population) variance over `axis` (all axes by default),
 * as tfjs's moments: variance = mean((x − mean)²), two passes, no
 * cancellation. float32 (int32 is cast).
 * @example
 * const { mean, variance } = moments(x, [0, 1, 2]); // per channel of NHWC
 */
export function moments(x: TensorLike, axis: number | number[] | null = null, keepDims = false): { mean: Tensor; variance: Tensor } {
  const [t, owned] = convert('moments', 'x', x);
  try {
    assertDType('moments', 'x', t, ['float32', 'int32']);
    const axes = normalizeAxes('moments', axis ?? undefined, t.rank);
    return ENGINE.tidy(() => {
      const f = t.dtype === 'float32' ? t : cast(t, 'float32');
      const m = mean(f, axes, true);
      const variance = mean(square(sub(f, m)), axes, keepDims);
      return { mean: keepDims ? m : reshape(m, variance.shape), variance };
    });
  } finally {
    if (owned) t.dispose();
  }
}
