import type { TensorInfo, KernelImpl } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { rowwise } from './softmax_util.js';

/** Stable log-softmax over the last axis: (x − max) − log1p(T), T = Σ exp(x − max) without the max's 1 (see rowStats). tfjs has no such kernel. */
export function logSoftmax(s: WebGLStore, logits: TensorInfo): TensorInfo {
  return rowwise(s, 'logSoftmax', logits, '(getX(i) - getM(row)) - ptLog1p(getT(row))');
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const logSoftmaxKernel: KernelImpl<'logSoftmax', WebGLStore> = (s, logits) => logSoftmax(s.enter('logSoftmax'), logits);
