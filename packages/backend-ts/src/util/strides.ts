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

/** Number of elements of `shape` (1 for rank 0). */
export function sizeOfShape(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Product of `shape[from..to)`. */
export function prod(shape: readonly number[], from = 0, to = shape.length): number {
  let n = 1;
  for (let i = from; i < to; i++) n *= shape[i]!;
  return n;
}

/**
 * Visit every output position of an N-d walk whose last axis is handled by the
 * caller: `visit(outOffset, inOffset)` is called once per run of `shape[rank-1]`
 * elements. `inStrides` gives the input offset advance per output axis, so the
 * same walker serves transpose, slice, broadcast and pad without materialising
 * index arrays. `shape` must have rank ≥ 1 and no zero dims (callers check size).
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
    // Odometer increment over the leading rank-1 axes.
    for (let ax = rank - 2; ax >= 0; ax--) {
      const c = counter[ax]! + 1;
      if (c < shape[ax]!) {
        counter[ax] = c;
        inOff += inStrides[ax]!;
        break;
      }
      counter[ax] = 0;
      inOff -= (c - 1) * inStrides[ax]!;
    }
  }
}
