import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { convert } from './convert.js';

/** Pad with a constant: `paddings[i] = [before, after]` for each axis. */
export function pad(x: TensorLike, paddings: ReadonlyArray<readonly [number, number]>, value = 0): Tensor {
  const [t, owned] = convert('pad', 'x', x);
  try {
    if (paddings.length !== t.rank || !paddings.every((p) => p.length === 2 && p.every((v) => Number.isInteger(v) && v >= 0))) {
      throw new PolytensorError(
        `pad: paddings ${JSON.stringify(paddings)} must hold one [before, after] pair of non-negative integers per axis of ${fmt(t.shape)}`,
      );
    }
    return ENGINE.runKernel('pad', [t, paddings, value]);
  } finally {
    if (owned) t.dispose();
  }
}
