import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { convert } from './convert.js';

/** `size[i]` elements from `begin[i]` along each axis; size -1 means "to the end". */
export function slice(x: TensorLike, begin: number | readonly number[], size?: number | readonly number[]): Tensor {
  const [t, owned] = convert('slice', 'x', x);
  try {
    const b = typeof begin === 'number' ? [begin, ...new Array<number>(t.rank - 1).fill(0)] : [...begin];
    const s0 = size === undefined ? [] : typeof size === 'number' ? [size] : [...size];
    if (b.length !== t.rank) throw new PolytensorError(`slice: begin [${b}] has ${b.length} entries for a tensor of rank ${t.rank} (${fmt(t.shape)})`);
    const s = t.shape.map((d, i) => {
      const v = s0[i] ?? -1;
      return v === -1 ? d - b[i]! : v;
    });
    t.shape.forEach((d, i) => {
      if (!Number.isInteger(b[i]) || !Number.isInteger(s[i]) || b[i]! < 0 || s[i]! < 0 || b[i]! + s[i]! > d) {
        throw new PolytensorError(
          `slice: begin [${b}] with size [${s}] is out of bounds on axis ${i} of ${fmt(t.shape)}; need 0 ≤ begin and begin + size ≤ ${d}`,
        );
      }
    });
    return ENGINE.runKernel('slice', [t, b, s]);
  } finally {
    if (owned) t.dispose();
  }
}
