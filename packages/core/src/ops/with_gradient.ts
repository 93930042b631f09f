// An op whose gradient is a closed form rather than its kernels' rules chained:
// for composites whose branches (`where` over a range reduction) or
// approximations (a minimax polynomial) would give NaN or a less accurate
// gradient through autodiff. The forward runs off the tape; one node records
// the closed form.
import { ENGINE } from '../engine/engine.js';
import type { Saved } from '../engine/tape.js';
import type { Tensor } from '../tensor.js';

/** `forward()` untaped and tidied, recorded as one node of `inputs` with `grad(dy, saved)` giving a thunk per input. */
export function withGradient(
  op: string,
  inputs: readonly Tensor[],
  forward: () => Tensor,
  grad: (dy: Tensor, saved: Saved) => ReadonlyArray<(() => Tensor) | null>,
): Tensor {
  const out = ENGINE.untaped(() => ENGINE.tidy(forward));
  ENGINE.record(op, inputs, out, grad);
  return out;
}
