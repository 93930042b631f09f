import { forEachRow, mergeAxes, stridesOf, type KernelImpl } from '@polytensor/core';
import type { Tw, WasmRuntime } from '../runtime.js';
import type { WasmStore } from '../store.js';

/** Rows shorter than this are copied element by element (cheaper than a memmove call each). */
export const SHORT_ROW = 16;

/**
 * Copy the strided region of `x` described by (shape, strides, base) into
 * `out`, inside the wasm heap: long rows by memmove, broadcast rows (stride 0)
 * by fill, short ones by a loop over heap views. Nothing is copied out to
 * JavaScript.
 */
export function gatherRegion(rt: WasmRuntime, x: Tw, shape: readonly number[], strides: readonly number[], base: number, out: Tw, outStart = 0): void {
  const { shape: s, strides: st } = mergeAxes(shape, strides);
  const rowLen = s[s.length - 1]!;
  const rowStride = st[st.length - 1]!;
  if (rowStride === 1 && rowLen >= SHORT_ROW) {
    forEachRow(s, st, base, (o, i) => rt.copy(x.data, i, out.data, outStart + o, rowLen));
    return;
  }
  const src = rt.view(x.data);
  const dst = rt.view(out.data);
  if (rowStride === 0) {
    // a broadcast row: one value repeated
    forEachRow(s, st, base, (o, i) => dst.fill(src[i]!, outStart + o, outStart + o + rowLen));
    return;
  }
  forEachRow(s, st, base, (o, i) => {
    const d = outStart + o;
    for (let j = 0; j < rowLen; j++) dst[d + j] = src[i + j * rowStride]!;
  });
}

/** Contiguous slice: `size[i]` elements from `begin[i]` on every axis. */
export function slice(rt: WasmRuntime, x: Tw, begin: readonly number[], size: readonly number[]): Tw {
  const out = rt.empty(size, x.dtype);
  if (out.data.size === 0) return out;
  const strides = stridesOf(x.shape);
  let base = 0;
  for (let i = 0; i < begin.length; i++) base += begin[i]! * strides[i]!;
  gatherRegion(rt, x, size, strides, base, out);
  return out;
}

/** The contract-level kernel: this instance's buffers in, a buffer it owns out. */
export const sliceKernel: KernelImpl<'slice', WasmStore> = (s, x, begin, size) => s.run(() => slice(s.rt, s.input(x, 'slice'), begin, size));
