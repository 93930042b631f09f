import type { TensorInfo, KernelImpl } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { rowwise } from './softmax_util.js';

/**
 * Stable softmax over the last axis: exp(x − max) / Σ exp(x − max), with this
 * package's accurate exp (tfjs's Softmax composes its kernels with GLSL's exp).
 */
export function softmax(s: WebGLStore, logits: TensorInfo): TensorInfo {
  return rowwise(s, 'softmax', logits, 'ptExp(getX(i) - getM(row)) / (1.0 + getT(row))');
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const softmaxKernel: KernelImpl<'softmax', WebGLStore> = (s, logits) => softmax(s.enter('softmax'), logits);
