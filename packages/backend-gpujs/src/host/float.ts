// Host-side float32 elementwise kernels for small tensors (store.ts:
// HOST_MAX_ELEMENTS). They run the same JavaScript op bodies as gpu.js's CPU
// mode (UNARY_JS, BINARY_JS: double precision, each result rounded once to
// float32 when stored), which pass the conformance suite there.
import { sizeOfShape, type BinaryOp, type UnaryOp } from '@polytensor/core';
import { broadcastMap } from './int32.js';

type Unary = (a: number, K: readonly number[]) => number;
type Binary = (a: number, b: number, K: readonly number[]) => number;

/** (1, +Inf, NaN, 0): the constants the op bodies read as K. */
const K: readonly number[] = [1, Infinity, NaN, 0];

const unaries = new Map<UnaryOp, Unary>();
const binaries = new Map<BinaryOp, Binary>();

/** op(x) over host values; `body` is the op's JavaScript body over `a` and `K`. */
export function unaryFloat(op: UnaryOp, body: string, x: Float32Array): Float32Array {
  let f = unaries.get(op);
  if (!f) {
    f = new Function('a', 'K', body) as Unary;
    unaries.set(op, f);
  }
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]!, K);
  return out;
}

/** op(a, b) with broadcasting over host values; `body` is the op's JavaScript body over `a`, `b` and `K`. */
export function binaryFloat(
  op: BinaryOp,
  body: string,
  a: Float32Array,
  aShape: readonly number[],
  b: Float32Array,
  bShape: readonly number[],
  outShape: readonly number[],
): Float32Array {
  let f = binaries.get(op);
  if (!f) {
    f = new Function('a', 'b', 'K', body) as Binary;
    binaries.set(op, f);
  }
  const n = sizeOfShape(outShape);
  const out = new Float32Array(n);
  if (a.length === n && b.length === n) {
    for (let i = 0; i < n; i++) out[i] = f(a[i]!, b[i]!, K);
    return out;
  }
  const ia = broadcastMap(aShape, outShape);
  const ib = broadcastMap(bShape, outShape);
  for (let i = 0; i < n; i++) out[i] = f(a[ia[i]!]!, b[ib[i]!]!, K);
  return out;
}
