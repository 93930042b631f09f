import type { KernelImpl } from '@polytensor/core';
import type { Tw, WasmRuntime } from '../runtime.js';
import type { WasmStore } from '../store.js';

/** Softmax over the last axis by the tfjs wasm Softmax kernel (XNNPACK, max-subtracted). */
export function softmax(rt: WasmRuntime, logits: Tw): Tw {
  const out = rt.empty(logits.shape, 'float32');
  if (out.data.size === 0) return out;
  const channels = logits.shape.length === 0 ? 1 : logits.shape[logits.shape.length - 1]!;
  rt.m._Softmax(logits.data.id, out.data.id, channels, out.data.size / channels);
  return out;
}

/** The contract-level kernel: this instance's buffers in, a buffer it owns out. */
export const softmaxKernel: KernelImpl<'softmax', WasmStore> = (s, logits) => s.run(() => softmax(s.rt, s.input(logits, 'softmax')));
