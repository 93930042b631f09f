import { sizeOfShape, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { elementwisePlan } from './elementwise.js';

/** `condition ? a : b` with three-way broadcasting (a copy: exact for every dtype, −0 and NaN kept). */
export function where(s: WebGLStore, condition: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): TensorInfo {
  if (s.onHostOnly(a) || s.onHostOnly(b)) {
    return s.onHost([condition, a, b], (ts, [c, x, y]) => ts.where(c!, x!, y!, outShape));
  }
  const size = sizeOfShape(outShape);
  if (size === 0) return s.fromValues(new Float32Array(0), outShape, a.dtype);
  const bound = Math.max(s.bound(a), s.bound(b));
  if (s.packable([condition, a, b], outShape)) {
    const packedBody = `
    void main() {
      vec4 c = getCAtOutCoords();
      vec4 a = getAAtOutCoords();
      vec4 b = getBAtOutCoords();
      ptSetOutput(vec4(c.x != 0.0 ? a.x : b.x, c.y != 0.0 ? a.y : b.y, c.z != 0.0 ? a.z : b.z, c.w != 0.0 ? a.w : b.w));
    }`;
    return s.wrap(s.packed('where', ['C', 'A', 'B'], [condition, a, b], outShape, a.dtype, packedBody), outShape, a.dtype, bound);
  }
  const plan = elementwisePlan(['c', 'a', 'b'], [condition, a, b], outShape);
  const body = `
    void main() {
      int i = getOutputCoords();
      ${plan.reads}
      setOutput(cv != 0.0 ? av : bv);
    }`;
  const out = s.flat('where', ['c', 'a', 'b'], [condition, a, b], size, a.dtype, body, plan.uniforms, plan.values);
  return s.wrap(out, outShape, a.dtype, bound);
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const whereKernel: KernelImpl<'where', WebGLStore> = (s, condition, a, b, outShape) => where(s.enter('where'), condition, a, b, outShape);
