import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { broadcastShapes, fmt } from '../util/shape.js';
import { add, mul, sub } from './binary.js';
import { assertDType, convert } from './convert.js';
import { rsqrt } from './unary.js';

/**
 * (x − mean)·scale/√(variance + varianceEpsilon) + offset, as tfjs's
 * batchNorm: mean, variance, offset and scale broadcast against x (per
 * channel: shape [C]); offset and scale are optional. float32; gradients for
 * every tensor argument.
 * @example
 * batchNorm(x, movingMean, movingVariance, beta, gamma, 1e-3)
 */
export function batchNorm(
  x: TensorLike,
  mean: TensorLike,
  variance: TensorLike,
  offset?: TensorLike | null,
  scale?: TensorLike | null,
  varianceEpsilon = 0.001,
): Tensor {
  return batchNormOf('batchNorm', null, x, mean, variance, offset, scale, varianceEpsilon);
}

function batchNormOf(
  op: string,
  rank: number | null,
  x: TensorLike,
  mean: TensorLike,
  variance: TensorLike,
  offset: TensorLike | null | undefined,
  scale: TensorLike | null | undefined,
  varianceEpsilon: number | null | undefined,
): Tensor {
  const owned: Tensor[] = [];
  const take = (arg: string, v: TensorLike): Tensor => {
    const [t, own] = convert(op, arg, v, 'float32');
    if (own) owned.push(t);
    assertDType(op, arg, t, ['float32']);
    return t;
  };
  try {
    const tx = take('x', x);
    if (rank !== null && tx.rank !== rank) throw new PolytensorError(`${op}: x must have rank ${rank}, got ${fmt(tx.shape)}; use batchNorm for other ranks`);
    const args: [string, Tensor][] = [
      ['mean', take('mean', mean)],
      ['variance', take('variance', variance)],
    ];
    if (offset !== null && offset !== undefined) args.push(['offset', take('offset', offset)]);
    if (scale !== null && scale !== undefined) args.push(['scale', take('scale', scale)]);
    for (const [name, t] of args) {
      const out = broadcastShapes(op, tx.shape, t.shape);
      if (out.length !== tx.rank || out.some((d, i) => d !== tx.shape[i])) {
        throw new PolytensorError(`${op}: ${name} ${fmt(t.shape)} must broadcast to x's shape ${fmt(tx.shape)} (per channel: [${tx.shape.at(-1) ?? ''}])`);
      }
    }
    const eps = varianceEpsilon ?? 0.001;
    if (typeof eps !== 'number' || !(eps >= 0)) throw new PolytensorError(`${op}: varianceEpsilon must be a non-negative number, got ${String(eps)}`);
    const named = Object.fromEntries(args) as Record<string, Tensor>;
    return ENGINE.tidy(() => {
      let inv = rsqrt(add(named.variance!, eps));
      if (named.scale) inv = mul(inv, named.scale);
      const y = mul(sub(tx, named.mean!), inv);
      return named.offset ? add(y, named.offset) : y;
    });
  } finally {
    for (const t of owned) t.dispose();
  }
}

type BatchNormN = (
  x: TensorLike,
  mean: TensorLike,
  variance: TensorLike,
  offset?: TensorLike | null,
  scale?: TensorLike | null,
  varianceEpsilon?: number,
) => Tensor;
const ofRank =
  (rank: number): BatchNormN =>
  (x, mean, variance, offset, scale, varianceEpsilon) =>
    batchNormOf(`batchNorm${rank}d`, rank, x, mean, variance, offset, scale, varianceEpsilon);

/** batchNorm for a rank-2 x (tfjs's batchNorm2d). */
export const batchNorm2d = ofRank(2);
/** batchNorm for a rank-3 x (tfjs's batchNorm3d). */
export const batchNorm3d = ofRank(3);
/** batchNorm for a rank-4 x, e.g. NHWC (tfjs's batchNorm4d). */
export const batchNorm4d = ofRank(4);
