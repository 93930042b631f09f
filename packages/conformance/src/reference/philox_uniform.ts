import { type DropoutMaskSpec, type PhiloxKey, philox4x32 } from '@polytensor/core';
import { host, sizeOf, type HostTensor } from '../host.js';

/**
 * Element i's float32 uniform as kernel philoxUniform defines it: core's
 * scalar philox4x32 for counter (i, 0, stream, ⌊i/2^32⌋), the 53-bit double
 * of words 0 and 1 rounded with Math.fround, 1 → 0. Element by element, not
 * the bulk runs core's host path uses.
 */
export function philoxUniformAt(key: PhiloxKey, i: number, block = new Uint32Array(4)): number {
  philox4x32(i >>> 0, 0, key.stream, Math.floor(i / 2 ** 32), key.k0, key.k1, block);
  const u = ((block[0]! >>> 5) * 2 ** 26 + (block[1]! >>> 6)) / 2 ** 53;
  const f = Math.fround(u);
  return f >= 1 ? 0 : f;
}

/** float32 `shape` of the stream's uniforms, or dropout's mask of them (scale where ≥ threshold, else 0). */
export function philoxUniform(shape: readonly number[], key: PhiloxKey, dropout: DropoutMaskSpec | null): HostTensor {
  const block = new Uint32Array(4);
  const out = new Float64Array(sizeOf(shape));
  for (let i = 0; i < out.length; i++) {
    const f = philoxUniformAt(key, i, block);
    out[i] = dropout === null ? f : f >= dropout.threshold ? dropout.scale : 0;
  }
  return host(shape, out, 'float32');
}
