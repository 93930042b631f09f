import type { BinaryOp, DType, UnaryOp } from '@polytensor/core';
import { binaryOutputDType, unaryOutputDType } from '@polytensor/core';
import { broadcastMap, broadcastShapes, sizeOf, type HostTensor } from '../host.js';

/** Round half to even (banker's rounding), keeping the sign of zero. */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x); // ties toward +Infinity
  if (r - x === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

/** `sign` with sign(±0) = ±0 and sign(NaN) = NaN. */
export function signOf(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : x;
}

/**
 * One unary op on one value, in float64. For int32 the result wraps modulo
 * 2^32 as the contract says (neg/abs of -2^31 is -2^31; square wraps).
 */
export function unaryScalar(op: UnaryOp, x: number, dtype: DType): number {
  if (dtype === 'int32') {
    switch (op) {
      case 'neg':
        return -x | 0;
      case 'abs':
        return Math.abs(x) | 0;
      case 'sign':
        return signOf(x) | 0;
      case 'square':
        return Math.imul(x, x);
      case 'relu':
        return x > 0 ? x : 0;
      default:
        break;
    }
  }
  switch (op) {
    case 'neg':
      return -x;
    case 'abs':
      return Math.abs(x);
    case 'sign':
      return signOf(x);
    case 'exp':
      return Math.exp(x);
    case 'expm1':
      return Math.expm1(x);
    case 'log':
      return Math.log(x);
    case 'log1p':
      return Math.log1p(x);
    case 'sqrt':
      return Math.sqrt(x);
    case 'rsqrt':
      return 1 / Math.sqrt(x);
    case 'square':
      return x * x;
    case 'reciprocal':
      return 1 / x;
    case 'relu':
      return x > 0 ? x : Number.isNaN(x) ? NaN : 0;
    case 'sigmoid':
      return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    case 'tanh':
      return Math.tanh(x);
    case 'elu':
      return x > 0 ? x : Math.expm1(x);
    case 'softplus':
      return Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0);
    case 'sin':
      return Math.sin(x);
    case 'cos':
      return Math.cos(x);
    case 'floor':
      return Math.floor(x);
    case 'ceil':
      return Math.ceil(x);
    case 'round':
      return roundHalfEven(x);
    case 'logicalNot':
      return x !== 0 ? 0 : 1;
    case 'isNaN':
      return Number.isNaN(x) ? 1 : 0;
    case 'isInf':
      return x === Infinity || x === -Infinity ? 1 : 0;
    case 'isFinite':
      return Number.isFinite(x) ? 1 : 0;
  }
}

/** Elementwise unary: float64 results (not yet rounded to the output dtype). */
export function unary(op: UnaryOp, x: HostTensor): HostTensor {
  const out = new Float64Array(x.values.length);
  for (let i = 0; i < out.length; i++) out[i] = unaryScalar(op, x.values[i]!, x.dtype);
  return { shape: [...x.shape], values: out, dtype: unaryOutputDType(op, x.dtype) };
}

/** One binary op on one pair of values, in float64 (int32 add/sub/mul wrap). */
export function binaryScalar(op: BinaryOp, a: number, b: number, dtype: DType): number {
  if (dtype === 'int32') {
    switch (op) {
      case 'add':
        return (a + b) | 0;
      case 'sub':
        return (a - b) | 0;
      case 'mul':
        return Math.imul(a, b);
      case 'squaredDifference': {
        const d = (a - b) | 0;
        return Math.imul(d, d);
      }
      default:
        break;
    }
  }
  switch (op) {
    case 'add':
      return a + b;
    case 'sub':
      return a - b;
    case 'mul':
      return a * b;
    case 'div':
      return a / b;
    case 'pow':
      return a ** b;
    case 'maximum':
      return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b);
    case 'minimum':
      return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b);
    case 'squaredDifference':
      return (a - b) * (a - b);
    case 'equal':
      return a === b ? 1 : 0;
    case 'notEqual':
      return a !== b ? 1 : 0;
    case 'less':
      return a < b ? 1 : 0;
    case 'lessEqual':
      return a <= b ? 1 : 0;
    case 'greater':
      return a > b ? 1 : 0;
    case 'greaterEqual':
      return a >= b ? 1 : 0;
    case 'logicalAnd':
      return a !== 0 && b !== 0 ? 1 : 0;
    case 'logicalOr':
      return a !== 0 || b !== 0 ? 1 : 0;
  }
}

/** Elementwise binary with NumPy broadcasting. */
export function binary(op: BinaryOp, a: HostTensor, b: HostTensor, outShape?: readonly number[]): HostTensor {
  const shape = outShape ? [...outShape] : broadcastShapes(a.shape, b.shape);
  const ia = broadcastMap(a.shape, shape);
  const ib = broadcastMap(b.shape, shape);
  const n = sizeOf(shape);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = binaryScalar(op, a.values[ia[i]!]!, b.values[ib[i]!]!, a.dtype);
  return { shape, values: out, dtype: binaryOutputDType(op, a.dtype) };
}

/** `condition ? a : b`, all broadcast. */
export function where(condition: HostTensor, a: HostTensor, b: HostTensor, outShape?: readonly number[]): HostTensor {
  const shape = outShape ? [...outShape] : broadcastShapes(condition.shape, broadcastShapes(a.shape, b.shape));
  const ic = broadcastMap(condition.shape, shape);
  const ia = broadcastMap(a.shape, shape);
  const ib = broadcastMap(b.shape, shape);
  const n = sizeOf(shape);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = condition.values[ic[i]!]! !== 0 ? a.values[ia[i]!]! : b.values[ib[i]!]!;
  return { shape, values: out, dtype: a.dtype };
}

/** Dtype conversion: float→int truncates toward zero (then wraps); →bool is `x != 0` (NaN → true). */
export function cast(x: HostTensor, dtype: DType): HostTensor {
  const out = new Float64Array(x.values.length);
  for (let i = 0; i < out.length; i++) {
    const v = x.values[i]!;
    switch (dtype) {
      case 'float32':
        out[i] = v;
        break;
      case 'int32':
        out[i] = Math.trunc(v) | 0;
        break;
      case 'bool':
        out[i] = v !== 0 ? 1 : 0;
        break;
    }
  }
  return { shape: [...x.shape], values: out, dtype };
}
