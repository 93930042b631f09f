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
      throw new PolytensorError(`transpose: perm [${p}] is not a permutation of the ${t.rank} axes of ${fmt(t.shape)}; list each of 0..${t.rank - 1} once`);
    }
    return ENGINE.runKernel('transpose', [t, p]);
  } finally {
    if (owned) t.dispose();
  }
}
