import type { TsStore } from '../store.js';
import type { KernelImpl, TypedArray } from '@polytensor/core';
import { prod } from '../util/strides.js';

/** Join along `axis`: for each outer index, each input contributes one contiguous block. */
export function concat(xs: ReadonlyArray<{ values: TypedArray; shape: readonly number[] }>, axis: number): { values: TypedArray; shape: number[] } {
  const first = xs[0]!;
  const shape = [...first.shape];
  shape[axis] = xs.reduce((s, x) => s + x.shape[axis]!, 0);
  const outer = prod(shape, 0, axis);
  const inner = prod(shape, axis + 1);
  const out = new (first.values.constructor as new (n: number) => TypedArray)(outer * shape[axis]! * inner);
  const rowOut = shape[axis]! * inner;
  let offset = 0;
  for (const { values, shape: s } of xs) {
    const block = s[axis]! * inner;
    if (block > 0) {
      for (let o = 0; o < outer; o++) out.set(values.subarray(o * block, (o + 1) * block), o * rowOut + offset);
    }
    offset += block;
  }
  return { values: out, shape };
}

/** The contract-level kernel: storage in, storage out. */
export const concatKernel: KernelImpl<'concat', TsStore> = (s, xs, axis) => {
  const { values, shape } = concat(
    xs.map((x) => ({ values: s.values(x, 'concat'), shape: x.shape })),
    axis,
  );
  return s.output(values, shape);
};
