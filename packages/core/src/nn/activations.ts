import { PolytensorError } from '../errors.js';
import { logSoftmax, softmax } from '../ops/softmax.js';
import { add, maximum, minimum, mul } from '../ops/binary.js';
import { elu, leakyRelu, relu, sigmoid, softplus, tanh } from '../ops/unary.js';
import { clone } from '../ops/cast.js';
import { gelu, relu6, selu, softsign, swish } from '../ops/activation_ops.js';
import type { Tensor } from '../tensor.js';
import { tidy } from '../engine/api.js';

/** A composite activation that frees its intermediates (callers outside a tidy keep only the result). */
const tidied =
  (f: (x: Tensor) => Tensor) =>
  (x: Tensor): Tensor =>
    tidy(() => f(x));

export const ACTIVATIONS = {
  linear: (x: Tensor): Tensor => clone(x),
  relu,
  sigmoid,
  tanh,
  softmax,
  elu,
  leakyRelu: (x: Tensor): Tensor => leakyRelu(x, 0.3),
  softplus,
  /** min(max(x, 0), 6) */
  relu6,
  /** scale · (x > 0 ? x : alpha · (eˣ - 1)) with Keras' constants */
  selu,
  /** x · Φ(x), the exact form: 0.5 · x · erfc(−x / √2) */
  gelu,
  /** x · sigmoid(x) (also called silu) */
  swish,
  /** Keras' piecewise-linear sigmoid: clip(0.2 · x + 0.5, 0, 1) */
  hardSigmoid: tidied((x) => minimum(maximum(add(mul(x, 0.2), 0.5), 0), 1)),
  /** x / (1 + |x|) */
  softsign,
  /** x · tanh(softplus(x)) */
  mish: tidied((x) => mul(x, tanh(softplus(x)))),
  /** log(softmax(x)) over the last axis, computed stably */
  logSoftmax,
} as const;

export type ActivationName = keyof typeof ACTIVATIONS;

export function getActivation(name: string | undefined | null): { name: ActivationName; fn: (x: Tensor) => Tensor } {
  const n = (name ?? 'linear') as ActivationName;
  // Own properties only: a saved name like 'constructor' must not reach Object.prototype.
  const fn = typeof n === 'string' && Object.hasOwn(ACTIVATIONS, n) ? ACTIVATIONS[n] : undefined;
  if (!fn)
    throw new PolytensorError(
      `unknown activation ${typeof name === 'string' ? `'${name}'` : JSON.stringify(name)}; use one of ${Object.keys(ACTIVATIONS).join(', ')}`,
    );
  return { name: n, fn };
}
