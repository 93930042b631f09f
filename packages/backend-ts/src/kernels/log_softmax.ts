import type { KernelImpl } from '@polytensor/core';
import { lastDim, type TsStore } from '../store.js';

/** log-softmax over the last axis: x − rowMax − log Σ exp(x − rowMax), in double. */
export function logSoftmax(x: Float32Array, n: number): Float32Array {
  const out = new Float32Array(x.length);
  if (n === 0) return out;
  for (let base = 0; base < x.length; base += n) {
    let m = -Infinity;
    for (let j = 0; j < n; j++) m = Math.max(m, x[base + j]!);
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.exp(x[base + j]! - m);
    const lse = Math.log(s);
    for (let j = 0; j < n; j++) out[base + j] = x[base + j]! - m - lse;
  }
  return out;
}

/** The contract-level kernel: storage in, storage out. */
export const logSoftmaxKernel: KernelImpl<'logSoftmax', TsStore> = (s, logits) =>
  s.output(logSoftmax(s.f32(logits, 'logSoftmax'), lastDim(logits.shape)), logits.shape);
