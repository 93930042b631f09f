// Shape and stride helpers for backend authors (one copy, exported from core).
import { sizeOf } from './types.js';

/** Number of elements of `shape` (1 for rank 0). */
export const sizeOfShape: (shape: readonly number[]) => number = sizeOf;

/** Product of `shape[from..to)`. */
export function prodOfDims(shape: readonly number[], from = 0, to = shape.length): number {
  let n = 1;
  for (let i = from; i < to; i++) n *= shape[i]!;
  return n;
}

/** Row-major strides of `shape` (the last axis has stride 1). */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** Strides of `shape` read as broadcast to `outShape` (right-aligned; 0 where broadcast). */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const own = stridesOf(shape);
  const off = outShape.length - shape.length;
  return outShape.map((_, i) => {
    const j = i - off;
    if (j < 0) return 0;
    return shape[j] === 1 ? 0 : own[j]!;
  });
}

/** `shape` with leading 1s so that it has `rank` axes. */
export function padRank(shape: readonly number[], rank: number): number[] {
  return [...new Array<number>(Math.max(0, rank - shape.length)).fill(1), ...shape];
}

/** Flat row-major index → multi-index. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    idx[i] = d === 0 ? 0 : flat % d;
    flat = d === 0 ? 0 : Math.floor(flat / d);
  }
  return idx;
}

/** Multi-index → flat offset under `strides`. */
export function ravel(idx: readonly number[], strides: readonly number[]): number {
  let f = 0;
  for (let i = 0; i < idx.length; i++) f += idx[i]! * strides[i]!;
  return f;
}

/**
 * Visit every row of an N-d walk whose last axis the caller handles itself:
 * `visit(outOffset, inOffset)` once per run of `shape[rank-1]` elements;
 * `inStrides[i]` is the input offset advance per step of output axis i, so one
 * walker serves transpose, slice, broadcast and pad without index arrays.
 * `shape` must have rank ≥ 1 and no zero dims.
 */
export function forEachRow(shape: readonly number[], inStrides: readonly number[], inBase: number, visit: (outOffset: number, inOffset: number) => void): void {
  const rank = shape.length;
  const rowLen = shape[rank - 1]!;
  const outer = prodOfDims(shape, 0, rank - 1);
  const counter = new Array<number>(rank - 1).fill(0);
  let inOff = inBase;
  for (let r = 0; r < outer; r++) {
    visit(r * rowLen, inOff);
    // Odometer increment over the leading rank-1 axes.
    for (let ax = rank - 2; ax >= 0; ax--) {
      const c = counter[ax]! + 1;
      if (c < shape[ax]!) {
        counter[ax] = c;
        inOff += inStrides[ax]!;
        break;
      }
      counter[ax] = 0;
      inOff -= inStrides[ax]! * (shape[ax]! - 1);
    }
  }
}

/**
 * Merge axes that stay contiguous in both the input and the output walk:
 * the output shape and input strides with the fewest axes that describe the
 * same copy (rows get as long as possible). Size-1 axes are dropped.
 */
export function mergeAxes(shape: readonly number[], inStrides: readonly number[]): { shape: number[]; strides: number[] } {
  const s: number[] = [];
  const st: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1) continue;
    const last = s.length - 1;
    if (last >= 0 && st[last] === inStrides[i]! * shape[i]!) {
      s[last] = s[last]! * shape[i]!;
      st[last] = inStrides[i]!;
    } else {
      s.push(shape[i]!);
      st.push(inStrides[i]!);
    }
  }
  if (s.length === 0) return { shape: [1], strides: [1] };
  return { shape: s, strides: st };
}

/** The dimensions of a batched product a·b as the matMul kernel receives it (rank 3, or rank 2 as a batch of 1). */
export interface BatchedMatMulDims {
  /** a's stored shape [ba, a1, a2] and b's [bb, b1, b2]. */
  readonly ba: number;
  readonly a1: number;
  readonly a2: number;
  readonly bb: number;
  readonly b1: number;
  readonly b2: number;
  /** The output's batch: a batch of 1 broadcasts (also to 0). */
  readonly batch: number;
  readonly m: number;
  readonly k: number;
  readonly n: number;
}

/**
 * Read a batched product's dimensions: a is [Ba, M, K] ([Ba, K, M] with
 * transposeA), b is [Bb, K, N] ([Bb, N, K] with transposeB).
 */
export function batchedMatMulDims(aShape: readonly number[], bShape: readonly number[], transposeA: boolean, transposeB: boolean): BatchedMatMulDims {
  const [ba, a1, a2] = aShape.length === 3 ? (aShape as [number, number, number]) : [1, aShape[0]!, aShape[1]!];
  const [bb, b1, b2] = bShape.length === 3 ? (bShape as [number, number, number]) : [1, bShape[0]!, bShape[1]!];
  const m = transposeA ? a2 : a1;
  const k = transposeA ? a1 : a2;
  const n = transposeB ? b1 : b2;
  return { ba, a1, a2, bb, b1, b2, batch: ba === 1 ? bb : ba, m, k, n };
}
