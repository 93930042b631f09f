// sparseToDense: a dense tensor of defaultValue with given elements set. The
// indices are read on the host to check their range (as tfjs's kernels do)
// and turned into, per output element, which value lands there; the result is
// then one gather and one where, so values move bit for bit (−0, NaN kept).
import { sizeOf } from '../backend/types.js';
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { assertValidShape, fmt } from '../util/shape.js';
import { convert, tensor } from './convert.js';
import { gather } from './gather.js';
import { withIndices } from './gather_nd.js';
import { reshape } from './reshape.js';
import { where } from './where.js';

/**
 * A tensor of `outputShape` filled with `defaultValue` except at
 * `sparseIndices`, which get `sparseValues`, as tfjs's sparseToDense.
 * `sparseIndices` (int32) is a scalar (one index into a vector), a vector
 * (indices into a vector) or a matrix [n, rank] (one index tuple per row);
 * `sparseValues` is a scalar (for every index) or a vector of n values;
 * `defaultValue` has their dtype. At a repeated index the last value wins.
 * An index out of range is an error (the indices are read on the host to
 * check, as tfjs does). Differentiable with respect to `sparseValues` and
 * `defaultValue`.
 * @example
 * sparseToDense(tensor1d([0, 3], 'int32'), tensor1d([5, 7]), [5]); // [5, 0, 0, 7, 0]
 */
export function sparseToDense(sparseIndices: TensorLike, sparseValues: TensorLike, outputShape: readonly number[], defaultValue: TensorLike = 0): Tensor {
  const op = 'sparseToDense';
  const [v, ownV] = convert(op, 'sparseValues', sparseValues);
  const [d, ownD] = convert(op, 'defaultValue', defaultValue, v.dtype);
  try {
    return withIndices(
      op,
      sparseIndices,
      (idx) => {
        if (idx.dtype !== 'int32') throw new PolytensorError(`${op}: sparseIndices has dtype ${idx.dtype}; cast it with cast(sparseIndices, 'int32')`);
        assertValidShape(op, outputShape);
        if (idx.rank > 2) throw new PolytensorError(`${op}: sparseIndices ${fmt(idx.shape)} must be a scalar, a vector or a matrix [n, rank]`);
        const n = idx.rank > 0 ? idx.shape[0]! : 1;
        const depth = idx.rank > 1 ? idx.shape[1]! : 1;
        if (outputShape.length !== depth) {
          throw new PolytensorError(
            `${op}: sparseIndices ${fmt(idx.shape)} hold index tuples of length ${depth} but outputShape ${fmt(outputShape)} has rank ${outputShape.length}`,
          );
        }
        if (!(v.rank === 0 || (v.rank === 1 && v.size === n))) {
          throw new PolytensorError(`${op}: sparseValues ${fmt(v.shape)} must be a scalar or have one value per index: [${n}]`);
        }
        if (d.dtype !== v.dtype || d.rank !== 0) {
          throw new PolytensorError(`${op}: defaultValue must be a scalar of sparseValues' dtype ${v.dtype}, got ${d.dtype} ${fmt(d.shape)}`);
        }
        const values = idx.dataSync();
        const size = sizeOf(outputShape);
        const source = new Int32Array(size);
        const set = new Uint8Array(size);
        for (let e = 0; e < n; e++) {
          let flat = 0;
          for (let k = 0; k < depth; k++) {
            const i = values[e * depth + k]!;
            if (i < 0 || i >= outputShape[k]!) {
              const tuple = Array.from(values.subarray(e * depth, (e + 1) * depth));
              throw new PolytensorError(
                `${op}: index [${tuple}] (entry ${e} of sparseIndices) is out of range for outputShape ${fmt(outputShape)}: component ${k} must be in [0, ${outputShape[k]})`,
              );
            }
            flat = flat * outputShape[k]! + i;
          }
          source[flat] = v.rank === 0 ? 0 : e;
          set[flat] = 1;
        }
        return ENGINE.tidy(() => {
          const vec = reshape(v, [v.size]);
          const picked = v.size === 0 ? vec : gather(vec, tensor(source, [size], 'int32'), 0);
          const mask = tensor(set, outputShape, 'bool');
          return where(mask, v.size === 0 ? d : reshape(picked, outputShape), d);
        });
      },
      'sparseIndices',
    );
  } finally {
    if (ownV) v.dispose();
    if (ownD) d.dispose();
  }
}
