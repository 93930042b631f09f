import { ENGINE } from '../engine/engine.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { broadcastShapes } from '../util/shape.js';
import { div } from './binary.js';
import { equal } from './compare.js';
import { assertDType, withTensors } from './convert.js';
import { onesLike } from './creation.js';
import { where } from './where.js';

/**
 * a / b, with 0 where b is 0 (also 0/0, ±Inf/0 and NaN/0), as tfjs's
 * divNoNan; broadcasting. float32. The gradient is 0 where b is 0 (not NaN:
 * the division sees 1 there).
 * @example
 * divNoNan(tensor([1, 4]), tensor([0, 2])) // [0, 2]
 */
export function divNoNan(a: TensorLike, b: TensorLike): Tensor {
  const hint = a instanceof Tensor ? a.dtype : b instanceof Tensor ? b.dtype : undefined;
  return withTensors(
    'divNoNan',
    { a, b },
    ({ a: ta, b: tb }) => {
      assertDType('divNoNan', 'a', ta, ['float32']);
      assertDType('divNoNan', 'b', tb, ['float32']);
      broadcastShapes('divNoNan', ta.shape, tb.shape);
      return ENGINE.tidy(() => {
        const zero = equal(tb, 0);
        return where(zero, 0, div(ta, where(zero, onesLike(tb), tb)));
      });
    },
    hint,
  );
}
