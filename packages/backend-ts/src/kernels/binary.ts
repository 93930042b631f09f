import type { BinaryOp, DType, TypedArray } from '@polytensor/core';
import { alloc } from '../util/alloc.js';
import { broadcastTo } from '../util/broadcast.js';
import { sizeOfShape } from '../util/strides.js';

type Fn = (a: number, b: number) => number;

/**
 * Float32 arithmetic in double, rounded once by the Float32Array store: for
 * + − × ÷ of float32 operands that is the correctly rounded float32 result.
 * Math.max/min propagate NaN and order −0 below +0.
 */
const FLOAT: Readonly<Record<BinaryOp, Fn>> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: Math.max,
  minimum: Math.min,
  squaredDifference: (a, b) => (a - b) * (a - b),
  equal: (a, b) => (a === b ? 1 : 0),
  notEqual: (a, b) => (a !== b ? 1 : 0),
  less: (a, b) => (a < b ? 1 : 0),
  lessEqual: (a, b) => (a <= b ? 1 : 0),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
  logicalAnd: (a, b) => (a && b ? 1 : 0),
  logicalOr: (a, b) => (a || b ? 1 : 0),
};

/** int32 arithmetic wraps modulo 2^32; Math.imul because a·b can exceed 2^53. */
const INT: Readonly<Record<BinaryOp, Fn>> = {
  ...FLOAT,
  add: (a, b) => (a + b) | 0,
  sub: (a, b) => (a - b) | 0,
  mul: Math.imul,
  squaredDifference: (a, b) => {
    const d = (a - b) | 0;
    return Math.imul(d, d);
  },
};

const COMPARISON = new Set<BinaryOp>([
  'equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual', 'logicalAnd', 'logicalOr',
]);

/** Elementwise `op(a, b)` with NumPy broadcasting to `outShape`. Comparisons/logical ops give bool. */
export function binary(
  op: BinaryOp,
  a: TypedArray,
  aShape: readonly number[],
  b: TypedArray,
  bShape: readonly number[],
  dtype: DType,
  outShape: readonly number[],
): TypedArray {
  const n = sizeOfShape(outShape);
  const out = alloc(COMPARISON.has(op) ? 'bool' : dtype, n);
  const f = (dtype === 'int32' ? INT : FLOAT)[op];
  // Scalar operands skip materialisation: the hot "tensor op scalar" case.
  if (b.length === 1 && a.length === n) {
    const s = b[0]!;
    for (let i = 0; i < n; i++) out[i] = f(a[i]!, s);
    return out;
  }
  if (a.length === 1 && b.length === n) {
    const s = a[0]!;
    for (let i = 0; i < n; i++) out[i] = f(s, b[i]!);
    return out;
  }
  const x = broadcastTo(a, aShape, outShape);
  const y = broadcastTo(b, bShape, outShape);
  for (let i = 0; i < n; i++) out[i] = f(x[i]!, y[i]!);
  return out;
}
