import type { TensorInfo } from '@polytensor/core';
import type { Runtime } from '../runtime.js';
import { sizeOfShape } from '../util.js';
import { elementwisePlan } from './elementwise.js';

/** `condition ? a : b` with three-way broadcasting (a copy: exact for every dtype, −0 and NaN kept). */
export function where(rt: Runtime, condition: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): TensorInfo {
  if (rt.onHostOnly(a) || rt.onHostOnly(b)) {
    return rt.onHost([condition, a, b], (ts, [c, x, y]) => ts.where(c!, x!, y!, outShape));
  }
  const size = sizeOfShape(outShape);
  if (size === 0) return rt.fromValues(new Float32Array(0), outShape, a.dtype);
  const plan = elementwisePlan(['c', 'a', 'b'], [condition, a, b], outShape);
  const body = `
    void main() {
      int i = getOutputCoords();
      ${plan.reads}
      setOutput(cv != 0.0 ? av : bv);
    }`;
  const out = rt.flat('where', ['c', 'a', 'b'], [condition, a, b], size, a.dtype, body, plan.uniforms, plan.values);
  return rt.wrap(out, outShape, a.dtype, Math.max(rt.bound(a), rt.bound(b)));
}
