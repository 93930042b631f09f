import { ENGINE } from '../engine/engine.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { normalizeAxes } from '../util/shape.js';
import { add, sub } from './binary.js';
import { assertDType, convert } from './convert.js';
import { zerosLike } from './creation.js';
import { max, sum } from './reduce.js';
import { reshape } from './reshape.js';
import { exp, isFinite as isFiniteOp, log } from './unary.js';
import { where } from './where.js';

/**
 * log(Σ exp(x)) over `axis` (all axes by default), as tfjs's logSumExp, shifted
 * by the row's max so large values do not overflow. A row of −∞ (or an empty
 * row) gives −∞, a row holding +∞ gives +∞, NaN gives NaN. float32.
 * @example
 * logSumExp(tensor([[0, Math.log(3)], [1000, 1000]]), 1) // [log 4, 1000 + log 2]
 */
export function logSumExp(x: TensorLike, axis?: number | number[] | null, keepDims = false): Tensor {
  const [t, owned] = convert('logSumExp', 'x', x);
  try {
    assertDType('logSumExp', 'x', t, ['float32']);
    const axes = normalizeAxes('logSumExp', axis ?? undefined, t.rank);
    return ENGINE.tidy(() => {
      // The shift m carries no gradient: m + log Σ exp(x − m) does not depend on m (through it, autodiff would
      // add 1 − Σ softmax, a rounding error, to the max elements). A non-finite max shifts by 0, so −∞ rows
      // give log 0 = −∞ rather than −∞ − (−∞) = NaN.
      const shift = ENGINE.untaped(() => {
        const m = max(t, axes, true);
        return where(isFiniteOp(m), m, zerosLike(m));
      });
      const s = log(sum(exp(sub(t, shift)), axes, keepDims));
      return add(keepDims ? shift : reshape(shift, s.shape), s);
    });
  } finally {
    if (owned) t.dispose();
  }
}
