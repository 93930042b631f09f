import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { broadcastShapes, fmt } from '../util/shape.js';
import { convert, tensor } from './convert.js';

/**
 * The broadcast shape of two shapes given as int32 vectors (tfjs's
 * broadcastArgs), as an int32 vector; incompatible shapes are an error.
 * @example
 * broadcastArgs(tensor([2, 1], undefined, 'int32'), tensor([3], undefined, 'int32')) // [2,3]
 */
export function broadcastArgs(s0: TensorLike, s1: TensorLike): Tensor {
  const [a, ownA] = convert('broadcastArgs', 's0', s0, 'int32');
  const [b, ownB] = convert('broadcastArgs', 's1', s1, 'int32');
  try {
    for (const [name, t] of [
      ['s0', a],
      ['s1', b],
    ] as const) {
      if (t.rank !== 1 || t.dtype !== 'int32') {
        throw new PolytensorError(`broadcastArgs: ${name} must be an int32 vector (a shape), got a ${t.dtype} ${fmt(t.shape)}`);
      }
    }
    const shape = broadcastShapes('broadcastArgs', Array.from(a.dataSync()), Array.from(b.dataSync()));
    return tensor(Int32Array.from(shape), [shape.length], 'int32');
  } finally {
    if (ownA) a.dispose();
    if (ownB) b.dispose();
  }
}
