import { PolytensorError } from '../errors.js';
import { fillRuns, randomStream, runScratch } from '../random/random.js';
import type { Tensor } from '../tensor.js';
import { checkShapeArg } from './random_util.js';

const TWO_53 = 9007199254740992;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * int32 integers drawn uniformly from [minval, maxval), without bias: each
 * element takes a 53-bit Philox draw k and redraws (next attempt of its
 * counter) while k falls in the incomplete last block of 2^53 mod range, then
 * returns minval + k mod range. The same seed gives the same integers on every backend.
 * @example randomUniformInt([2, 3], 0, 10, 42) // int32 [2, 3], values 0 … 9
 */
export function randomUniformInt(shape: readonly number[], minval: number, maxval: number, seed?: number): Tensor {
  const op = 'randomUniformInt';
  checkShapeArg(op, shape);
  for (const [name, v] of [
    ['minval', minval],
    ['maxval', maxval],
  ] as const) {
    if (!Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX + 1) {
      throw new PolytensorError(`${op}: ${name} must be an integer in [-2^31, 2^31] (int32 bounds; maxval is exclusive), got ${v}`);
    }
  }
  if (!(maxval > minval)) throw new PolytensorError(`${op}: maxval (${maxval}) must be greater than minval (${minval}); the range [minval, maxval) is empty`);
  const range = maxval - minval;
  // Draws at or above `limit` would favour the smallest residues: redraw them.
  const limit = TWO_53 - (TWO_53 % range);
  const s = randomStream(seed);
  const u = runScratch;
  return fillRuns(op, shape, 'int32', (values, start, count) => {
    s.uniforms(start, count, u);
    for (let j = 0; j < count; j++) {
      let k = u[j]! * TWO_53;
      for (let attempt = 1; !(k < limit); attempt++) k = s.uniform(start + j, attempt) * TWO_53;
      values[start + j] = minval + (k % range);
    }
  });
}
