import type { DType, KernelImpl } from '@polytensor/core';
import { CDTYPE, type Tw, type WasmRuntime } from '../runtime.js';
import type { WasmStore } from '../store.js';
import { boolToFloat32 } from './elementwise_simd.js';

/**
 * Convert dtype. →bool is the tfjs wasm NotEqual kernel against a zero scalar
 * (`x != 0`, so NaN → true); the numeric conversions are a typed-array store
 * between two views of the heap, as tfjs's own Cast does (float→int32
 * truncates toward zero; int32→float32 rounds to nearest), bool→float32 by
 * this package's SIMD module where it loads (relu's gradient mask).
 */
export function cast(rt: WasmRuntime, x: Tw, dtype: DType): Tw {
  const simd = x.dtype === 'bool' && dtype === 'float32' && x.data.size > 0 ? boolToFloat32(rt, x) : null;
  if (simd) return simd;
  const out = rt.empty(x.shape, dtype);
  if (x.data.size === 0) return out;
  if (dtype === x.dtype) {
    rt.copy(x.data, 0, out.data, 0, x.data.size);
  } else if (dtype === 'bool') {
    const zero = rt.constant(0, x.dtype);
    rt.m._NotEqual(x.data.id, rt.ints(0, [x.data.size]), 1, zero.data.id, rt.ints(1, []), 0, CDTYPE[x.dtype], out.data.id);
  } else {
    rt.view(out.data).set(rt.view(x.data));
  }
  return out;
}

/** The contract-level kernel: this instance's buffers in, a buffer it owns out. */
export const castKernel: KernelImpl<'cast', WasmStore> = (s, x, dtype) => s.run(() => cast(s.rt, s.input(x, 'cast'), dtype));
