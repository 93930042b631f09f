import type { DType, TypedArray, UnaryOp } from '@polytensor/core';
import { alloc } from '../util/alloc.js';

/** Round half to even, keeping the sign of zero like IEEE roundToIntegralTiesToEven. */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const d = x - f; // exact for float32 inputs
  let r: number;
  if (d < 0.5) r = f;
  else if (d > 0.5) r = f + 1;
  else r = f % 2 === 0 ? f : f + 1;
  // -0.3 rounds to -0, not +0; x * 0 carries x's sign.
  return r === 0 ? x * 0 : r;
}

/** Logistic function without overflow: never evaluates exp of a large positive number. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e); // also the NaN path: NaN >= 0 is false, exp(NaN) = NaN
}

/** softplus(x) = log1p(exp(-|x|)) + max(x, 0): stable for large |x|. */
export function softplus(x: number): number {
  return Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0);
}

/** relu: x for x > 0, NaN for NaN, +0 otherwise; exactly Math.max(x, +0), which compiles branch-free. */
export function relu(x: number): number {
  return Math.max(x, 0);
}

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
  const out = alloc(dtype, n);
  if (op === 'relu') {
    // The hot activation gets its own loop: the shared loop's call site sees every op and is not inlined.
    for (let i = 0; i < n; i++) out[i] = Math.max(x[i]!, 0);
    return out;
  }
  for (let i = 0; i < n; i++) out[i] = f(x[i]!);
  return out;
}
