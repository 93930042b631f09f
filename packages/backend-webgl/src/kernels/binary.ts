import type { BinaryOp, TensorInfo } from '@polytensor/core';
import { binaryOutputDType, sizeOfShape, type KernelImpl } from '@polytensor/core';
import { EXACT_INT, type WebGLStore } from '../store.js';
import { elementwisePlan } from './elementwise.js';
import { broadcastMode, type Uniform } from '../programs.js';

/**
 * `float op(float a, float b)` per op. Comparisons are written so NaN gives
 * IEEE answers (false, and true for notEqual) whatever the compiler assumes;
 * maximum/minimum propagate NaN (GLSL's max/min leave it undefined); pow has
 * C99's special cases.
 */
const OPS: Readonly<Record<BinaryOp, string>> = {
  add: 'return a + b;',
  sub: 'return a - b;',
  mul: 'return a * b;',
  div: 'return ptDiv(a, b);',
  pow: 'return ptPow(a, b);',
  maximum: 'if (ptIsNaN(a) || ptIsNaN(b)) return NAN; return ptFlush(a > b ? a : b);',
  minimum: 'if (ptIsNaN(a) || ptIsNaN(b)) return NAN; return ptFlush(a < b ? a : b);',
  squaredDifference: 'float d = a - b; return d * d;',
  equal: 'return a == b ? 1.0 : 0.0;',
  notEqual: 'return a == b ? 0.0 : 1.0;',
  less: 'return a < b ? 1.0 : 0.0;',
  lessEqual: 'return a <= b ? 1.0 : 0.0;',
  greater: 'return a > b ? 1.0 : 0.0;',
  greaterEqual: 'return a >= b ? 1.0 : 0.0;',
  logicalAnd: 'return (a != 0.0 && b != 0.0) ? 1.0 : 0.0;',
  logicalOr: 'return (a != 0.0 || b != 0.0) ? 1.0 : 0.0;',
};

/** Flat bodies without broadcast strides, by op and the operands' broadcast modes. */
const SIMPLE_BODIES = new Map<string, string>();

/** Bound on |result| of an int32 op from bounds on |a| and |b|; > 2^24 means the float path could round. */
function intBound(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case 'add':
    case 'sub':
      return a + b;
    case 'mul':
      return a * b;
    case 'squaredDifference':
      return (a + b) * (a + b);
    case 'maximum':
    case 'minimum':
      return Math.max(a, b);
    default:
      return 1; // comparisons: bool
  }
}

export function binary(s: WebGLStore, op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): TensorInfo {
  const dtype = binaryOutputDType(op, a.dtype);
  let bound = 0;
  if (a.dtype === 'int32') {
    bound = intBound(op, s.bound(a), s.bound(b));
    if (s.onHostOnly(a) || s.onHostOnly(b) || (bound > EXACT_INT && op !== 'maximum' && op !== 'minimum')) {
      return s.onHost([a, b], (ts, [ha, hb]) => ts.binary(op, ha!, hb!, outShape));
    }
  }
  const size = sizeOfShape(outShape);
  if (size === 0) return s.fromValues(new Float32Array(0), outShape, dtype);
  if (s.packable([a, b], outShape)) {
    // a one-value operand still on the host (a constant core just made) is a uniform: as a
    // packed input tfjs would upload it in a program of its own on every call
    const ua = s.hostScalar(a);
    const ub = s.hostScalar(b);
    const names: string[] = [];
    const inputs: TensorInfo[] = [];
    const uniforms: Uniform[] = [];
    const values: number[][] = [];
    const read = (t: TensorInfo, name: 'A' | 'B', value: number | null): string => {
      if (value === null) {
        names.push(name);
        inputs.push(t);
        return `get${name}AtOutCoords()`;
      }
      uniforms.push({ name: `pt${name}`, type: 'float' });
      values.push([value]);
      return `vec4(pt${name})`;
    };
    const packedBody = `
    float op(float a, float b) { ${OPS[op]} }
    void main() {
      vec4 a = ${read(a, 'A', ua)};
      vec4 b = ${read(b, 'B', ub)};
      ptSetOutput(vec4(op(a.x, b.x), op(a.y, b.y), op(a.z, b.z), op(a.w, b.w)));
    }`;
    const out = s.packed(`binary ${op}`, names, inputs, outShape, dtype, packedBody, [], uniforms, values);
    return s.wrap(out, outShape, dtype, dtype === 'int32' ? bound : 0);
  }
  // operands of the output's size or of one value need no strides: their body is built once
  // (per-op overhead: the same string each call is also what the source cache hits fastest)
  const key = `${op}|${broadcastMode(a.shape, outShape)}|${broadcastMode(b.shape, outShape)}`;
  const simple = SIMPLE_BODIES.get(key);
  if (simple !== undefined) return s.wrap(s.flat(`binary ${op}`, ['a', 'b'], [a, b], size, dtype, simple), outShape, dtype, dtype === 'int32' ? bound : 0);
  const plan = elementwisePlan(['a', 'b'], [a, b], outShape);
  const body = `
    float op(float a, float b) { ${OPS[op]} }
    void main() {
      int i = getOutputCoords();
      ${plan.reads}
      setOutput(op(av, bv));
    }`;
  if (plan.uniforms.length === 0) SIMPLE_BODIES.set(key, body);
  const out = s.flat(`binary ${op}`, ['a', 'b'], [a, b], size, dtype, body, plan.uniforms, plan.values);
  return s.wrap(out, outShape, dtype, dtype === 'int32' ? bound : 0);
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const binaryKernel: KernelImpl<'binary', WebGLStore> = (s, op, a, b, outShape) => binary(s.enter('binary'), op, a, b, outShape);
