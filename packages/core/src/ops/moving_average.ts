import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { add, div, mul, pow, sub } from './binary.js';
import { assertDType, convert } from './convert.js';

/**
 * The exponential moving average `v + (x − v)·(1 − decay)`, divided by
 * `1 − decay^step` when `zeroDebias` (the default, as tfjs: `step` is then
 * required), which removes the bias toward v's zero start.
 * @example v = movingAverage(v, batchMean, 0.99, step);
 */
export function movingAverage(v: TensorLike, x: TensorLike, decay: number | TensorLike, step?: number | TensorLike, zeroDebias = true): Tensor {
  const op = 'movingAverage';
  const [tv, ownV] = convert(op, 'v', v);
  const [tx, ownX] = convert(op, 'x', x);
  try {
    assertDType(op, 'v', tv, ['float32']);
    assertDType(op, 'x', tx, ['float32']);
    if (tv.shape.length !== tx.shape.length || tv.shape.some((d, i) => d !== tx.shape[i])) {
      throw new PolytensorError(`${op}: v ${fmt(tv.shape)} and x ${fmt(tx.shape)} must have the same shape`);
    }
    if (typeof decay === 'number' && !(decay >= 0 && decay <= 1)) throw new PolytensorError(`${op}: decay must be in [0, 1], got ${decay}`);
    if (zeroDebias && step === undefined) throw new PolytensorError(`${op}: zeroDebias needs the step count; pass step, or zeroDebias = false`);
    return ENGINE.tidy(() => {
      let update = mul(sub(tx, tv), sub(1, decay));
      if (zeroDebias) update = div(update, sub(1, pow(decay, step as TensorLike)));
      return add(tv, update);
    });
  } finally {
    if (ownV) tv.dispose();
    if (ownX) tx.dispose();
  }
}
