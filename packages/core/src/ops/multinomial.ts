import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import { randomStream, runScratch } from '../random/random.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { convert } from './convert.js';

/**
 * Draw `numSamples` class indices per row of `logits` ([numOutcomes] or
 * [batch, numOutcomes]); returns int32 [numSamples] or [batch, numSamples].
 * Logits are unnormalised log-probabilities (softmax per row); with
 * `normalized` they are probabilities, used as given. As tfjs: a draw u in
 * [0, 1) picks the first outcome whose cumulative probability exceeds u, else
 * the last outcome, so a −Inf logit is never drawn and a row with NaN (or
 * +Inf, or all −Inf) always gives the last outcome. The softmax and the
 * cumulative sums run on the host in float64, so the same seed gives the same
 * indices on every backend.
 * @example multinomial(tensor([[0, 0, Math.log(2)]]), 4, 42) // int32 [1, 4], about half of them 2
 */
export function multinomial(logits: Tensor | TensorLike, numSamples: number, seed?: number, normalized = false): Tensor {
  const op = 'multinomial';
  const [x, own] = convert(op, 'logits', logits, 'float32');
  try {
    if (x.rank !== 1 && x.rank !== 2) {
      throw new PolytensorError(`${op}: logits must be [numOutcomes] or [batch, numOutcomes], got shape ${fmt(x.shape)}; reshape it to rank 1 or 2`);
    }
    if (x.dtype === 'bool') throw new PolytensorError(`${op}: logits have dtype bool; pass float32 logits (or probabilities with normalized = true)`);
    const k = x.shape[x.rank - 1]!;
    if (k < 2) throw new PolytensorError(`${op}: logits of shape ${fmt(x.shape)} have ${k} outcome(s) on the last axis; multinomial needs at least 2`);
    if (!Number.isInteger(numSamples) || numSamples < 0) {
      throw new PolytensorError(`${op}: numSamples must be a non-negative integer, got ${numSamples}`);
    }
    const batch = x.rank === 2 ? x.shape[0]! : 1;
    const outShape = x.rank === 2 ? [batch, numSamples] : [numSamples];
    const s = randomStream(seed);
    const values = ENGINE.hostValues(op, outShape, 'int32');
    const v = x.dataSync();
    const cdf = new Float64Array(k);
    const draws = runScratch;
    for (let b = 0; b < batch; b++) {
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < k; j++) max = Math.max(max, v[b * k + j]!);
      // Math.max propagates NaN: a NaN logit makes the whole row NaN, as softmax does.
      let total = 0;
      for (let j = 0; j < k; j++) total += Math.exp(v[b * k + j]! - max);
      let acc = 0;
      for (let j = 0; j < k; j++) {
        acc += normalized ? v[b * k + j]! : Math.exp(v[b * k + j]! - max) / total;
        cdf[j] = acc;
      }
      for (let first = 0; first < numSamples; first += draws.length) {
        const count = Math.min(draws.length, numSamples - first);
        s.uniforms(b * numSamples + first, count, draws);
        for (let n = 0; n < count; n++) {
          const u = draws[n]!;
          let outcome = k - 1;
          for (let j = 0; j < k; j++) {
            if (u < cdf[j]!) {
              outcome = j;
              break;
            }
          }
          values[b * numSamples + first + n] = outcome;
        }
      }
    }
    return ENGINE.makeTensor(values, outShape, 'int32', op);
  } finally {
    if (own) x.dispose();
  }
}
