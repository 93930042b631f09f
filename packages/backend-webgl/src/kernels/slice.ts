import type { TensorInfo } from '@polytensor/core';
import type { Runtime } from '../runtime.js';

/** tfjs's Slice kernel (contiguous slices of unpacked textures share the texture: no copy). */
export function slice(rt: Runtime, x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo {
  if (rt.onHostOnly(x)) return rt.onHost([x], (ts, [hx]) => ts.slice(hx!, begin, size));
  if (x.shape.length === 0) return rt.copy(x);
  const out = rt.kernel('Slice', { x }, { begin: [...begin], size: [...size] });
  return rt.wrap(out, size, x.dtype, rt.bound(x));
}
