// What every loss module shares, kept apart so losses.ts (the registry) and
// keras_losses.ts (the losses it registers) need not import each other.
import { PolytensorError } from '../errors.js';
import { Tensor } from '../tensor.js';

/** Probabilities are clipped to [EPSILON, 1 - EPSILON] before the log (Keras' default epsilon). */
export const EPSILON = 1e-7;

/** @internal check that `x` is a live Tensor. */
export function expectLiveTensor(op: string, arg: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) {
    throw new PolytensorError(`${op}: '${arg}' must be a Tensor, got ${x === null ? 'null' : typeof x}`);
  }
  x.assertAlive(op);
  return x;
}
