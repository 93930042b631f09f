import type { Tensor } from '../tensor.js';
import { arraysEqual } from '../util/shape.js';
import { reshape } from './reshape.js';
import { sum } from './reduce.js';

/** Sum a broadcast result back to `shape` (the adjoint of broadcasting). */
export function sumToShape(x: Tensor, shape: readonly number[]): Tensor {
  if (arraysEqual(x.shape, shape)) return x;
  const lead = x.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < x.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && x.shape[i] !== 1)) axes.push(i);
  }
  const reduced = axes.length > 0 ? sum(x, axes) : x;
  return reshape(reduced, shape);
}
