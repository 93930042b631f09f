import type { TensorInfo, KernelImpl } from '@polytensor/core';
import type { GpujsStore } from '../store.js';
import { softmaxLike } from './softmax.js';

/** log-softmax over the last axis: (x − max) − log1p(T), T = Σ exp(x − max) without the first max's 1 (see rowStats). */
export function logSoftmax(s: GpujsStore, logits: TensorInfo): TensorInfo {
  return softmaxLike(s, logits, true);
}

/** The contract-level kernel. */
export const logSoftmaxKernel: KernelImpl<'logSoftmax', GpujsStore> = logSoftmax;
