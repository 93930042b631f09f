import { sizeOfShape, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { lastDim, rowStats } from './softmax_util.js';

/** Stable log-softmax over the last axis: (x − max) − log1p(T), T = Σ exp(x − max) without the max's 1 (see rowStats). tfjs has no such kernel. */
export function logSoftmax(s: WebGLStore, logits: TensorInfo): TensorInfo {
  const size = sizeOfShape(logits.shape);
  if (size === 0) return s.fromValues(new Float32Array(0), logits.shape, 'float32');
  const n = lastDim(logits.shape);
  const rows = size / n;
  const { max, tail } = rowStats(s, logits, rows, n);
  const body = `
    void main() {
      int i = getOutputCoords();
      int row = i / ptN;
      setOutput((getX(i) - getM(row)) - ptLog1p(getT(row)));
    }`;
  const out = s.flat('logSoftmax', ['x', 'm', 't'], [logits, max, tail], size, 'float32', body, [{ name: 'ptN', type: 'int' }], [[n]]);
  s.disposeTemp(max);
  s.disposeTemp(tail);
  return s.wrap(out, logits.shape, 'float32');
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const logSoftmaxKernel: KernelImpl<'logSoftmax', WebGLStore> = (s, logits) => logSoftmax(s.enter('logSoftmax'), logits);
