import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { convert } from './convert.js';

/** Permute axes; default reverses them. */
export function transpose(x: TensorLike, perm?: readonly number[]): Tensor {
  const [t, owned] = convert('transpose', 'x', x);
  try {
    const p = perm ? [...perm] : t.shape.map((_, i) => t.rank - 1 - i);
    const sorted = [...p].sort((a, b) => a - b);
    if (p.length !== t.rank || !sorted.every((v, i) => v === i)) {
      throw new PolytensorError(
        `transpose: perm [${p}] is not a permutation of the ${t.rank} axes of ${fmt(t.shape)}; list each of 0..${t.rank - 1} once`,
      );
    }
    const outShape = p.map((a) => t.shape[a]!);
    const inverse = new Array<number>(p.length);
    p.forEach((a, i) => (inverse[a] = i));
    return ENGINE.runKernel('transpose', [t], (b) => b.transpose(t, p), { shape: outShape, dtype: t.dtype }, (dy) => [
      () => transpose(dy, inverse),
    ]);
  } finally {
    if (owned) t.dispose();
  }
}
