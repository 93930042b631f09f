import type { GpuTexture } from '../gpujs.js';
import type { GpuRuntime } from '../runtime.js';

/** n copies of `value` (any float, NaN and −0 included: it travels as a uniform). */
export function fillTexture(rt: GpuRuntime, n: number, value: number): GpuTexture {
  return rt.run({ key: 'fill', params: [['v', 'float']], body: 'return v;' }, [n], [value]);
}

/** Host float32 values into a new texture (written directly: see GpuRuntime.uploadFloats), `rowWidth` wide when given. */
export function uploadTexture(rt: GpuRuntime, values: Float32Array, rowWidth: number | null = null): GpuTexture {
  return rt.uploadFloats(values, rowWidth);
}
