import { sizeOfShape, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { lastDim, rowwise } from './softmax_util.js';
import { packedRowsReadable, softmaxPackedRows } from './softmax_packed.js';

/**
 * Stable softmax over the last axis: exp(x − max) / Σ exp(x − max), with this
 * package's accurate exp (tfjs's Softmax composes its kernels with GLSL's exp).
 * Long rows whose values can be read packed take three packed programs
 * (softmax_packed.ts); the rest the row statistics and one elementwise pass.
 */
export function softmax(s: WebGLStore, logits: TensorInfo): TensorInfo {
  const size = sizeOfShape(logits.shape);
  const n = lastDim(logits.shape);
  if (size > 0 && n >= s.windowMinTerms && packedRowsReadable(s, logits, size / n, n)) {
    return softmaxPackedRows(s, logits, size / n, n);
  }
  return rowwise(s, 'softmax', logits, 'ptExp(getX(i) - getM(row)) / (1.0 + getT(row))');
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const softmaxKernel: KernelImpl<'softmax', WebGLStore> = (s, logits) => softmax(s.enter('softmax'), logits);
