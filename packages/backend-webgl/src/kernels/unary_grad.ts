import { sizeOfShape, type KernelImpl, type TensorInfo, type UnaryGradOp } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { elementwisePlan } from './elementwise.js';

/**
 * `float op(float x, float y, float dy)` per op: core's composite, kernel for
 * kernel, in one program. sigmoid: dy·(y·σ(−x)), σ as the unary kernel's
 * ptSigmoid. tanh: dy·((σ(2x)·σ(−2x))·4); σ(2x) and σ(−2x) share ptSigmoid's
 * e = exp(−|2x|) (1/(1+e) and e/(1+e), which is which by the sign of x), so
 * one exp serves both where the composite ran two. The scale by 4 comes
 * before dy (a factor ≤ 1 then) so |dy| near FLT_MAX does not overflow, and
 * it sits in a quotient's numerator (4e/(1+e) = 4·(e/(1+e)) exactly: e is
 * normal over the op's domain) because Mesa's optimizer moves a constant
 * factor to the outside of a product: dy·(s·4) became (dy·s)·4, whose dy·s
 * underflowed to a flushed 0 at x ≈ 39 on headless-gl.
 */
const OPS: Readonly<Record<UnaryGradOp, string>> = {
  sigmoid: 'return dy * (y * ptSigmoid(-x));',
  tanh: `if (ptIsNaN(x)) return x;
    float e = ptExp(-abs(2.0 * x));
    float p = 1.0 + e;
    return dy * (ptDiv(4.0 * e, p) * ptDiv(1.0, p));`,
};

/** dy·op′(x) in one pass: packed when all three inputs are (see WebGLStore.packable), else flat. */
export function unaryGrad(s: WebGLStore, op: UnaryGradOp, x: TensorInfo, y: TensorInfo, dy: TensorInfo): TensorInfo {
  const shape = x.shape;
  const size = sizeOfShape(shape);
  if (size === 0) return s.fromValues(new Float32Array(0), shape, 'float32');
  const fn = `float op(float x, float y, float dy) { ${OPS[op]} }`;
  if (s.packable([x, y, dy], shape)) {
    const packedBody = `
    ${fn}
    void main() {
      vec4 x = getXAtOutCoords();
      vec4 y = getYAtOutCoords();
      vec4 d = getDAtOutCoords();
      ptSetOutput(vec4(op(x.x, y.x, d.x), op(x.y, y.y, d.y), op(x.z, y.z, d.z), op(x.w, y.w, d.w)));
    }`;
    return s.wrap(s.packed(`unaryGrad ${op}`, ['X', 'Y', 'D'], [x, y, dy], shape, 'float32', packedBody), shape, 'float32');
  }
  const plan = elementwisePlan(['x', 'y', 'dy'], [x, y, dy], shape);
  const body = `
    ${fn}
    void main() {
      int i = getOutputCoords();
      ${plan.reads}
      setOutput(op(xv, yv, dyv));
    }`;
  const out = s.flat(`unaryGrad ${op}`, ['x', 'y', 'dy'], [x, y, dy], size, 'float32', body, plan.uniforms, plan.values);
  return s.wrap(out, shape, 'float32');
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const unaryGradKernel: KernelImpl<'unaryGrad', WebGLStore> = (s, op, x, y, dy) => unaryGrad(s.enter('unaryGrad'), op, x, y, dy);
