// conv2d's filter gradient by this package's SIMD tiles (src/kernels/filter_grad_simd.ts)
// against the float64 reference, over the geometries its pointer arithmetic has
// to get right (strides, dilations, uneven explicit padding, channel counts that
// leave 1–3 input or 4 output channels over), with non-finite values, and the
// fallback (output channels not a multiple of 4) through the kernel.
import { computeConv2DInfo, type Conv2DInfo, type PaddingSpec } from '@polytensor/core';
import { gamma, host, reference } from '@polytensor/conformance';
import { beforeAll, describe, expect, it } from 'vitest';
import { conv2dBackpropFilter } from './kernels/conv2d_backprop_filter.js';
import { bySimdTiles, filterGradTiles, simdTilesFit } from './kernels/filter_grad_simd.js';
import { loadRuntime } from './load.js';
import type { Tw, WasmRuntime } from './runtime.js';

describe('conv2d filter gradient by SIMD tiles', () => {
  let rt: WasmRuntime;
  beforeAll(async () => {
    rt = await loadRuntime();
  });

  let seed = 11;
  const values = (n: number): Float32Array =>
    Float32Array.from({ length: n }, () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 4 - 2);
  const onHeap = (shape: readonly number[], v: Float32Array): Tw => {
    const t = rt.empty(shape, 'float32');
    rt.f32(t.data).set(v);
    return t;
  };

  /** dW by `run` on fresh heap copies of x and dy, checked against the reference element by element; frees what it made. */
  function check(info: Conv2DInfo, run: (x: Tw, dy: Tw) => Tw, patch?: (x: Float32Array, dy: Float32Array) => void): Float32Array {
    const xv = values(info.inShape.reduce((a, b) => a * b, 1));
    const dyv = values(info.outShape.reduce((a, b) => a * b, 1));
    patch?.(xv, dyv);
    const want = reference.conv2dBackpropFilter(host(info.inShape, xv), host(info.outShape, dyv), info);
    const before = rt.tfjsDataIds();
    const x = onHeap(info.inShape, xv);
    const dy = onHeap(info.outShape, dyv);
    let got: Float32Array;
    try {
      const out = run(x, dy);
      expect(out.shape).toEqual(info.filterShape);
      got = rt.f32(out.data).slice();
      rt.dispose(out);
    } finally {
      rt.dispose(x);
      rt.dispose(dy);
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
    expect(filterGradTiles(rt)).not.toBeNull();
  });

  const cases: Array<[string, number[], number[], number | [number, number], PaddingSpec, (number | [number, number])?]> = [
    // [label, x shape, filter shape, strides, padding, dilations]
    ['3×3 same, 8 → 8 (one 4×8 block pair)', [2, 7, 6, 8], [3, 3, 8, 8], 1, 'same'],
    ['3×3 same, 5 → 12 (one input channel and 4 outputs over)', [2, 6, 7, 5], [3, 3, 5, 12], 1, 'same'],
    ['3×3 same, 1 → 4 (single-channel input)', [3, 5, 5, 1], [3, 3, 1, 4], 1, 'same'],
    ['2×3 valid, 7 → 20', [1, 6, 8, 7], [2, 3, 7, 20], 1, 'valid'],
    ['3×3 stride 2 same, 6 → 8', [2, 9, 8, 6], [3, 3, 6, 8], 2, 'same'],
    ['4×4 strides [2, 3] same, 4 → 4', [2, 9, 10, 4], [4, 4, 4, 4], [2, 3], 'same'],
    ['3×2 dilations [2, 3] same, 3 → 8', [1, 9, 9, 3], [3, 2, 3, 8], 1, 'same', [2, 3]],
    [
      '2×2 stride 2, uneven explicit padding, 2 → 4',
      [1, 6, 6, 2],
      [2, 2, 2, 4],
      2,
      [
        [1, 2],
        [0, 1],
      ] as PaddingSpec,
    ],
    ['3×3 same on a 2×2 image (taps mostly in padding), 4 → 8', [2, 2, 2, 4], [3, 3, 4, 8], 1, 'same'],
    ['1×1, 12 → 16', [2, 3, 4, 12], [1, 1, 12, 16], 1, 'valid'],
  ];
  for (const [label, xs, fs, strides, pad, dil] of cases) {
    it(`${label}: within the accumulation bound`, () => {
      const info = computeConv2DInfo('test', xs, fs, strides, pad, dil ?? 1);
      expect(simdTilesFit(info)).toBe(true);
      const tiles = filterGradTiles(rt)!;
      check(info, (x, dy) => bySimdTiles(rt, tiles, x, dy, info));
    });
  }

  it('propagates NaN and ±∞ as the reference does, and never reads padding (∞ in dy beside padding stays ∞)', () => {
    const info = computeConv2DInfo('test', [1, 5, 5, 4], [3, 3, 4, 8], 1, 'same');
    const tiles = filterGradTiles(rt)!;
    check(
      info,
      (x, dy) => bySimdTiles(rt, tiles, x, dy, info),
      (x, dy) => {
        x[4 * 12 + 1] = Number.NaN; // centre pixel, channel 1
        dy[0] = Number.POSITIVE_INFINITY; // corner pixel, output channel 0: its taps into padding must add nothing
        for (let i = 1; i < 8; i++) dy[i] = 0;
      },
    );
  });

  it('gives the same bits on every run', () => {
    const info = computeConv2DInfo('test', [3, 8, 8, 8], [3, 3, 8, 8], 1, 'same');
    const tiles = filterGradTiles(rt)!;
    seed = 5;
    const a = check(info, (x, dy) => bySimdTiles(rt, tiles, x, dy, info));
    seed = 5;
    const b = check(info, (x, dy) => bySimdTiles(rt, tiles, x, dy, info));
    expect(b).toEqual(a);
  });

  it('the kernel falls back to the XNNPACK convolution when output channels are not a multiple of 4', () => {
    const info = computeConv2DInfo('test', [2, 6, 6, 4], [3, 3, 4, 6], 1, 'same');
    expect(simdTilesFit(info)).toBe(false);
    check(info, (x, dy) => conv2dBackpropFilter(rt, x, dy, info));
  });
});
