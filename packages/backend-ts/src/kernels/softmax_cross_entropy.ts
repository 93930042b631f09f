import type { KernelImpl } from '@polytensor/core';
import { lastDim, type TsStore } from '../store.js';

/**
 * Per-row softmax cross-entropy from logits: out[r] = Σ_c labels[c] · −logSoftmax(logits)[c]
 * over rows of `n` classes, in one pass per row, entirely in double and rounded
 * once: −logSoftmax(x)_c = (m − x_c) + log Σ exp(x − m) with m the row max.
 */
export function softmaxCrossEntropy(logits: Float32Array, labels: Float32Array, n: number): Float32Array {
  const rows = n === 0 ? 0 : logits.length / n;
  const out = new Float32Array(rows);
  for (let r = 0, base = 0; r < rows; r++, base += n) {
    let m = -Infinity;
    for (let j = 0; j < n; j++) m = Math.max(m, logits[base + j]!);
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.exp(logits[base + j]! - m);
    const lse = Math.log(s);
    let loss = 0;
    for (let j = 0; j < n; j++) loss += labels[base + j]! * (m - logits[base + j]! + lse);
    out[r] = loss;
  }
  return out;
}

/** The contract-level kernel: storage in, storage out. */
export const softmaxCrossEntropyKernel: KernelImpl<'softmaxCrossEntropy', TsStore> = (s, logits, labels) =>
  s.output(softmaxCrossEntropy(s.f32(logits, 'softmaxCrossEntropy'), s.f32(labels, 'softmaxCrossEntropy'), lastDim(logits.shape)), logits.shape.slice(0, -1));
