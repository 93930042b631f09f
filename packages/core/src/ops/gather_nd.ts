// gatherND, scatterND and tensorScatterUpdate: N-dimensional indexing as one
// gather (or scatterAdd) along axis 0 of the tensor viewed as [slices, slice
// size]. The index tuples are read on the host to check their range, as
// tfjs's kernels do, and flattened there to one slice number each; autodiff
// then differentiates through gather/scatterAdd's own rules.
import { sizeOf } from '../backend/types.js';
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { assertValidShape, fmt } from '../util/shape.js';
import { assertDType, convert, tensor as makeTensor, withTensors } from './convert.js';
import { gather, scatterAdd } from './gather.js';
import { reshape } from './reshape.js';
import { where } from './where.js';

/**
 * Run `body` with `indices` as a tensor: a literal (array, number) becomes
 * int32, as tfjs converts indices; a tensor is taken as it is (and must be int32).
 */
export function withIndices<R>(op: string, indices: TensorLike, body: (idx: Tensor) => R, arg = 'indices'): R {
  const [idx, owned] = Array.isArray(indices) || typeof indices === 'number' ? [makeTensor(indices, undefined, 'int32'), true] : convert(op, arg, indices);
  try {
    return body(idx);
  } finally {
    if (owned) idx.dispose();
  }
}

/** Index tuples flattened: one slice number per tuple, into `shape` viewed as [numSlices, sliceSize]. */
interface FlatIndex {
  /** Slice number of each tuple (row-major over shape[:depth]). */
  readonly slices: Int32Array;
  /** indices.shape without its tuple axis. */
  readonly batchShape: readonly number[];
  /** shape[depth:]: what one tuple addresses. */
  readonly sliceShape: readonly number[];
  readonly numSlices: number;
  readonly sliceSize: number;
}

/**
 * Read and check `idx`'s tuples (its last axis, of length `depth`) against
 * `shape`: every component in [0, shape[k]), else an error naming the op,
 * the tuple, where it is and the valid range.
 */
function flatten(op: string, idx: Tensor, depth: number, batchShape: readonly number[], shape: readonly number[], target: string): FlatIndex {
  const values = idx.dataSync();
  const n = sizeOf(batchShape);
  const slices = new Int32Array(n);
  for (let b = 0; b < n; b++) {
    let flat = 0;
    for (let k = 0; k < depth; k++) {
      const v = values[b * depth + k]!;
      const dim = shape[k]!;
      if (v < 0 || v >= dim) {
        const tuple = Array.from(values.subarray(b * depth, (b + 1) * depth));
        throw new PolytensorError(
          `${op}: index [${tuple}] (tuple ${b} of indices ${fmt(idx.shape)}) is out of range for ${target} ${fmt(shape)}: ` +
            `component ${k} is ${v}, it must be in [0, ${dim})`,
        );
      }
      flat = flat * dim + v;
    }
    slices[b] = flat;
  }
  const sliceShape = shape.slice(depth);
  return { slices, batchShape, sliceShape, numSlices: sizeOf(shape.slice(0, depth)), sliceSize: sizeOf(sliceShape) };
}

/**
 * The slices of `x` addressed by the index tuples on the last axis of
 * `indices` (int32, shape [...batch, K] with K ≤ rank of x), as tfjs's
 * gatherND: the result has shape batch + x.shape[K:] and x's dtype. Reads
 * `indices` on the host to check their range (as tfjs does); an index out of
 * range is an error. Differentiable with respect to `x` (the gradient adds
 * into the gathered slices, repeated tuples summed).
 * @example
 * gatherND(tensor2d([[1, 2], [3, 4]]), tensor2d([[1, 0], [0, 1]], [2, 2], 'int32')); // [3, 2]
 */
export function gatherND(x: TensorLike, indices: TensorLike): Tensor {
  return withTensors('gatherND', { x }, ({ x: t }) =>
    withIndices('gatherND', indices, (idx) => {
      assertDType('gatherND', 'indices', idx, ['int32']);
      if (t.rank === 0) throw new PolytensorError('gatherND: x is a scalar; it needs rank ≥ 1 to be indexed');
      if (idx.rank === 0) throw new PolytensorError('gatherND: indices is a scalar; pass index tuples on its last axis, e.g. [[i, j]]');
      const depth = idx.shape[idx.rank - 1]!;
      if (depth > t.rank) {
        throw new PolytensorError(
          `gatherND: index tuples of length ${depth} (indices ${fmt(idx.shape)}) cannot address x of rank ${t.rank} ${fmt(t.shape)}; ` +
            `the last axis of indices must be at most ${t.rank}`,
        );
      }
      const f = flatten('gatherND', idx, depth, idx.shape.slice(0, -1), t.shape, 'x of shape');
      return ENGINE.tidy(() => {
        const rows = gather(reshape(t, [f.numSlices, f.sliceSize]), makeTensor(f.slices, [f.slices.length], 'int32'), 0);
        return reshape(rows, [...f.batchShape, ...f.sliceShape]);
      });
    }),
  );
}

/** Check updates.shape = indices.shape[:-1] + shape[K:] (tfjs's rule; indices of rank 1 are K = 1 tuples). */
function updateIndex(op: string, idx: Tensor, u: Tensor, shape: readonly number[], target: string): FlatIndex {
  assertDType(op, 'indices', idx, ['int32']);
  if (idx.rank === 0) throw new PolytensorError(`${op}: indices is a scalar; pass index tuples on its last axis (rank ≥ 1), e.g. [[i, j]]`);
  if (shape.length === 0) throw new PolytensorError(`${op}: the output shape is a scalar []; it needs rank ≥ 1 to be indexed`);
  const depth = idx.rank === 1 ? 1 : idx.shape[idx.rank - 1]!;
  const batchShape = idx.rank === 1 ? idx.shape : idx.shape.slice(0, -1);
  if (depth > shape.length) {
    throw new PolytensorError(
      `${op}: index tuples of length ${depth} (indices ${fmt(idx.shape)}) cannot address ${target} ${fmt(shape)} of rank ${shape.length}`,
    );
  }
  const expected = [...batchShape, ...shape.slice(depth)];
  if (expected.length !== u.rank || expected.some((d, i) => d !== u.shape[i])) {
    throw new PolytensorError(
      `${op}: updates have shape ${fmt(u.shape)} but indices ${fmt(idx.shape)} into ${target} ${fmt(shape)} need updates of shape ${fmt(expected)} ` +
        '(indices.shape[:-1] + shape[K:], K the length of an index tuple)',
    );
  }
  return flatten(op, idx, depth, batchShape, shape, target);
}

/**
 * A tensor of `shape`, zeros except `updates` added at the index tuples of
 * `indices` (int32 [...batch, K]; rank 1 means tuples of length 1), as
 * tfjs's scatterND: updates at a repeated tuple are summed. `updates` has
 * shape batch + shape[K:], float32 or int32; the result has its dtype. Reads
 * `indices` on the host to check their range (as tfjs does). Differentiable
 * with respect to `updates`.
 * @example
 * scatterND(tensor2d([[0], [2]], [2, 1], 'int32'), tensor1d([5, 7]), [4]); // [5, 0, 7, 0]
 */
export function scatterND(indices: TensorLike, updates: TensorLike, shape: readonly number[]): Tensor {
  return withTensors('scatterND', { updates }, ({ updates: u }) =>
    withIndices('scatterND', indices, (idx) => {
      assertValidShape('scatterND', shape);
      assertDType('scatterND', 'updates', u, ['float32', 'int32']);
      const f = updateIndex('scatterND', idx, u, shape, 'shape');
      return ENGINE.tidy(() => {
        const rows = reshape(u, [f.slices.length, f.sliceSize]);
        const out = scatterAdd(rows, makeTensor(f.slices, [f.slices.length], 'int32'), 0, [f.numSlices, f.sliceSize]);
        return reshape(out, shape);
      });
    }),
  );
}

/**
 * `tensor` with the slices at the index tuples of `indices` replaced by
 * `updates` (same dtype as `tensor`, shape indices.shape[:-1] +
 * tensor.shape[K:]), as tfjs's tensorScatterUpdate; at a repeated tuple the
 * last update wins. Values are moved bit for bit (−0 and NaN kept). Reads
 * `indices` on the host to check their range (as tfjs does).
 * Differentiable with respect to `tensor` (zero where replaced) and `updates`.
 * @example
 * tensorScatterUpdate(tensor1d([1, 2, 3]), tensor2d([[1]], [1, 1], 'int32'), tensor1d([9])); // [1, 9, 3]
 */
export function tensorScatterUpdate(tensor: TensorLike, indices: TensorLike, updates: TensorLike): Tensor {
  return withTensors('tensorScatterUpdate', { tensor, updates }, ({ tensor: t, updates: u }) =>
    withIndices('tensorScatterUpdate', indices, (idx) => {
      if (t.dtype !== u.dtype) {
        throw new PolytensorError(`tensorScatterUpdate: tensor is ${t.dtype} but updates are ${u.dtype}; cast updates with cast(updates, '${t.dtype}')`);
      }
      const f = updateIndex('tensorScatterUpdate', idx, u, t.shape, 'tensor of shape');
      if (f.slices.length === 0 || t.size === 0) return reshape(t, t.shape);
      // Per slice of the output: which update lands there (the last one naming it), so the result is one gather and one where.
      const source = new Int32Array(f.numSlices);
      const replaced = new Uint8Array(f.numSlices);
      f.slices.forEach((s, b) => {
        source[s] = b;
        replaced[s] = 1;
      });
      return ENGINE.tidy(() => {
        const picked = gather(reshape(u, [f.slices.length, f.sliceSize]), makeTensor(source, [f.numSlices], 'int32'), 0);
        const mask = makeTensor(replaced, [f.numSlices, 1], 'bool');
        return reshape(where(mask, picked, reshape(t, [f.numSlices, f.sliceSize])), t.shape);
      });
    }),
  );
}
