// Tensors in rows (textures as wide as their rows: 2-D kernel outputs, copies)
// through elementwise kernels and slices (util/layout.ts, kernels/slice.ts):
// each result equals the host computation, or the same kernel on flat
// uploads, and keeps the rows' width. Node (headless-gl) and Chromium.
import { describe, expect, it } from 'vitest';
import type { TensorInfo } from '@polytensor/core';
import { createGpujsBackend, type GpujsBackend } from './backend.js';
import { putFlat } from './test_util.js';

const R = 6;
const C = 40;

/** Host values uploaded flat (test_util.ts). */
const put = putFlat;

/** values · 1 by a [R, C] kernel: a texture exactly C wide. */
const rows2d = (b: GpujsBackend, values: readonly number[]): TensorInfo =>
  b.kernels.binary('mul', put(b, values, [R, C]), put(b, new Array(C).fill(1), [C]), [R, C]);

const values = (seed: number): number[] => Array.from({ length: R * C }, (_, i) => Math.fround(Math.sin(i * 0.29 + seed) * 3));

describe('backend-gpujs row layout', () => {
  it('neg, add and unaryGrad keep rows; a slice of rows and columns is their values', () => {
    const b = createGpujsBackend();
    try {
      const width = (t: TensorInfo): number => b.store.tex(t).size[0]!;
      const xs = values(1);
      const ys = values(2);
      const x = rows2d(b, xs);
      const y = rows2d(b, ys);
      expect(width(x)).toBe(C);
      const neg = b.kernels.unary('neg', x);
      expect(width(neg)).toBe(C);
      expect(Array.from(b.readSync(neg.dataId))).toEqual(xs.map((v) => -v));
      const sum = b.kernels.binary('add', x, y, [R, C]);
      expect(width(sum)).toBe(C);
      expect(Array.from(b.readSync(sum.dataId))).toEqual(xs.map((v, i) => Math.fround(v + ys[i]!)));
      // unaryGrad over rows gives the bits it gives over flat uploads of the same values
      const ts = xs.map((v) => Math.fround(Math.tanh(v)));
      const ds = values(3);
      const viaRows = b.kernels.unaryGrad('tanh', x, rows2d(b, ts), rows2d(b, ds));
      expect(width(viaRows)).toBe(C);
      const viaFlat = b.kernels.unaryGrad('tanh', put(b, xs, [R, C]), put(b, ts, [R, C]), put(b, ds, [R, C]));
      expect(Array.from(b.readSync(viaRows.dataId))).toEqual(Array.from(b.readSync(viaFlat.dataId)));
      // rows 1..4, columns 7..31 of x
      const blits = b.store.rt.blits;
      const part = b.kernels.slice(x, [1, 7], [4, 25]);
      const want: number[] = [];
      for (let r = 1; r < 5; r++) want.push(...xs.slice(r * C + 7, r * C + 32));
      expect(Array.from(b.readSync(part.dataId))).toEqual(want);
      expect(b.store.rt.blits - blits, 'rectangles copied').toBe(b.info.glslVersion === 3 ? 1 : 0);
      // a kernel reads the slice as any other tensor
      const twice = b.kernels.binary('add', part, part, [4, 25]);
      expect(Array.from(b.readSync(twice.dataId))).toEqual(want.map((v) => v * 2));
    } finally {
      b.dispose();
    }
  });

  it('a 2-D upload sits in rows of its last dimension, a 1-D one flat; both read back and feed kernels as before', () => {
    const b = createGpujsBackend();
    try {
      const width = (t: TensorInfo): number => b.store.tex(t).size[0]!;
      const xs = values(4);
      const ys = values(5);
      const up = (v: number[], shape: number[]): TensorInfo => ({ dataId: b.write(Float32Array.from(v), shape, 'float32'), shape, dtype: 'float32' });
      const x = up(xs, [R, C]);
      const flat = up(ys, [R * C]);
      const narrow = up(xs, [R * C, 1]); // rows of one value: no rows layout, flat
      expect(width(x)).toBe(C);
      expect(width(flat)).not.toBe(C);
      expect(width(narrow)).not.toBe(1);
      // uploaded (the host copy of more than 128 values is dropped): read back from the texture
      expect(Array.from(b.readSync(x.dataId))).toEqual(xs);
      expect(Array.from(b.readSync(narrow.dataId))).toEqual(xs);
      // an elementwise kernel on the upload keeps its rows; beside a kernel output in rows it runs over them
      const neg = b.kernels.unary('neg', x);
      expect(width(neg)).toBe(C);
      expect(Array.from(b.readSync(neg.dataId))).toEqual(xs.map((v) => -v));
      const sum = b.kernels.binary('add', x, rows2d(b, ys), [R, C]);
      expect(width(sum)).toBe(C);
      const mixed = b.kernels.binary('add', x, { ...flat, shape: [R, C] }, [R, C]);
      const want = xs.map((v, i) => Math.fround(v + ys[i]!));
      expect(Array.from(b.readSync(sum.dataId))).toEqual(want);
      expect(Array.from(b.readSync(mixed.dataId))).toEqual(want);
    } finally {
      b.dispose();
    }
  });
});
