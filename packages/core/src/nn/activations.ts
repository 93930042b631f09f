import { PolytensorError } from '../errors.js';
import { softmax } from '../ops/softmax.js';
import { add, div, maximum, minimum, mul, sub } from '../ops/binary.js';
import { greater } from '../ops/compare.js';
import { abs, elu, exp, expm1, leakyRelu, neg, relu, sigmoid, sign, softplus, square, tanh } from '../ops/unary.js';
import { where } from '../ops/where.js';
import { clone } from '../ops/cast.js';
import type { Tensor } from '../tensor.js';
import { tidy } from '../engine/api.js';

/** A composite activation that frees its intermediates (callers outside a tidy keep only the result). */
const tidied =
  (f: (x: Tensor) => Tensor) =>
  (x: Tensor): Tensor =>
    tidy(() => f(x));

/** erf by Abramowitz & Stegun 7.1.26 (absolute error ≤ 1.5e-7, below float32's resolution of erf near 1). */
function erf(x: Tensor): Tensor {
  const a = abs(x);
  const t = div(1, add(mul(a, 0.3275911), 1));
  // Horner: t·(a1 + t·(a2 + t·(a3 + t·(a4 + t·a5))))
  let poly = mul(t, 1.061405429);
  for (const c of [-1.453152027, 1.421413741, -0.284496736, 0.254829592]) poly = mul(add(poly, c), t);
  return mul(sign(x), sub(1, mul(poly, exp(neg(square(a))))));
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

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
  relu6: tidied((x) => minimum(relu(x), 6)),
  /** scale · (x > 0 ? x : alpha · (eˣ - 1)) with Keras' constants */
  selu: tidied((x) => mul(where(greater(x, 0), x, mul(expm1(x), SELU_ALPHA)), SELU_SCALE)),
  /** x · Φ(x), the exact form: 0.5 · x · (1 + erf(x / √2)) */
  gelu: tidied((x) => mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1))),
  /** x · sigmoid(x) (also called silu) */
  swish: tidied((x) => mul(x, sigmoid(x))),
  /** Keras' piecewise-linear sigmoid: clip(0.2 · x + 0.5, 0, 1) */
  hardSigmoid: tidied((x) => minimum(maximum(add(mul(x, 0.2), 0.5), 0), 1)),
  /** x / (1 + |x|) */
  softsign: tidied((x) => div(x, add(abs(x), 1))),
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
