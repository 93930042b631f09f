import type { ArgReduceOp, ReduceOp } from '@polytensor/core';
import { ravel, sizeOf, stridesOf, unravel, type HostTensor } from '../host.js';
import type { Accumulated } from './accumulate.js';

/** Split x's axes into kept (output) and reduced ones. */
function plan(shape: readonly number[], axes: readonly number[]) {
  const reduced = new Set(axes);
  const keptAxes = shape.map((_, i) => i).filter((i) => !reduced.has(i));
  const outShape = keptAxes.map((i) => shape[i]!);
  const redShape = axes.map((i) => shape[i]!);
  return { keptAxes, outShape, redShape };
}

/** The flat input indices reduced into output element `o`, in row-major order of the reduced axes. */
function* windowOf(shape: readonly number[], axes: readonly number[], keptAxes: readonly number[], outShape: readonly number[], o: number): Generator<number> {
  const strides = stridesOf(shape);
  const outIdx = unravel(o, outShape);
  const idx = new Array<number>(shape.length).fill(0);
  keptAxes.forEach((ax, k) => (idx[ax] = outIdx[k]!));
  const redShape = axes.map((a) => shape[a]!);
  const m = sizeOf(redShape);
  for (let r = 0; r < m; r++) {
    const ridx = unravel(r, redShape);
    axes.forEach((ax, k) => (idx[ax] = ridx[k]!));
    yield ravel(idx, strides);
  }
}

/**
 * Reduce over `axes`. Float results are float64 with the terms/Σ|term| of each
 * element (prod: Σ|term| is unused, its bound is relative). int32 sum/prod wrap
 * modulo 2^32. Empty reductions give the identity; max/min propagate NaN.
 */
export function reduce(op: ReduceOp, x: HostTensor, axes: readonly number[]): Accumulated {
  const { keptAxes, outShape, redShape } = plan(x.shape, axes);
  const n = sizeOf(outShape);
  const m = sizeOf(redShape);
  const out = new Float64Array(n);
  const terms = new Float64Array(n).fill(m);
  const absSum = new Float64Array(n);
  const int = x.dtype === 'int32';
  for (let o = 0; o < n; o++) {
    let acc = op === 'sum' ? 0 : op === 'prod' ? 1 : op === 'max' ? -Infinity : Infinity;
    let abs = 0;
    for (const i of windowOf(x.shape, axes, keptAxes, outShape, o)) {
      const v = x.values[i]!;
      abs += Math.abs(v);
      switch (op) {
        case 'sum':
          acc = int ? (acc + v) | 0 : acc + v;
          break;
        case 'prod':
          acc = int ? Math.imul(acc, v) : acc * v;
          break;
        case 'max':
          acc = Number.isNaN(v) || Number.isNaN(acc) ? NaN : Math.max(acc, v);
          break;
        case 'min':
          acc = Number.isNaN(v) || Number.isNaN(acc) ? NaN : Math.min(acc, v);
          break;
      }
    }
    out[o] = acc;
    absSum[o] = abs;
  }
  return { out: { shape: outShape, values: out, dtype: x.dtype }, terms, absSum };
}

/** Index of the first max/min along `axis`; NaN counts as the extreme (the first NaN wins). */
export function argReduce(op: ArgReduceOp, x: HostTensor, axis: number): HostTensor {
  const axes = [axis];
  const { keptAxes, outShape } = plan(x.shape, axes);
  const n = sizeOf(outShape);
  const out = new Float64Array(n);
  for (let o = 0; o < n; o++) {
    let best = NaN;
    let bestIdx = -1;
    let k = 0;
    for (const i of windowOf(x.shape, axes, keptAxes, outShape, o)) {
      const v = x.values[i]!;
      if (bestIdx < 0) {
        best = v;
        bestIdx = k;
      } else if (!Number.isNaN(best)) {
        if (Number.isNaN(v) || (op === 'argMax' ? v > best : v < best)) {
          best = v;
          bestIdx = k;
        }
      }
      k++;
    }
    out[o] = bestIdx < 0 ? 0 : bestIdx;
  }
  return { shape: outShape, values: out, dtype: 'int32' };
}

/** The flat indices of x reduced into each output element (row-major over the reduced axes). */
export function reductionWindows(shape: readonly number[], axes: readonly number[]): number[][] {
  const { keptAxes, outShape } = plan(shape, axes);
  return Array.from({ length: sizeOf(outShape) }, (_, o) => [...windowOf(shape, axes, keptAxes, outShape, o)]);
}
