import { PolytensorError } from '../errors.js';
import { softmax } from '../ops/softmax.js';
import { elu, leakyRelu, relu, sigmoid, softplus, tanh } from '../ops/unary.js';
import { clone } from '../ops/cast.js';
import type { Tensor } from '../tensor.js';

export const ACTIVATIONS = {
  linear: (x: Tensor): Tensor => clone(x),
  relu,
  sigmoid,
  tanh,
  softmax,
  elu,
  leakyRelu: (x: Tensor): Tensor => leakyRelu(x, 0.3),
  softplus,
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
