import type { DropoutMaskSpec, PhiloxKey } from '../../backend/kernels.js';
import type { TensorInfo } from '../../backend/types.js';
import { fillPhiloxUniform } from '../../random/uniform_f32.js';
import type { KernelContext } from '../temps.js';

/** Drawn on the host (WebAssembly SIMD where it loads) into a fresh array the backend adopts (or copies): one upload. */
export function philoxUniform(k: KernelContext, shape: readonly number[], key: PhiloxKey, dropout: DropoutMaskSpec | null): TensorInfo {
  let n = 1;
  for (const d of shape) n *= d;
  const values = new Float32Array(n);
  fillPhiloxUniform(key, dropout, values);
  return { dataId: k.adopt(values, shape, 'float32'), shape, dtype: 'float32' };
}
