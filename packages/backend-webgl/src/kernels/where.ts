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
  const plan = elementwisePlan(['c', 'a', 'b'], [condition, a, b], outShape);
  const body = `
    void main() {
      int i = getOutputCoords();
      ${plan.reads}
      setOutput(cv != 0.0 ? av : bv);
    }`;
  const out = s.flat('where', ['c', 'a', 'b'], [condition, a, b], size, a.dtype, body, plan.uniforms, plan.values);
  return s.wrap(out, outShape, a.dtype, Math.max(s.bound(a), s.bound(b)));
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const whereKernel: KernelImpl<'where', WebGLStore> = (s, condition, a, b, outShape) => where(s.enter('where'), condition, a, b, outShape);
