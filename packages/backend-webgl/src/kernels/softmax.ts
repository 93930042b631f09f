import { sizeOfShape, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { lastDim, rowStats } from './softmax_util.js';

/**
 * Stable softmax over the last axis: exp(x − max) / Σ exp(x − max), with this
 * package's accurate exp (tfjs's Softmax composes its kernels with GLSL's exp).
 */
export function softmax(s: WebGLStore, logits: TensorInfo): TensorInfo {
  const size = sizeOfShape(logits.shape);
  if (size === 0) return s.fromValues(new Float32Array(0), logits.shape, 'float32');
  const n = lastDim(logits.shape);
  const rows = size / n;
  const { max, tail } = rowStats(s, logits, rows, n);
  const body = `
    void main() {
      int i = getOutputCoords();
      int row = i / ptN;
      setOutput(ptExp(getX(i) - getM(row)) / (1.0 + getT(row)));
    }`;
  const out = s.flat('softmax', ['x', 'm', 't'], [logits, max, tail], size, 'float32', body, [{ name: 'ptN', type: 'int' }], [[n]]);
  s.disposeTemp(max);
  s.disposeTemp(tail);
  return s.wrap(out, logits.shape, 'float32');
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const softmaxKernel: KernelImpl<'softmax', WebGLStore> = (s, logits) => softmax(s.enter('softmax'), logits);
