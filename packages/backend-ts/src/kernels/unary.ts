import type { TsStore } from '../store.js';
import { typedArrayFor, type DType, type KernelImpl, type TypedArray, type UnaryOp } from '@polytensor/core';
import { relu, roundHalfEven, sigmoid, softplus } from '../util/math.js';

export { relu, roundHalfEven, sigmoid, softplus };

/**
 * Float math in double precision; storing into a Float32Array rounds once.
 * For sqrt, reciprocal and square that single rounding is the correctly rounded
 * float32 result (double has more than 2·24+2 bits).
 */
const FLOAT_OPS: Readonly<Record<Exclude<UnaryOp, 'logicalNot' | 'isNaN' | 'isInf' | 'isFinite'>, (x: number) => number>> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign: Math.sign, // ±0 → ±0, NaN → NaN
  exp: Math.exp,
  expm1: Math.expm1,
  log: Math.log,
  log1p: Math.log1p,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  relu,
  sigmoid,
  tanh: Math.tanh,
  elu: (x) => (x > 0 ? x : Math.expm1(x)),
  softplus,
  sin: Math.sin,
  cos: Math.cos,
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
};

/** int32 variants: results wrap modulo 2^32 (Int32Array stores ToInt32 of the value). */
const INT_OPS: Partial<Record<UnaryOp, (x: number) => number>> = {
  neg: (x) => -x | 0,
  abs: (x) => Math.abs(x) | 0,
  sign: Math.sign,
  square: (x) => Math.imul(x, x),
  relu: (x) => (x > 0 ? x : 0),
};

/** Elementwise `op(x)`. Predicates give bool (Uint8Array); everything else keeps x's dtype. */
export function unary(op: UnaryOp, x: TypedArray, dtype: DType): TypedArray {
  const n = x.length;
  switch (op) {
    case 'logicalNot': {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = x[i] ? 0 : 1;
      return out;
    }
    case 'isNaN': {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = x[i] !== x[i] ? 1 : 0;
      return out;
    }
    case 'isInf': {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = x[i] === Infinity || x[i] === -Infinity ? 1 : 0;
      return out;
    }
    case 'isFinite': {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = Number.isFinite(x[i]) ? 1 : 0;
      return out;
    }
    default:
      break;
  }
  const f = dtype === 'float32' ? FLOAT_OPS[op] : INT_OPS[op];
  if (!f) throw new Error(`ts backend: unary: '${op}' does not accept dtype ${dtype}`);
  const out = typedArrayFor(dtype, n);
  if (dtype === 'float32' && floatLoop(op, x as Float32Array, out as Float32Array, n)) return out;
  for (let i = 0; i < n; i++) out[i] = f(x[i]!);
  return out;
}

/**
 * The hot float32 ops get their own loops (a shared loop's call site sees every
 * op and is not inlined). Each computes exactly what FLOAT_OPS defines.
 */
function floatLoop(op: UnaryOp, x: Float32Array, out: Float32Array, n: number): boolean {
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) out[i] = -x[i]!;
      return true;
    case 'abs':
      for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]!);
      return true;
    case 'exp':
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]!);
      return true;
    case 'log':
      for (let i = 0; i < n; i++) out[i] = Math.log(x[i]!);
      return true;
    case 'sqrt':
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]!);
      return true;
    case 'rsqrt':
      for (let i = 0; i < n; i++) out[i] = 1 / Math.sqrt(x[i]!);
      return true;
    case 'square':
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = v * v;
      }
      return true;
    case 'reciprocal':
      for (let i = 0; i < n; i++) out[i] = 1 / x[i]!;
      return true;
    case 'relu':
      for (let i = 0; i < n; i++) out[i] = Math.max(x[i]!, 0);
      return true;
    case 'sigmoid':
      for (let i = 0; i < n; i++) out[i] = sigmoid(x[i]!);
      return true;
    case 'tanh':
      for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]!);
      return true;
    default:
      return false;
  }
}

/** The contract-level kernel: storage in, storage out. */
export const unaryKernel: KernelImpl<'unary', TsStore> = (s, op, x) => s.output(unary(op, s.values(x, 'unary'), x.dtype), x.shape);
