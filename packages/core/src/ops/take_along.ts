// Movement ops that pick slices at indices known on the host (tile, reverse,
// mirrorPad, stridedSlice) go through gather: exact for every dtype, and
// gather's rule (scatterAdd) gives their gradients, repeats accumulating.
import { ravel, stridesOf, unravel } from '../backend/shape_utils.js';
import { sizeOf } from '../backend/types.js';
import { ENGINE } from '../engine/engine.js';
import type { Tensor } from '../tensor.js';
import { tensor } from './convert.js';
import { gather } from './gather.js';
import { reshape } from './reshape.js';
import { slice } from './slice.js';

/** @internal `x`'s slices along `axis` at `indices` (host integers, in range). */
export function takeAlong(x: Tensor, axis: number, indices: readonly number[]): Tensor {
  return ENGINE.tidy(() => gather(x, tensor(Int32Array.from(indices), [indices.length], 'int32'), axis));
}

/** @internal Whether `indices` are 0, 1, …, n−1 (taking them is a no-op). */
export function isIdentity(indices: readonly number[], n: number): boolean {
  return indices.length === n && indices.every((v, i) => v === i);
}

/**
 * @internal An empty result of `shape` still connected to `x` (so gradients
 * reach `x`, as zeros): a slice of `x` with the axes `zeroAxes` marks cut
 * to size 0, reshaped. Kernels never see a zero-size gather.
 */
export function emptyFrom(x: Tensor, shape: readonly number[], zeroAxes: readonly boolean[]): Tensor {
  return ENGINE.tidy(() => {
    const size = x.shape.map((d, i) => (zeroAxes[i] ? 0 : d));
    return reshape(
      slice(
        x,
        x.shape.map(() => 0),
        size,
      ),
      shape,
    );
  });
}

/**
 * @internal A tensor of `shape` whose element at index `o` (an output index)
 * is `x`'s element at `source(o)` (an input index): one gather of the
 * flattened `x` at host-computed positions. For rearrangements a transpose
 * would need more than six axes for (space-to-batch over several dims).
 */
export function remap(x: Tensor, shape: readonly number[], source: (o: readonly number[]) => readonly number[]): Tensor {
  return ENGINE.tidy(() => {
    const flat = reshape(x, [x.size]);
    const n = sizeOf(shape);
    if (n === 0) return reshape(slice(flat, [0], [0]), shape);
    const strides = stridesOf(x.shape);
    const idx = new Int32Array(n);
    for (let o = 0; o < n; o++) idx[o] = ravel(source(unravel(o, shape)), strides);
    return reshape(gather(flat, tensor(idx, [n], 'int32'), 0), shape);
  });
}
