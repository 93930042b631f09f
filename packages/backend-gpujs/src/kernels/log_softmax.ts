import type { TensorInfo } from '@polytensor/core';
import type { Store } from '../store.js';
import { softmaxLike } from './softmax.js';

/** log-softmax over the last axis: (x − max) − log1p(T), T = Σ exp(x − max) without the first max's 1 (see rowStats). */
export function logSoftmax(s: Store, logits: TensorInfo): TensorInfo {
  return softmaxLike(s, logits, true);
}
