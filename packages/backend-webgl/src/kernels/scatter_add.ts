import { prodOfDims, sizeOfShape, type TensorInfo, type KernelImpl } from '@polytensor/core';
import { EXACT_INT, type WebGLStore } from '../store.js';
import { loopBound } from './reduce_util.js';

/**
 * The adjoint of gather (tfjs has no such kernel along an axis): each output
 * element sums, in order, the update slices whose index selects it.
 * Output [P, D, Q] from updates [P, n, Q] and n indices.
 */
export function scatterAdd(s: WebGLStore, updates: TensorInfo, indices: TensorInfo, axis: number, outShape: readonly number[]): TensorInfo {
  const n = sizeOfShape(indices.shape);
  const P = prodOfDims(outShape, 0, axis);
  const D = outShape[axis]!;
  const Q = prodOfDims(outShape, axis + 1);
  const dtype = updates.dtype;
  let bound = 0;
  if (dtype === 'int32') {
    bound = s.bound(updates) * n;
    if (s.onHostOnly(updates) || bound > EXACT_INT) {
      return s.onHost([updates, indices], (ts, [u, i]) => ts.scatterAdd(u!, i!, axis, outShape));
    }
  }
  if (s.onHostOnly(indices)) return s.onHost([updates, indices], (ts, [u, i]) => ts.scatterAdd(u!, i!, axis, outShape));
  const size = P * D * Q;
  if (size === 0) return s.fromValues(new Float32Array(0), outShape, dtype);
  if (n === 0) return s.fill(outShape, dtype, 0, 0);
  const L = loopBound(n);
  const body = `
    void main() {
      int o = getOutputCoords();
      int p = o / (ptD * ptQ);
      int rem = o - p * ptD * ptQ;
      int d = rem / ptQ;
      int q = rem - d * ptQ;
      float target = float(d);
      float acc = 0.0;
      int base = p * ptN * ptQ + q;
      for (int j = 0; j < ${L}; j++) {
        if (j >= ptN) break;
        if (getIndices(j) == target) acc += getUpdates(base + j * ptQ);
      }
      setOutput(acc);
    }`;
  const out = s.flat(
    'scatterAdd',
    ['updates', 'indices'],
    [updates, indices],
    size,
    dtype,
    body,
    [
      { name: 'ptD', type: 'int' },
      { name: 'ptQ', type: 'int' },
      { name: 'ptN', type: 'int' },
    ],
    [[D], [Q], [n]],
  );
  return s.wrap(out, outShape, dtype, bound);
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const scatterAddKernel: KernelImpl<'scatterAdd', WebGLStore> = (s, updates, indices, axis, outShape) =>
  scatterAdd(s.enter('scatterAdd'), updates, indices, axis, outShape);
