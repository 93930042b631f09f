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
  const fn = ACTIVATIONS[n];
  if (!fn) throw new PolytensorError(`unknown activation '${String(name)}'; use one of ${Object.keys(ACTIVATIONS).join(', ')}`);
  return { name: n, fn };
}
