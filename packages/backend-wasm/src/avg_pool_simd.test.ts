// avgPool by the conv module's SIMD windows (src/kernels/avg_pool.ts:
// unpadded, undilated windows over channels in multiples of 4) against the
// conformance suite's float64 reference within γ_(n+1)·Σ|x|/n: 2×2 (unrolled)
// and general windows (3×3, 2×3, overlapping), and the shapes that keep
// XNNPACK (padding, channels not a multiple of 4) still matching it.
// 1 and 2 threads giving the same bits: heap_threads.node.test.ts.
import { computePool2DInfo, type PaddingSpec } from '@polytensor/core';
import { gamma, host, reference } from '@polytensor/conformance';
import { beforeAll, describe, expect, it } from 'vitest';
import { avgPool } from './kernels/avg_pool.js';
import { loadRuntime } from './load.js';
import type { WasmRuntime } from './runtime.js';

/** Deterministic values in [-1, 1) (a fixed LCG), independent of the code under test. */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

// biome-ignore format: one case per line
const CASES: readonly [string, [number, number, number, number], [number, number], [number, number], PaddingSpec][] = [
  ['2×2 stride 2', [3, 8, 10, 8], [2, 2], [2, 2], 'valid'],
  ['2×2 stride 2, odd input (the last row and column left out)', [2, 7, 9, 4], [2, 2], [2, 2], 'valid'],
  ['3×3 stride 2', [2, 9, 11, 12], [3, 3], [2, 2], 'valid'],
  ['2×3 stride 1 (overlapping windows)', [1, 6, 7, 4], [2, 3], [1, 1], 'valid'],
  ['3×3 stride 1 same (padded: XNNPACK)', [2, 6, 6, 8], [3, 3], [1, 1], 'same'],
  ['2×2 stride 2, 6 channels (XNNPACK)', [2, 6, 6, 6], [2, 2], [2, 2], 'valid'],
];

describe('avgPool by SIMD windows', () => {
  let rt: WasmRuntime;
  beforeAll(async () => {
    rt = await loadRuntime(1);
  });

  it.each(CASES)('matches the float64 reference: %s', (_name, shape, pool, strides, pad) => {
    const info = computePool2DInfo('avgPool', shape, pool, strides, pad);
    const xv = values(
      shape.reduce((p, q) => p * q, 1),
      shape[3] + pool[0] * 7,
    );
    const before = rt.tfjsDataIds();
    const x = rt.empty(shape, 'float32');
    rt.f32(x.data).set(xv);
    const out = avgPool(rt, x, info);
    const got = rt.f32(out.data).slice();
    rt.dispose(out);
    rt.dispose(x);
    expect(rt.tfjsDataIds(), 'buffers left behind').toBe(before);
    const want = reference.avgPool(host(shape, xv), info);
    expect(got.length).toBe(want.out.values.length);
    let worst = 0;
    got.forEach((g, i) => {
      const bound = gamma(want.terms[i]! + 1) * want.absSum[i]!;
      worst = Math.max(worst, Math.abs(g - want.out.values[i]!) / bound);
    });
    expect(worst, 'worst error as a fraction of γ_(n+1)·Σ|x|/n').toBeLessThanOrEqual(1);
  });
});
