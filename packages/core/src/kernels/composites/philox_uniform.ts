import type { DropoutMaskSpec, PhiloxKey } from '../../backend/kernels.js';
import { sizeOf, type TensorInfo } from '../../backend/types.js';
import { philoxFloat32Run } from '../../random/philox.js';
import type { KernelContext } from '../temps.js';

/** Drawn on the host (WebAssembly SIMD where it loads) into an array the backend gives (or a new one) and adopts (or copies): one upload. */
export function philoxUniform(k: KernelContext, shape: readonly number[], key: PhiloxKey, dropout: DropoutMaskSpec | null): TensorInfo {
  const size = sizeOf(shape);
  const values = k.hostFloat32?.(size) ?? new Float32Array(size);
  philoxFloat32Run(key.k0, key.k1, key.stream, 0, values.length, values, 0, dropout);
  return { dataId: k.adopt(values, shape, 'float32'), shape, dtype: 'float32' };
}
