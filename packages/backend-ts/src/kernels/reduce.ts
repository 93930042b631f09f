import type { TsStore } from '../store.js';
import type { DType, KernelImpl, ReduceOp, TypedArray } from '@polytensor/core';
import { alloc } from '../util/alloc.js';
import { prod } from '../util/strides.js';
import { transpose } from './transpose.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * Identity of each reduction. int32 cannot hold ±Infinity, so its max/min
 * identities are the extreme int32 values (what an empty int32 max/min yields).
 */
function identity(op: ReduceOp, dtype: DType): number {
  switch (op) {
    case 'sum':
      return 0;
    case 'prod':
      return 1;
    case 'max':
      return dtype === 'int32' ? INT32_MIN : -Infinity;
    case 'min':
      return dtype === 'int32' ? INT32_MAX : Infinity;
  }
}

/** Accumulation step. Partial results stay in doubles; the output store rounds once. */
function combiner(op: ReduceOp, dtype: DType): (acc: number, v: number) => number {
  switch (op) {
    case 'sum':
      return (acc, v) => acc + v; // int32 sums are exact in double; the Int32Array store wraps them
    case 'prod':
      return dtype === 'int32' ? Math.imul : (acc, v) => acc * v;
    case 'max':
      return Math.max; // NaN propagates
    case 'min':
      return Math.min;
  }
}

/**
 * Reduce `x` over `axes` (sorted, unique, non-empty). Adjacent axes of the same
 * kind are merged; a [kept, reduced, kept] layout is reduced in place with
 * strides, anything more scattered is first transposed to [kept..., reduced...].
 */
export function reduce(op: ReduceOp, x: TypedArray, shape: readonly number[], axes: readonly number[], dtype: DType): TypedArray {
  const rank = shape.length;
  const isReduced = shape.map((_, i) => axes.includes(i));
  const outShape = shape.filter((_, i) => !isReduced[i]);
  const outSize = prod(outShape);
  const out = alloc(dtype, outSize);
  if (outSize === 0) return out;

  const first = isReduced.indexOf(true);
  const last = isReduced.lastIndexOf(true);
  let src = x;
  let outer: number, n: number, inner: number;
  if (isReduced.slice(first, last + 1).every(Boolean)) {
    // One contiguous block of reduced axes: [outer, n, inner].
    outer = prod(shape, 0, first);
    n = prod(shape, first, last + 1);
    inner = prod(shape, last + 1, rank);
  } else {
    const kept = shape.map((_, i) => i).filter((i) => !isReduced[i]);
    src = transpose(x, shape, [...kept, ...axes]);
    outer = outSize;
    n = prod(axes.map((a) => shape[a]!));
    inner = 1;
  }

  const init = identity(op, dtype);
  const f = combiner(op, dtype);
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let acc = init;
      const base = o * n;
      if (op === 'sum') {
        for (let j = 0; j < n; j++) acc += src[base + j]!;
      } else {
        for (let j = 0; j < n; j++) acc = f(acc, src[base + j]!);
      }
      out[o] = acc;
    }
    return out;
  }
  // Reduce the middle axis while walking rows of `inner` contiguous values.
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(init);
    for (let j = 0; j < n; j++) {
      const base = (o * n + j) * inner;
      if (op === 'sum') {
        for (let i = 0; i < inner; i++) acc[i]! += src[base + i]!;
      } else {
        for (let i = 0; i < inner; i++) acc[i] = f(acc[i]!, src[base + i]!);
      }
    }
    out.set(acc, o * inner);
  }
  return out;
}

/** The contract-level kernel: storage in, storage out. */
export const reduceKernel: KernelImpl<'reduce', TsStore> = (s, op, x, axes) =>
  s.output(
    reduce(op, s.values(x, 'reduce'), x.shape, axes, x.dtype),
    x.shape.filter((_, i) => !axes.includes(i)),
  );
