import { PolytensorError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { expectTensor } from './convert.js';

/**
 * `x` itself when its shape matches `shape` (tfjs's ensureShape; a null
 * entry matches any size), else an error naming both shapes.
 * @example
 * ensureShape(x, [null, 28, 28, 1]) // x, checked
 */
export function ensureShape(x: Tensor, shape: readonly (number | null)[]): Tensor {
  const t = expectTensor('ensureShape', 'x', x);
  if (!Array.isArray(shape) || shape.length !== t.rank || shape.some((d, i) => d !== null && d !== t.shape[i])) {
    throw new PolytensorError(
      `ensureShape: x has shape ${fmt(t.shape)}, not ${Array.isArray(shape) ? `[${shape.map((d) => (d === null ? 'null' : d)).join(',')}]` : JSON.stringify(shape)} ` +
        `(null matches any size); reshape x or fix the expected shape`,
    );
  }
  return t;
}
