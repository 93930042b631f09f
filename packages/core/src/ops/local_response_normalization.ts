import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { add, mul, pow } from './binary.js';
import { assertDType, convert } from './convert.js';
import { pad } from './pad.js';
import { slice } from './slice.js';
import { square } from './unary.js';

/**
 * Local response normalization across channels (the last axis of an NHWC or
 * HWC x), as tfjs's localResponseNormalization:
 * x[c]·(bias + alpha·Σ x[c']²)^−beta, the sum over c' in [c − depthRadius,
 * c + depthRadius] within the channels. float32; a sum of 2·depthRadius + 1
 * shifted slices of x², so its gradient comes from the kernels' rules.
 * @example
 * localResponseNormalization(x, 2, 1, 1e-4, 0.75) // AlexNet's setting
 */
export function localResponseNormalization(x: TensorLike, depthRadius = 5, bias = 1, alpha = 1, beta = 0.5): Tensor {
  const [t, owned] = convert('localResponseNormalization', 'x', x);
  try {
    assertDType('localResponseNormalization', 'x', t, ['float32']);
    if (t.rank !== 3 && t.rank !== 4) {
      throw new PolytensorError(`localResponseNormalization: x must have rank 3 (HWC) or 4 (NHWC), got ${fmt(t.shape)}`);
    }
    if (!Number.isInteger(depthRadius) || depthRadius < 0) {
      throw new PolytensorError(`localResponseNormalization: depthRadius must be a non-negative integer, got ${depthRadius}`);
    }
    for (const [name, v] of [
      ['bias', bias],
      ['alpha', alpha],
      ['beta', beta],
    ] as const) {
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new PolytensorError(`localResponseNormalization: ${name} must be a finite number, got ${String(v)}`);
    }
    const c = t.rank - 1;
    const channels = t.shape[c]!;
    return ENGINE.tidy(() => {
      const r = Math.min(depthRadius, Math.max(channels - 1, 0));
      const padded = pad(
        square(t),
        t.shape.map((_, i): [number, number] => (i === c ? [r, r] : [0, 0])),
      );
      let sqrSum: Tensor | null = null;
      for (let k = 0; k <= 2 * r; k++) {
        const window = slice(
          padded,
          t.shape.map((_, i) => (i === c ? k : 0)),
          t.shape,
        );
        sqrSum = sqrSum ? add(sqrSum, window) : window;
      }
      return mul(t, pow(add(mul(sqrSum!, alpha), bias), -beta));
    });
  } finally {
    if (owned) t.dispose();
  }
}
