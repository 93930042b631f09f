import type { KernelImpl } from '@polytensor/core';
import type { Tw, WasmRuntime } from '../runtime.js';
import type { WasmStore } from '../store.js';

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** The int32 whose bits are the float32 `v`. */
function bits(v: number): number {
  f32[0] = v;
  return i32[0]!;
}

/**
 * indices → float32 [...indices.shape, depth] by the tfjs wasm OneHot kernel.
 * That kernel fills int32 words (off everywhere, on at in-range indices); it
 * is given the bit patterns of the float32 on/off values, so the words it
 * writes are exactly those floats (NaN and −0 included).
 */
export function oneHot(rt: WasmRuntime, indices: Tw, depth: number, onValue: number, offValue: number): Tw {
  const out = rt.empty([...indices.shape, depth], 'float32');
  if (out.data.size === 0) return out;
  rt.m._OneHot(indices.data.id, depth, bits(onValue), bits(offValue), out.data.id);
  return out;
}

/** The contract-level kernel: this instance's buffers in, a buffer it owns out. */
export const oneHotKernel: KernelImpl<'oneHot', WasmStore> = (s, indices, depth, onValue, offValue) =>
  s.run(() => oneHot(s.rt, s.input(indices, 'oneHot'), depth, onValue, offValue));
