import type { DType } from '@polytensor/core';
import { ravel, sizeOf, stridesOf, unravel, type HostTensor } from '../host.js';
import type { Accumulated } from './accumulate.js';

/** Output dim i is input dim perm[i]. */
export function transpose(x: HostTensor, perm: readonly number[]): HostTensor {
  const outShape = perm.map((p) => x.shape[p]!);
  const inStrides = stridesOf(x.shape);
  const n = sizeOf(outShape);
  const out = new Float64Array(n);
  for (let o = 0; o < n; o++) {
    const oi = unravel(o, outShape);
    const ii = new Array<number>(x.shape.length);
    perm.forEach((p, k) => (ii[p] = oi[k]!));
    out[o] = x.values[ravel(ii, inStrides)]!;
  }
  return { shape: outShape, values: out, dtype: x.dtype };
}

/** `size[i]` elements from `begin[i]` on every axis. */
export function slice(x: HostTensor, begin: readonly number[], size: readonly number[]): HostTensor {
  const inStrides = stridesOf(x.shape);
  const n = sizeOf(size);
  const out = new Float64Array(n);
  for (let o = 0; o < n; o++) {
    const idx = unravel(o, size).map((v, k) => v + begin[k]!);
    out[o] = x.values[ravel(idx, inStrides)]!;
  }
  return { shape: [...size], values: out, dtype: x.dtype };
}

/** Join along `axis`. */
export function concat(xs: readonly HostTensor[], axis: number): HostTensor {
  const first = xs[0]!;
  const outShape = [...first.shape];
  outShape[axis] = xs.reduce((s, x) => s + x.shape[axis]!, 0);
  const n = sizeOf(outShape);
  const out = new Float64Array(n);
  for (let o = 0; o < n; o++) {
    const idx = unravel(o, outShape);
    let along = idx[axis]!;
    for (const x of xs) {
      const d = x.shape[axis]!;
      if (along < d) {
        const ii = [...idx];
        ii[axis] = along;
        out[o] = x.values[ravel(ii, stridesOf(x.shape))]!;
        break;
      }
      along -= d;
    }
  }
  return { shape: outShape, values: out, dtype: first.dtype };
}

/** Constant padding, `paddings[i] = [before, after]`. */
export function pad(x: HostTensor, paddings: ReadonlyArray<readonly [number, number]>, value: number): HostTensor {
  const outShape = x.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
  const inStrides = stridesOf(x.shape);
  const n = sizeOf(outShape);
  const out = new Float64Array(n);
  for (let o = 0; o < n; o++) {
    const idx = unravel(o, outShape);
    let inside = true;
    const ii = idx.map((v, k) => {
      const j = v - paddings[k]![0];
      if (j < 0 || j >= x.shape[k]!) inside = false;
      return j;
    });
    out[o] = inside ? x.values[ravel(ii, inStrides)]! : value;
  }
  return { shape: outShape, values: out, dtype: x.dtype };
}

/** Output shape x.shape[:axis] + indices.shape + x.shape[axis+1:]. */
export function gather(x: HostTensor, indices: HostTensor, axis: number): HostTensor {
  const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const inStrides = stridesOf(x.shape);
  const idxStrides = stridesOf(indices.shape);
  const r = indices.shape.length;
  const n = sizeOf(outShape);
  const out = new Float64Array(n);
  for (let o = 0; o < n; o++) {
    const oi = unravel(o, outShape);
    const ind = indices.values[ravel(oi.slice(axis, axis + r), idxStrides)]!;
    const ii = [...oi.slice(0, axis), ind, ...oi.slice(axis + r)];
    out[o] = x.values[ravel(ii, inStrides)]!;
  }
  return { shape: outShape, values: out, dtype: x.dtype };
}

/** Adjoint of gather: zeros of outShape, updates added at indices along axis (int32 wraps). */
export function scatterAdd(updates: HostTensor, indices: HostTensor, axis: number, outShape: readonly number[]): Accumulated {
  const n = sizeOf(outShape);
  const out = new Float64Array(n);
  const terms = new Float64Array(n);
  const absSum = new Float64Array(n);
  const outStrides = stridesOf(outShape);
  const idxStrides = stridesOf(indices.shape);
  const r = indices.shape.length;
  const int = updates.dtype === 'int32';
  for (let u = 0; u < updates.values.length; u++) {
    const ui = unravel(u, updates.shape);
    const ind = indices.values[ravel(ui.slice(axis, axis + r), idxStrides)]!;
    const o = ravel([...ui.slice(0, axis), ind, ...ui.slice(axis + r)], outStrides);
    const v = updates.values[u]!;
    out[o] = int ? (out[o]! + v) | 0 : out[o]! + v;
    terms[o]!++;
    absSum[o] = absSum[o]! + Math.abs(v);
  }
  return { out: { shape: [...outShape], values: out, dtype: updates.dtype }, terms, absSum };
}

/** float32 [...indices.shape, depth]; out-of-range indices give a row of offValue. */
export function oneHot(indices: HostTensor, depth: number, onValue: number, offValue: number): HostTensor {
  const m = indices.values.length;
  const out = new Float64Array(m * depth).fill(offValue);
  for (let i = 0; i < m; i++) {
    const k = indices.values[i]!;
    if (k >= 0 && k < depth) out[i * depth + k] = onValue;
  }
  const dtype: DType = 'float32';
  return { shape: [...indices.shape, depth], values: out, dtype };
}
