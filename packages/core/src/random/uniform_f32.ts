import type { DropoutMaskSpec, PhiloxKey } from '../backend/kernels.js';
import { philoxFloat32Run } from './philox.js';

/**
 * The host side of kernel philoxUniform: `out[j]` = element j of the stream
 * at `key` as the kernel defines it (float32 uniform in [0, 1), or dropout's
 * scaled mask). The reference every backend's own philoxUniform must match
 * bit for bit.
 * @internal
 */
export function fillPhiloxUniform(key: PhiloxKey, dropout: DropoutMaskSpec | null, out: Float32Array): void {
  philoxFloat32Run(key.k0, key.k1, key.stream, 0, out.length, out, 0, dropout);
}
