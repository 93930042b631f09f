// The two kernels that pick their implementation by shape (README, "Own kernel
// or core's composite"): conv2dBackpropInput (XNNPACK convolution at stride 1
// with enough input channels, core's matMul + col2im composite otherwise) and
// avgPoolGrad with channels not a multiple of 4 (tfjs's loop below AVG_POOL_GRAD_COMPOSITE_FROM cells, the
// composite above). Each side of each rule runs and matches the float64
// reference within the accumulation bound.
import { computeConv2DInfo, computePool2DInfo, defineBackend, type Backend, type Conv2DInfo, type TensorInfo } from '@polytensor/core';
import { gamma, host, reference } from '@polytensor/conformance';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WASM_KERNELS } from './backend.js';
import { AVG_POOL_GRAD_COMPOSITE_FROM } from './kernels/avg_pool_grad.js';
import { xnnpackBackpropInput } from './kernels/conv2d_backprop_input.js';
import { loadRuntime } from './load.js';
import { WasmStore } from './store.js';

type Accumulated = ReturnType<typeof reference.avgPoolGrad>;

describe('kernels that choose between their own implementation and core’s composite', () => {
  let store: WasmStore;
  let backend: Backend;
  beforeAll(async () => {
    store = new WasmStore(await loadRuntime());
    backend = defineBackend({ name: 'wasm-choice', storage: store, kernels: WASM_KERNELS, dispose: () => store.clear() });
    store.bind(backend.kernels);
  });
  afterAll(() => {
    expect(store.numDataIds()).toBe(0);
    backend.dispose();
  });

  let seed = 3;
  const values = (n: number): Float32Array =>
    Float32Array.from({ length: n }, () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1);
  const input = (shape: readonly number[]): { info: TensorInfo; host: ReturnType<typeof host> } => {
    const v = values(shape.reduce((a, b) => a * b, 1));
    return { info: { dataId: store.write(v, shape, 'float32'), shape, dtype: 'float32' }, host: host(shape, v) };
  };

  /** Run `call`, check it took the expected path and is within γ_n·Σ|term| of the reference everywhere, free everything. */
  function check(call: () => TensorInfo, want: Accumulated, viaComposite: boolean, inputs: TensorInfo[]): void {
    const spy = vi.spyOn(store, 'composite');
    try {
      const out = call();
      expect(spy.mock.calls.length > 0, 'ran core’s composite').toBe(viaComposite);
      expect(out.shape).toEqual(want.out.shape);
      const got = store.readSync(out.dataId);
      store.disposeData(out.dataId);
      let worst = 0;
      for (let i = 0; i < got.length; i++) {
        const bound = gamma(want.terms[i]!) * want.absSum[i]!;
        const err = Math.abs(got[i]! - want.out.values[i]!);
        worst = Math.max(worst, bound === 0 ? (err === 0 ? 0 : Infinity) : err / bound);
      }
      expect(worst, 'worst error as a fraction of the bound').toBeLessThanOrEqual(1);
    } finally {
      spy.mockRestore();
      for (const t of inputs) store.disposeData(t.dataId);
    }
  }

  const bpiCases: Array<[string, number[], number[], number, boolean]> = [
    // [label, x shape, filter shape, stride, XNNPACK?]
    ['3×3 stride 1, 16 → 32 channels', [2, 9, 9, 16], [3, 3, 16, 32], 1, true],
    ['1×1 stride 1, 1 → 64 channels (a plain product)', [2, 6, 6, 1], [1, 1, 1, 64], 1, true],
    ['3×3 stride 1, 1 → 64 channels (too few input channels)', [2, 9, 9, 1], [3, 3, 1, 64], 1, false],
    ['3×3 stride 2, 16 → 32 channels', [2, 9, 9, 16], [3, 3, 16, 32], 2, false],
  ];
  for (const [label, xs, fs, stride, xnnpack] of bpiCases) {
    it(`conv2dBackpropInput ${label}: ${xnnpack ? 'XNNPACK' : 'composite'}`, () => {
      const info: Conv2DInfo = computeConv2DInfo('test', xs, fs, stride, 'same');
      expect(xnnpackBackpropInput(info)).toBe(xnnpack);
      const dy = input(info.outShape);
      const filter = input(fs);
      check(() => backend.kernels.conv2dBackpropInput(dy.info, filter.info, info), reference.conv2dBackpropInput(dy.host, filter.host, info), !xnnpack, [
        dy.info,
        filter.info,
      ]);
    });
  }

  // Channels not a multiple of 4: the SIMD spread (src/pool_grad_simd.test.ts) takes the others.
  const poolCases: Array<[string, number[], number, number, 'valid' | 'same']> = [
    ['2×2 stride 2, small', [2, 8, 8, 6], 2, 2, 'valid'],
    ['3×3 stride 1 same, small', [1, 7, 7, 3], 3, 1, 'same'],
    ['2×2 stride 2, large', [4, 28, 28, 14], 2, 2, 'valid'],
    ['3×3 stride 2 same, large', [2, 27, 27, 30], 3, 2, 'same'],
  ];
  for (const [label, xs, p, stride, pad] of poolCases) {
    const cells = xs.reduce((a, b) => a * b, 1);
    const viaComposite = cells >= AVG_POOL_GRAD_COMPOSITE_FROM;
    it(`avgPoolGrad ${label} (${cells} cells): ${viaComposite ? 'composite' : 'tfjs AvgPoolGrad'}`, () => {
      const info = computePool2DInfo('test', xs, p, stride, pad);
      const dy = input(info.outShape);
      check(() => backend.kernels.avgPoolGrad(dy.info, info), reference.avgPoolGrad(dy.host, info), viaComposite, [dy.info]);
    });
  }

  it('a WasmStore not bound to a backend says so when a kernel needs core’s composite, and keeps no buffer', () => {
    const loose = new WasmStore(store.rt);
    const unbound = defineBackend({ name: 'wasm-unbound', storage: loose, kernels: WASM_KERNELS });
    const info = computeConv2DInfo('test', [1, 5, 5, 4], [3, 3, 4, 4], 2, 'same');
    const dy = { dataId: loose.write(values(36), info.outShape, 'float32'), shape: info.outShape, dtype: 'float32' as const };
    const filter = { dataId: loose.write(values(144), [3, 3, 4, 4], 'float32'), shape: [3, 3, 4, 4], dtype: 'float32' as const };
    expect(() => unbound.kernels.conv2dBackpropInput(dy, filter, info)).toThrow(
      /wasm backend: conv2dBackpropInput: this WasmStore is not bound to a backend; call store\.bind\(backend\.kernels\)/,
    );
    expect(loose.numDataIds()).toBe(2);
    loose.clear();
    expect(loose.numDataIds()).toBe(0);
  });
});
