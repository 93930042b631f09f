import { prod } from './shape.js';

/**
 * Visit every row of an N-d walk whose last axis the caller copies itself:
 * `visit(outOffset, inOffset)` once per run of `shape[rank-1]` elements;
 * `inStrides[i]` is the input offset advance per step of output axis i. `shape`
 * must have rank ≥ 1 and no zero dims.
 */
export function forEachRow(
  shape: readonly number[],
  inStrides: readonly number[],
  inBase: number,
  visit: (outOffset: number, inOffset: number) => void,
): void {
  const rank = shape.length;
  const rowLen = shape[rank - 1]!;
  const outer = prod(shape, 0, rank - 1);
  const counter = new Array<number>(rank - 1).fill(0);
  let inOff = inBase;
  for (let r = 0; r < outer; r++) {
    visit(r * rowLen, inOff);
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
 * returns the output shape and input strides with the fewest axes that describe
 * the same copy (rows get as long as possible).
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
