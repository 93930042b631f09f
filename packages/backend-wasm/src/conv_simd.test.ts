// conv2d's input gradient at stride 1 by this package's SIMD correlation
// (src/kernels/conv_simd.ts on dy padded, with the flipped filter) against the
// float64 reference, over geometries its pointer arithmetic has to get right:
// row ends of 1–3 pixels, 4 channels over a block of 8, dilations, uneven and
// cropping padding, odd output-channel counts, NaN and ∞.
import { computeConv2DInfo, type Conv2DInfo, type PaddingSpec } from '@polytensor/core';
import { gamma, host, reference } from '@polytensor/conformance';
import { beforeAll, describe, expect, it } from 'vitest';
import { conv2dBackpropInput } from './kernels/conv2d_backprop_input.js';
import { correlateTiles } from './kernels/conv_simd.js';
import { loadRuntime } from './load.js';
import type { Tw, WasmRuntime } from './runtime.js';

describe('conv2d input gradient by the SIMD correlation', () => {
  let rt: WasmRuntime;
  beforeAll(async () => {
    rt = await loadRuntime();
  });

  let seed = 17;
  const values = (n: number): Float32Array =>
    Float32Array.from({ length: n }, () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 4 - 2);
  const onHeap = (shape: readonly number[], v: Float32Array): Tw => {
    const t = rt.empty(shape, 'float32');
    rt.f32(t.data).set(v);
    return t;
  };

  /** dx by the kernel on fresh heap copies, checked against the reference element by element; frees what it made. */
  function check(info: Conv2DInfo, patch?: (dy: Float32Array, filter: Float32Array) => void): Float32Array {
    const dyv = values(info.outShape.reduce((a, b) => a * b, 1));
    const fv = values(info.filterShape.reduce((a, b) => a * b, 1));
    patch?.(dyv, fv);
    const want = reference.conv2dBackpropInput(host(info.outShape, dyv), host(info.filterShape, fv), info);
    const before = rt.tfjsDataIds();
    const dy = onHeap(info.outShape, dyv);
    const filter = onHeap(info.filterShape, fv);
    let got: Float32Array;
    try {
      const out = conv2dBackpropInput(rt, dy, filter, info);
      expect(out.shape).toEqual(info.inShape);
      got = rt.f32(out.data).slice();
      rt.dispose(out);
    } finally {
      rt.dispose(dy);
      rt.dispose(filter);
    }
    expect(rt.tfjsDataIds(), 'buffers left behind').toBe(before);
    let worst = 0;
    for (let i = 0; i < got.length; i++) {
      const w = want.out.values[i]!;
      if (!Number.isFinite(w)) {
        expect(Object.is(got[i], Math.fround(w)), `element ${i}: ${got[i]} where the reference is ${w}`).toBe(true);
        continue;
      }
      const bound = gamma(want.terms[i]!) * want.absSum[i]!;
      const err = Math.abs(got[i]! - w);
      worst = Math.max(worst, bound === 0 ? (err === 0 ? 0 : Infinity) : err / bound);
    }
    expect(worst, 'worst error as a fraction of the bound').toBeLessThanOrEqual(1);
    return got;
  }

  it('runs wherever WebAssembly SIMD does (every build these tests load, the threaded one included)', () => {
    expect(correlateTiles(rt)).not.toBeNull();
  });

  const cases: Array<[string, number[], number[], PaddingSpec, (number | [number, number])?]> = [
    // [label, x shape, filter shape, padding, dilations]: all stride 1 with input channels a multiple of 4
    ['3×3 same, 8 → 8, width 7 (a group of 4 and 3 single pixels)', [2, 5, 7, 8], [3, 3, 8, 8], 'same'],
    ['3×3 same, 12 → 5 (a block of 8 and one of 4; odd K)', [2, 6, 9, 12], [3, 3, 12, 5], 'same'],
    ['3×3 same, 4 → 64', [1, 6, 6, 4], [3, 3, 4, 64], 'same'],
    ['2×3 valid, 16 → 3', [2, 6, 10, 16], [2, 3, 16, 3], 'valid'],
    ['3×2 dilations [2, 3] same, 8 → 6', [1, 9, 11, 8], [3, 2, 8, 6], 'same', [2, 3]],
    [
      '3×3 uneven explicit padding, 4 → 4',
      [1, 7, 6, 4],
      [3, 3, 4, 4],
      [
        [2, 0],
        [0, 1],
      ] as PaddingSpec,
    ],
    [
      '3×3 padding beyond the filter (dy cropped), 8 → 4',
      [1, 4, 5, 8],
      [3, 3, 8, 4],
      [
        [3, 3],
        [3, 4],
      ] as PaddingSpec,
    ],
    ['1×1, 24 → 7', [2, 3, 5, 24], [1, 1, 24, 7], 'valid'],
    ['5×5 same on a 3×3 image, 4 → 8', [2, 3, 3, 4], [5, 5, 4, 8], 'same'],
  ];
  for (const [label, xs, fs, pad, dil] of cases) {
    it(`${label}: within the accumulation bound`, () => {
      check(computeConv2DInfo('test', xs, fs, 1, pad, dil ?? 1));
    });
  }

  // A non-finite filter value meets the zeros dy is padded with (∞·0 = NaN) where the reference skips
  // padding; XNNPACK's convolution, which this replaces, multiplies its padding zeros the same way.
  it('propagates NaN and ±∞ in dy as the reference does', () => {
    const info = computeConv2DInfo('test', [1, 5, 6, 8], [3, 3, 8, 4], 1, 'same');
    check(info, (dy) => {
      dy[4 * (6 + 2) + 1] = Number.NaN;
      dy[4 * 29] = Number.NEGATIVE_INFINITY;
      dy[0] = Number.POSITIVE_INFINITY;
    });
  });

  it('gives the same bits on every run', () => {
    const info = computeConv2DInfo('test', [3, 8, 9, 8], [3, 3, 8, 8], 1, 'same');
    seed = 5;
    const a = check(info);
    seed = 5;
    expect(check(info)).toEqual(a);
  });
});
