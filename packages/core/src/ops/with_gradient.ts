// An op whose gradient is a closed form rather than its kernels' rules chained:
// for composites whose branches (`where` over a range reduction) or
// approximations (a minimax polynomial) would give NaN or a less accurate
// gradient through autodiff. The forward runs off the tape; one node records
// the closed form.
import { ENGINE } from '../engine/engine.js';
import type { Saved } from '../engine/tape.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { mul } from './binary.js';
import { assertDType, convert } from './convert.js';

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

/**
 * One float32 input, validated, and an elementwise forward with the closed-form
 * gradient dy·f'(x) (`derivative` gets the input and the output).
 */
export function unaryWithGradient(op: string, x: TensorLike, forward: (t: Tensor) => Tensor, derivative: (t: Tensor, y: Tensor) => Tensor): Tensor {
  const [t, owned] = convert(op, 'x', x);
  try {
    assertDType(op, 'x', t, ['float32']);
    return withGradient(
      op,
      [t],
      () => forward(t),
      (dy, { inputs, output }) => [() => ENGINE.tidy(() => mul(dy, derivative(inputs[0]!, output)))],
    );
  } finally {
    if (owned) t.dispose();
  }
}
