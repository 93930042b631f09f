import { ENGINE } from '../engine/engine.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { convert } from './convert.js';

/**
 * The same values, with no gradient through them (TensorFlow's stop_gradient;
 * tfjs has none): a new tensor sharing `x`'s buffer that no tape records, so
 * autodiff treats it as a constant (gradient zero w.r.t. `x` along this path).
 * @example grad((x) => x.mul(stopGradient(x)).sum())(tensor([3])) // [3], not 6
 */
export function stopGradient(x: TensorLike): Tensor {
  const [t, owned] = convert('stopGradient', 'x', x);
  // A view made without recording: its id is on no tape, so nothing downstream depends on x.
  const out = ENGINE.makeView(t, t.shape);
  if (owned) t.dispose();
  return out;
}
