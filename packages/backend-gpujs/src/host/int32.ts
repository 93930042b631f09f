// Host-side int32 kernels. int32 tensors stay on the host (see store.ts): these
// loops give exact two's-complement results (add/sub/mul wrap modulo 2^32).
import { broadcastStrides, sizeOfShape, stridesOf, type ArgReduceOp, type BinaryOp, type ReduceOp, type UnaryOp } from '@polytensor/core';

/** For each element of `outShape` (row-major), the flat index it reads in `shape` broadcast to it. */
export function broadcastMap(shape: readonly number[], outShape: readonly number[]): Int32Array {
  return stridedMap(outShape, broadcastStrides(shape, outShape), 0);
}

/** Offsets offset + Σ i_d·strides_d for every index of `outShape` in row-major order. */
export function stridedMap(outShape: readonly number[], strides: readonly number[], offset: number): Int32Array {
  const n = sizeOfShape(outShape);
  const out = new Int32Array(n);
  const k = outShape.length;
  const idx = new Array<number>(k).fill(0);
  let off = offset;
  for (let i = 0; i < n; i++) {
    out[i] = off;
    for (let d = k - 1; d >= 0; d--) {
      idx[d]!++;
      off += strides[d]!;
      if (idx[d]! < outShape[d]!) break;
      off -= strides[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

export function unaryInt(op: UnaryOp, x: Int32Array): Int32Array {
  const out = new Int32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    switch (op) {
      case 'neg':
        out[i] = -v | 0;
        break;
      case 'abs':
        out[i] = Math.abs(v) | 0;
        break;
      case 'sign':
        out[i] = Math.sign(v);
        break;
      case 'square':
        out[i] = Math.imul(v, v);
        break;
      case 'relu':
        out[i] = v > 0 ? v : 0;
        break;
      default:
        throw new Error(`gpujs backend: unary ${op} does not take int32`);
    }
  }
  return out;
}

function intOp(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case 'add':
      return (a + b) | 0;
    case 'sub':
      return (a - b) | 0;
    case 'mul':
      return Math.imul(a, b);
    case 'maximum':
      return a > b ? a : b;
    case 'minimum':
      return a < b ? a : b;
    case 'squaredDifference': {
      const d = (a - b) | 0;
      return Math.imul(d, d);
    }
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
    default:
      throw new Error(`gpujs backend: binary ${op} does not take int32`);
  }
}

/** int32 ⊗ int32 with broadcasting; comparisons give bool (Uint8Array). */
export function binaryInt(
  op: BinaryOp,
  a: Int32Array,
  aShape: readonly number[],
  b: Int32Array,
  bShape: readonly number[],
  outShape: readonly number[],
  boolOut: boolean,
): Int32Array | Uint8Array {
  const ma = broadcastMap(aShape, outShape);
  const mb = broadcastMap(bShape, outShape);
  const out = boolOut ? new Uint8Array(ma.length) : new Int32Array(ma.length);
  for (let i = 0; i < ma.length; i++) out[i] = intOp(op, a[ma[i]!]!, b[mb[i]!]!);
  return out;
}

/** Gather `values` at `map` (a movement kernel on the host). */
export function take(values: Int32Array, map: Int32Array): Int32Array {
  const out = new Int32Array(map.length);
  for (let i = 0; i < map.length; i++) out[i] = values[map[i]!]!;
  return out;
}

/** Reduce the innermost `r` elements of each of `o` rows. Empty rows give the identity. */
export function reduceIntRows(op: ReduceOp, x: Int32Array, o: number, r: number): Int32Array {
  const out = new Int32Array(o);
  for (let i = 0; i < o; i++) {
    let acc = op === 'sum' ? 0 : op === 'prod' ? 1 : op === 'max' ? -2147483648 : 2147483647;
    for (let j = 0; j < r; j++) {
      const v = x[i * r + j]!;
      switch (op) {
        case 'sum':
          acc = (acc + v) | 0;
          break;
        case 'prod':
          acc = Math.imul(acc, v);
          break;
        case 'max':
          if (v > acc) acc = v;
          break;
        case 'min':
          if (v < acc) acc = v;
          break;
      }
    }
    out[i] = acc;
  }
  return out;
}

/** argMax/argMin over the middle axis of [outer, n, inner]: the first extreme. */
export function argReduceInt(op: ArgReduceOp, x: Int32Array, outer: number, n: number, inner: number): Int32Array {
  const out = new Int32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = 0;
      for (let j = 1; j < n; j++) {
        const v = x[(o * n + j) * inner + i]!;
        const w = x[(o * n + best) * inner + i]!;
        if (op === 'argMax' ? v > w : v < w) best = j;
      }
      out[o * inner + i] = best;
    }
  }
  return out;
}

/** Permutation moving `axes` to the end (kept axes first, both in order). */
export function axesLastPerm(rank: number, axes: readonly number[]): number[] {
  const kept = Array.from({ length: rank }, (_, i) => i).filter((i) => !axes.includes(i));
  return [...kept, ...axes];
}

/** Map of a transpose: output element i reads input offset map[i]. */
export function transposeMap(shape: readonly number[], perm: readonly number[]): Int32Array {
  const st = stridesOf(shape);
  return stridedMap(
    perm.map((p) => shape[p]!),
    perm.map((p) => st[p]!),
    0,
  );
}
