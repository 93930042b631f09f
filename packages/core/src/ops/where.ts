import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { broadcastShapes } from '../util/shape.js';
import { assertDType, convert } from './convert.js';

/** condition ? a : b elementwise, all three broadcast together; condition is bool. */
export function where(condition: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const hint = a instanceof Tensor ? a.dtype : b instanceof Tensor ? b.dtype : undefined;
  const [c, ownC] = convert('where', 'condition', condition);
  const [ta, ownA] = convert('where', 'a', a, hint);
  const [tb, ownB] = convert('where', 'b', b, hint);
  try {
    assertDType('where', 'condition', c, ['bool']);
    if (ta.dtype !== tb.dtype) {
      throw new PolytensorError(`where: dtypes differ: a is ${ta.dtype}, b is ${tb.dtype}; cast one of them with cast(x, '${ta.dtype}')`);
    }
    const outShape = broadcastShapes('where', broadcastShapes('where', c.shape, ta.shape), tb.shape);
    return ENGINE.runKernel('where', [c, ta, tb, outShape]);
  } finally {
    if (ownC) c.dispose();
    if (ownA) ta.dispose();
    if (ownB) tb.dispose();
  }
}
