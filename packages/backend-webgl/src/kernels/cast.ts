import { sizeOfShape, type DType, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { WebGLStore } from '../store.js';

/**
 * dtype conversion. Values on the GPU are float32, so int32→float32 of an
 * exactly stored int and every cast to the same dtype are copies; float→int
 * truncates toward zero (a float32 truncated is still a float32, so it stays
 * exact); →bool is `x != 0` with NaN → true.
 */
const GLSL: Readonly<Record<DType, string>> = {
  float32: 'return x;',
  int32: 'return x < 0.0 ? ceil(x) : floor(x);',
  bool: 'return (x != 0.0 || ptIsNaN(x)) ? 1.0 : 0.0;',
};

export function cast(s: WebGLStore, x: TensorInfo, dtype: DType): TensorInfo {
  if (s.onHostOnly(x)) return s.onHost([x], (ts, [hx]) => ts.cast(hx!, dtype));
  const size = sizeOfShape(x.shape);
  if (size === 0) return s.fromValues(new Float32Array(0), x.shape, dtype);
  const fromFloat = x.dtype === 'float32';
  const code = dtype === 'int32' && !fromFloat ? 'return x;' : GLSL[dtype];
  // float→int32: |trunc(x)| of a float32 can be anything up to 2^31 (no bound known without reading)
  const bound = dtype !== 'int32' ? 0 : fromFloat ? 2 ** 31 : x.dtype === 'bool' ? 1 : s.bound(x);
  if (s.packable([x], x.shape)) {
    const packedBody = `
    float op(float x) { ${code} }
    void main() {
      vec4 v = getXAtOutCoords();
      ptSetOutput(vec4(op(v.x), op(v.y), op(v.z), op(v.w)));
    }`;
    return s.wrap(s.packed('cast', ['X'], [x], x.shape, dtype, packedBody), x.shape, dtype, bound);
  }
  const body = `
    float op(float x) { ${code} }
    void main() {
      int i = getOutputCoords();
      setOutput(op(getX(i)));
    }`;
  const out = s.flat('cast', ['x'], [x], size, dtype, body);
  return s.wrap(out, x.shape, dtype, bound);
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const castKernel: KernelImpl<'cast', WebGLStore> = (s, x, dtype) => cast(s.enter('cast'), x, dtype);
