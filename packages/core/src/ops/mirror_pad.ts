import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { convert } from './convert.js';
import { reshape } from './reshape.js';
import { emptyFrom, isIdentity, takeAlong } from './take_along.js';

/**
 * Pad `x` with its own mirror image (tfjs's mirrorPad): `paddings[i] =
 * [before, after]` per axis; 'reflect' leaves out the edge element
 * ([1,2,3] by 2 → [3,2,1,2,3,2,1]), 'symmetric' repeats it ([2,1,1,2,3,3,2]).
 * Each pad is at most the axis' size (minus 1 for 'reflect'). Any dtype; exact.
 * @example
 * mirrorPad(tensor([1, 2, 3]), [[2, 2]], 'reflect') // [3,2,1,2,3,2,1]
 */
export function mirrorPad(x: TensorLike, paddings: ReadonlyArray<readonly [number, number]>, mode: 'reflect' | 'symmetric'): Tensor {
  const [t, owned] = convert('mirrorPad', 'x', x);
  try {
    if (mode !== 'reflect' && mode !== 'symmetric') {
      throw new PolytensorError(`mirrorPad: mode must be 'reflect' or 'symmetric', got ${JSON.stringify(mode)}`);
    }
    if (t.rank === 0) throw new PolytensorError('mirrorPad: x is a scalar; it has no axis to pad (reshape it to [1] first)');
    const edge = mode === 'reflect' ? 1 : 0;
    const ok =
      Array.isArray(paddings) &&
      paddings.length === t.rank &&
      paddings.every((p, i) => Array.isArray(p) && p.length === 2 && p.every((v) => Number.isInteger(v) && v >= 0 && v <= t.shape[i]! - edge));
    if (!ok) {
      throw new PolytensorError(
        `mirrorPad: paddings ${JSON.stringify(paddings)} must hold one [before, after] pair per axis of x ${fmt(t.shape)}, ` +
          `each a non-negative integer at most the axis' size${edge ? ' minus 1 (reflect mode leaves out the edge)' : ''}`,
      );
    }
    // An empty x stays empty (only its non-empty axes grow): no gather of an empty tensor.
    if (t.size === 0)
      return emptyFrom(
        t,
        t.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]),
        t.shape.map((d) => d === 0),
      );
    return ENGINE.tidy(() => {
      let y = reshape(t, t.shape);
      t.shape.forEach((d, axis) => {
        const [before, after] = paddings[axis]!;
        // Positions −before … d−1+after, each folded back into [0, d) at the edges.
        const indices = Array.from({ length: before + d + after }, (_, j) => {
          const p = j - before;
          return p < 0 ? -p - 1 + edge : p >= d ? 2 * d - 1 - p - edge : p;
        });
        if (!isIdentity(indices, d)) y = takeAlong(y, axis, indices);
      });
      return y;
    });
  } finally {
    if (owned) t.dispose();
  }
}
