import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { convert, scalar, tensor } from './convert.js';
import { reshape } from './reshape.js';
import { where } from './where.js';

/**
 * A tensor with `x` on its diagonal (tfjs's diag): shape `[...x.shape,
 * ...x.shape]`, element (i…, j…) = x[i…] where i… = j…, else 0. x of rank 1–3
 * (the result's rank is twice x's). Any dtype; NaN and −0 on the diagonal stay.
 * @example
 * diag(tensor([1, 2])) // [[1,0],[0,2]]
 */
export function diag(x: TensorLike): Tensor {
  const [t, owned] = convert('diag', 'x', x);
  try {
    if (t.rank < 1 || t.rank > 3) {
      throw new PolytensorError(`diag: x must have rank 1 to 3 (the result has twice its rank, at most 6), got shape ${fmt(t.shape)}`);
    }
    const n = t.size;
    ENGINE.checkAllocation('diag', [n, n], t.dtype, 'the output');
    return ENGINE.tidy(() => {
      // where, not x·I: NaN·0 would put NaN off the diagonal.
      const eye = new Uint8Array(n * n);
      for (let i = 0; i < n; i++) eye[i * n + i] = 1;
      const square = where(tensor(eye, [n, n], 'bool'), reshape(t, [1, n]), scalar(0, t.dtype));
      return reshape(square, [...t.shape, ...t.shape]);
    });
  } finally {
    if (owned) t.dispose();
  }
}
