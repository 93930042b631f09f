// Activations as ops (tfjs-core's relu6, selu, prelu; gelu, swish and softsign
// as Keras defines them). nn/activations.ts calls these, so each has one
// implementation.
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { broadcastShapes } from '../util/shape.js';
import { add, div, minimum, mul } from './binary.js';
import { greater } from './compare.js';
import { assertDType, convert, withTensors } from './convert.js';
import { erfc } from './erf.js';
import { abs, expm1, relu, sigmoid } from './unary.js';
import { where } from './where.js';

/** SELU's constants (Klambauer et al. 2017), as tfjs and Keras. */
export const SELU_ALPHA = 1.6732632423543772;
export const SELU_SCALE = 1.0507009873554805;

function unaryActivation(op: string, x: TensorLike, dtypes: readonly ('float32' | 'int32')[], f: (t: Tensor) => Tensor): Tensor {
  const [t, owned] = convert(op, 'x', x);
  try {
    assertDType(op, 'x', t, dtypes);
    return ENGINE.tidy(() => f(t));
  } finally {
    if (owned) t.dispose();
  }
}

/**
 * min(max(x, 0), 6), as tfjs's relu6; NaN stays NaN; the gradient passes on
 * (0, 6]. float32 or int32.
 * @example
 * relu6(tensor([-1, 3, 8])) // [0, 3, 6]
 */
export const relu6 = (x: TensorLike): Tensor => unaryActivation('relu6', x, ['float32', 'int32'], (t) => minimum(relu(t), 6));

/**
 * scale·(x > 0 ? x : alpha·(eˣ − 1)) with SELU's constants, as tfjs's selu. float32.
 * @example
 * selu(tensor([-1, 0, 1])) // [-1.1113, 0, 1.0507]
 */
export const selu = (x: TensorLike): Tensor =>
  unaryActivation('selu', x, ['float32'], (t) =>
    // expm1 of min(x, 0): the branch not taken stays finite, so its gradient (0·eˣ) is 0, not 0·∞ = NaN.
    mul(where(greater(t, 0), t, mul(expm1(minimum(t, 0)), SELU_ALPHA)), SELU_SCALE),
  );

/**
 * x > 0 ? x : alpha·x, as tfjs's prelu, alpha broadcast against x (one slope
 * per channel: shape [C]). float32; gradients for x and alpha.
 * @example
 * prelu(tensor([[-2, 3], [-4, 5]]), tensor([0.1, 0.5])) // [[-0.2, 3], [-0.4, 5]]
 */
export function prelu(x: TensorLike, alpha: TensorLike): Tensor {
  const hint = x instanceof Tensor ? x.dtype : undefined;
  return withTensors(
    'prelu',
    { x, alpha },
    ({ x: t, alpha: a }) => {
      assertDType('prelu', 'x', t, ['float32']);
      assertDType('prelu', 'alpha', a, ['float32']);
      const out = broadcastShapes('prelu', t.shape, a.shape);
      if (out.length !== t.rank || out.some((d, i) => d !== t.shape[i])) {
        throw new PolytensorError(
          `prelu: alpha ${JSON.stringify(a.shape)} must broadcast to x's shape ${JSON.stringify(t.shape)} (one slope per channel: [C])`,
        );
      }
      return ENGINE.tidy(() => where(greater(t, 0), t, mul(t, a)));
    },
    hint,
  );
}

/**
 * x·Φ(x) = x·erfc(−x/√2)/2, the exact GELU (Keras' gelu without
 * `approximate`); erfc rather than 1 + erf keeps its digits for negative x. float32.
 * @example
 * gelu(tensor([-1, 0, 1])) // [-0.1587, 0, 0.8413]
 */
export const gelu = (x: TensorLike): Tensor => unaryActivation('gelu', x, ['float32'], (t) => mul(mul(t, 0.5), erfc(mul(t, -Math.SQRT1_2))));

/**
 * x·sigmoid(x) (also called SiLU), as Keras' swish. float32.
 * @example
 * swish(tensor([-1, 0, 1])) // [-0.2689, 0, 0.7311]
 */
export const swish = (x: TensorLike): Tensor => unaryActivation('swish', x, ['float32'], (t) => mul(t, sigmoid(t)));

/**
 * x / (1 + |x|), as Keras' softsign. float32.
 * @example
 * softsign(tensor([-3, 0, 1])) // [-0.75, 0, 0.5]
 */
export const softsign = (x: TensorLike): Tensor => unaryActivation('softsign', x, ['float32'], (t) => div(t, add(abs(t), 1)));
