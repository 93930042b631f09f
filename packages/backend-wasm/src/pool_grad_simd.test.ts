// avgPool's gradient by this package's SIMD spread (src/kernels/avg_pool_grad.ts,
// channels a multiple of 4) through the kernel, against the float64 reference:
// whole and padding-cut windows, overlapping windows, uneven padding, NaN and
// ∞, and the same bits on every run.
import { computePool2DInfo, defineBackend, type Backend, type Conv2DInfo, type PaddingSpec } from '@polytensor/core';
import { gamma, host, reference } from '@polytensor/conformance';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WASM_KERNELS } from './backend.js';
import { poolGradSpread } from './kernels/avg_pool_grad.js';
import { loadRuntime } from './load.js';
import { WasmStore } from './store.js';

describe('avgPoolGrad by the SIMD spread', () => {
  let store: WasmStore;
  let backend: Backend;
  beforeAll(async () => {
    store = new WasmStore(await loadRuntime());
    backend = defineBackend({ name: 'wasm-pool-grad', storage: store, kernels: WASM_KERNELS, dispose: () => store.clear() });
    store.bind(backend.kernels);
  });
  afterAll(() => {
    expect(store.numDataIds()).toBe(0);
    backend.dispose();
  });

  let seed = 23;
  const values = (n: number): Float32Array =>
    Float32Array.from({ length: n }, () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 4 - 2);

  /** The kernel on dy (patched), checked against the reference element by element; the composite must not run. */
  function check(info: Conv2DInfo, patch?: (dy: Float32Array) => void): Float32Array {
    const v = values(info.outShape.reduce((a, b) => a * b, 1));
    patch?.(v);
    const want = reference.avgPoolGrad(host(info.outShape, v), info);
    const dy = { dataId: store.write(v, info.outShape, 'float32'), shape: info.outShape, dtype: 'float32' as const };
    const spy = vi.spyOn(store, 'composite');
    let got: Float32Array;
    try {
      const out = backend.kernels.avgPoolGrad(dy, info);
      expect(spy).not.toHaveBeenCalled();
      expect(out.shape).toEqual(info.inShape);
      got = store.readSync(out.dataId) as Float32Array;
      store.disposeData(out.dataId);
    } finally {
      spy.mockRestore();
      store.disposeData(dy.dataId);
    }
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
    expect(poolGradSpread(store.rt)).not.toBeNull();
  });

  const cases: Array<[string, number[], number | [number, number], number | [number, number], PaddingSpec]> = [
    // [label, x shape, window, strides, padding]
    ['2×2 stride 2 (the seed CNN), 8 channels', [2, 8, 8, 8], 2, 2, 'valid'],
    ['2×2 stride 2 on odd sizes, same (cut windows), 4 channels', [2, 7, 9, 4], 2, 2, 'same'],
    ['3×3 stride 1 same (overlapping, cut), 12 channels', [1, 6, 7, 12], 3, 1, 'same'],
    ['3×2 strides [2, 1] valid, 4 channels', [2, 7, 6, 4], [3, 2], [2, 1], 'valid'],
    [
      '3×3 stride 2, uneven explicit padding, 8 channels',
      [1, 7, 6, 8],
      3,
      2,
      [
        [2, 0],
        [1, 2],
      ] as PaddingSpec,
    ],
  ];
  for (const [label, xs, window, strides, pad] of cases) {
    it(`${label}: within the accumulation bound`, () => {
      check(computePool2DInfo('test', xs, window, strides, pad));
    });
  }

  it('propagates NaN and ±∞ as the reference does', () => {
    check(computePool2DInfo('test', [1, 6, 6, 4], 3, 1, 'same'), (dy) => {
      dy[4 * 7 + 1] = Number.NaN;
      dy[4 * 20 + 2] = Number.POSITIVE_INFINITY;
      dy[4 * 21 + 2] = Number.NEGATIVE_INFINITY;
    });
  });

  it('gives the same bits on every run', () => {
    const info = computePool2DInfo('test', [2, 9, 9, 8], 3, 1, 'same');
    seed = 9;
    const a = check(info);
    seed = 9;
    expect(check(info)).toEqual(a);
  });
});
