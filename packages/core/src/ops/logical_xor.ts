import { ENGINE } from '../engine/engine.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { broadcastShapes } from '../util/shape.js';
import { logicalAnd, logicalOr } from './compare.js';
import { assertDType, withTensors } from './convert.js';
import { logicalNot } from './unary.js';

/**
 * a XOR b elementwise for bool tensors, broadcast together, as tfjs's
 * logicalXor: (a OR b) AND NOT (a AND b). Returns bool.
 * @example
 * logicalXor(tensor1d([true, true, false]), tensor1d([true, false, false])); // [false, true, false]
 */
export function logicalXor(a: TensorLike, b: TensorLike): Tensor {
  return withTensors('logicalXor', { a, b }, ({ a: ta, b: tb }) => {
    assertDType('logicalXor', 'a', ta, ['bool']);
    assertDType('logicalXor', 'b', tb, ['bool']);
    broadcastShapes('logicalXor', ta.shape, tb.shape);
    return ENGINE.tidy(() => logicalAnd(logicalOr(ta, tb), logicalNot(logicalAnd(ta, tb))));
  });
}
