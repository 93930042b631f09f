import type { KernelImpl } from '@polytensor/core';
import { lastDim, type TsStore } from '../store.js';

/** Softmax over the last axis (rows of `n`): exp(x − rowMax) / Σ, in double. NaN and ±Infinity follow IEEE. */
export function softmax(x: Float32Array, n: number): Float32Array {
  const out = new Float32Array(x.length);
  if (n === 0) return out;
  const e = new Float64Array(n);
  for (let base = 0; base < x.length; base += n) {
    let m = -Infinity;
    for (let j = 0; j < n; j++) m = Math.max(m, x[base + j]!);
    let s = 0;
    for (let j = 0; j < n; j++) s += e[j] = Math.exp(x[base + j]! - m);
    for (let j = 0; j < n; j++) out[base + j] = e[j]! / s;
  }
  return out;
}

/** The contract-level kernel: storage in, storage out. */
export const softmaxKernel: KernelImpl<'softmax', TsStore> = (s, logits) => s.output(softmax(s.f32(logits, 'softmax'), lastDim(logits.shape)), logits.shape);
