import type { TensorInfo } from '../../backend/types.js';
import { composite, type KernelContext } from '../temps.js';

/** [..., depth] float32: onValue where the index equals the position, offValue elsewhere (out-of-range rows all off). */
export function oneHot(k: KernelContext, indices: TensorInfo, depth: number, onValue: number, offValue: number): TensorInfo {
  return composite(k, [indices], (t) => {
    const outShape = [...indices.shape, depth];
    const iota = t.constant(
      Int32Array.from({ length: depth }, (_, i) => i),
      [depth],
      'int32',
    );
    const hit = t.t(k.binary('equal', t.reshape(indices, [...indices.shape, 1]), iota, outShape));
    return t.t(k.where(hit, t.scalar(onValue), t.scalar(offValue), outShape));
  });
}
