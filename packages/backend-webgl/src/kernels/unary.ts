import type { TensorInfo, UnaryOp } from '@polytensor/core';
import { unaryOutputDType, sizeOfShape, type KernelImpl } from '@polytensor/core';
import { EXACT_INT, type WebGLStore } from '../store.js';

/**
 * GLSL body of `float op(float x)` per op. tfjs's unary shaders differ from the
 * contract in places the suite pins (relu(-0) = -0, sign, round half away
 * from zero, GLSL's undefined log/sqrt of negatives and exp overflow), so
 * every op is written here, with the special values spelled out.
 * Transcendentals use the accurate helpers of math_glsl.ts.
 */
const FLOAT_OPS: Readonly<Record<UnaryOp, string>> = {
  neg: 'return -x;',
  abs: 'return abs(x);',
  sign: 'if (ptIsNaN(x)) return x; return x > 0.0 ? 1.0 : (x < 0.0 ? -1.0 : (ptSignBit(x) ? -0.0 : 0.0));',
  exp: 'return ptExp(x);',
  expm1: 'return ptExpm1(x);',
  log: 'return ptLog(x);',
  log1p: 'return ptLog1p(x);',
  sqrt: 'return ptSqrt(x);',
  rsqrt: 'return ptRsqrt(x);',
  square: 'return x * x;',
  reciprocal: 'return ptDiv(1.0, x);',
  relu: 'return x > 0.0 ? x : (ptIsNaN(x) ? x : 0.0);',
  sigmoid: 'return ptSigmoid(x);',
  tanh: 'return ptTanh(x);',
  elu: 'return x > 0.0 ? x : ptExpm1(x);',
  softplus: 'return ptSoftplus(x);',
  sin: 'return ptSin(x);',
  cos: 'return ptCos(x);',
  floor: 'return floor(x);',
  ceil: 'return ceil(x);',
  round: 'return ptRoundEven(x);',
  logicalNot: 'return x != 0.0 ? 0.0 : 1.0;',
  isNaN: 'return ptIsNaN(x) ? 1.0 : 0.0;',
  isInf: 'return ptIsInf(x) ? 1.0 : 0.0;',
  isFinite: 'return (ptIsNaN(x) || ptIsInf(x)) ? 0.0 : 1.0;',
};

/** int32 results that stay exact in float: these need |result| ≤ 2^24 (else the host path). */
function intExact(op: UnaryOp, bound: number): boolean {
  switch (op) {
    case 'neg':
    case 'abs':
      return bound <= EXACT_INT || bound < 2 ** 31; // float-exact inputs negate exactly; only -2^31 wraps
    case 'square':
      return bound * bound <= EXACT_INT;
    default:
      return true; // sign, relu: values copied or 0/±1
  }
}

export function unary(s: WebGLStore, op: UnaryOp, x: TensorInfo): TensorInfo {
  const dtype = unaryOutputDType(op, x.dtype);
  const size = sizeOfShape(x.shape);
  if (x.dtype === 'int32' && (s.onHostOnly(x) || !intExact(op, s.bound(x)))) {
    return s.onHost([x], (ts, [hx]) => ts.unary(op, hx!));
  }
  let bound = 0;
  if (dtype === 'int32') {
    const b = s.bound(x);
    bound = op === 'square' ? b * b : op === 'sign' ? Math.min(b, 1) : b;
  }
  if (size === 0) return s.fromValues(new Float32Array(0), x.shape, dtype);
  if (s.packable([x], x.shape)) {
    const packedBody = `
    float op(float x) { ${FLOAT_OPS[op]} }
    void main() {
      vec4 v = getXAtOutCoords();
      ptSetOutput(vec4(op(v.x), op(v.y), op(v.z), op(v.w)));
    }`;
    return s.wrap(s.packed(`unary ${op}`, ['X'], [x], x.shape, dtype, packedBody), x.shape, dtype, bound);
  }
  const body = `
    float op(float x) { ${FLOAT_OPS[op]} }
    void main() {
      int i = getOutputCoords();
      setOutput(op(getX(i)));
    }`;
  const out = s.flat(`unary ${op}`, ['x'], [x], size, dtype, body);
  return s.wrap(out, x.shape, dtype, bound);
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const unaryKernel: KernelImpl<'unary', WebGLStore> = (s, op, x) => unary(s.enter('unary'), op, x);
