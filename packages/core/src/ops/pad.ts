import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { convert } from './convert.js';
import { slice } from './slice.js';

/** Pad with a constant: `paddings[i] = [before, after]` for each axis. */
export function pad(x: TensorLike, paddings: ReadonlyArray<readonly [number, number]>, value = 0): Tensor {
  const [t, owned] = convert('pad', 'x', x);
  try {
    if (paddings.length !== t.rank || !paddings.every((p) => p.length === 2 && p.every((v) => Number.isInteger(v) && v >= 0))) {
      throw new PolytensorError(
        `pad: paddings ${JSON.stringify(paddings)} must hold one [before, after] pair of non-negative integers per axis of ${fmt(t.shape)}`,
      );
    }
    const outShape = t.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
    return ENGINE.runKernel('pad', [t], (b) => b.pad(t, paddings, value), { shape: outShape, dtype: t.dtype }, (dy, { inputs }) => [
      () => slice(dy, paddings.map((p) => p[0]), inputs[0]!.shape),
    ]);
  } finally {
    if (owned) t.dispose();
  }
}
