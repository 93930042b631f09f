import type { TsStore } from '../store.js';
import { typedArrayFor, type DType, type KernelImpl, type ReduceOp, type TypedArray } from '@polytensor/core';
import { prod } from '../util/strides.js';
import { transpose } from './transpose.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** A reduction's start value and accumulation step (partial results stay in doubles; the output store rounds once). */
interface Reducer {
  init: number;
  step: (acc: number, v: number) => number;
}

/**
 * Each reduction for a dtype. int32 cannot hold ±Infinity, so its max/min
 * start at the extreme int32 values (what an empty int32 max/min yields); int32
 * sums are exact in double (the Int32Array store wraps them), int32 products
 * wrap as they go (Math.imul). Math.max/min propagate NaN.
 */
const REDUCERS: { readonly [op in ReduceOp]: (int: boolean) => Reducer } = {
  sum: () => ({ init: 0, step: (acc, v) => acc + v }),
  prod: (int) => ({ init: 1, step: int ? Math.imul : (acc, v) => acc * v }),
  max: (int) => ({ init: int ? INT32_MIN : -Infinity, step: Math.max }),
  min: (int) => ({ init: int ? INT32_MAX : Infinity, step: Math.min }),
};

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
  const out = typedArrayFor(dtype, outSize);
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

  const { init, step: f } = REDUCERS[op](dtype === 'int32');
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
