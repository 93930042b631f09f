import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { maximum, minimum } from './binary.js';
import { assertDType, convert } from './convert.js';
import { fill } from './creation.js';

/**
 * `x` clipped to [clipValueMin, clipValueMax] elementwise, as tfjs's
 * clipByValue: NaN stays NaN; the gradient passes where x is inside the
 * range, its ends included, and is 0 outside. Equal bounds give that value
 * everywhere (NaN included), as tfjs. float32 or int32.
 * @example
 * clipByValue(tensor([-3, 0.5, 9]), -1, 1) // [-1, 0.5, 1]
 */
export function clipByValue(x: TensorLike, clipValueMin: number, clipValueMax: number): Tensor {
  const [t, owned] = convert('clipByValue', 'x', x);
  try {
    assertDType('clipByValue', 'x', t, ['float32', 'int32']);
    if (typeof clipValueMin !== 'number' || typeof clipValueMax !== 'number' || !(clipValueMin <= clipValueMax)) {
      throw new PolytensorError(
        `clipByValue: clipValueMin (${String(clipValueMin)}) must be a number no greater than clipValueMax (${String(clipValueMax)}); pass the bounds in order`,
      );
    }
    // Equal bounds: a constant, as tfjs (NaN too becomes the bound; no gradient).
    if (clipValueMin === clipValueMax) return fill(t.shape, clipValueMin, t.dtype);
    // maximum then minimum: ties send the gradient to x, so it passes at both ends (as tfjs's rule).
    return ENGINE.tidy(() => minimum(maximum(t, clipValueMin), clipValueMax));
  } finally {
    if (owned) t.dispose();
  }
}
