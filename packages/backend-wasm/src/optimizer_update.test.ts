// The fused optimizer step (src/kernels/optimizer_update.ts) against core's own
// composite update run on this backend's kernels (a backend defined without the
// optimizer capability): three steps of each rule, bit for bit, and the fused
// path is the one that ran; both its SIMD module (with the JavaScript loop for
// the last elements: 4103 = 4·1025 + 3) and the JavaScript loop alone.
import {
  Adagrad,
  Adam,
  type Backend,
  defineBackend,
  Momentum,
  type Optimizer,
  registerBackend,
  removeBackend,
  RMSprop,
  SGD,
  setBackendSync,
  tensor,
  variable,
} from '@polytensor/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createWasmBackend, WASM_KERNELS, type WasmBackend } from './index.js';
import { loadRuntime } from './load.js';
import { optimizerUpdateKernel } from './kernels/optimizer_update.js';
import { WasmStore } from './store.js';

describe('fused optimizer update', () => {
  let fused: WasmBackend;
  let host: Backend;
  beforeAll(async () => {
    fused = await createWasmBackend();
    const rt = await loadRuntime();
    const store = new WasmStore(rt);
    const plain = defineBackend({ name: 'wasm-no-optimizer', storage: store, kernels: WASM_KERNELS, dispose: () => store.clear() });
    store.bind(plain.kernels);
    const hostStore = new WasmStore(rt);
    host = defineBackend({
      name: 'wasm-host-optimizer',
      storage: hostStore,
      kernels: WASM_KERNELS,
      optimizer: optimizerUpdateKernel(hostStore, false),
      dispose: () => hostStore.clear(),
    });
    hostStore.bind(host.kernels);
    registerBackend('wasm-fused', () => fused, -1);
    registerBackend('wasm-host', () => host, -2);
    registerBackend('wasm-composite', () => plain, -3);
  });
  afterAll(() => {
    for (const name of ['wasm-fused', 'wasm-host', 'wasm-composite']) removeBackend(name);
  });

  let seed = 1;
  const floats = (n: number, lo: number, hi: number): number[] =>
    Array.from({ length: n }, () => lo + ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) * (hi - lo));
  const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

  /** Three steps of `make()`'s optimizer on `backend` from the same start and gradients; the variable's bits after each. */
  function steps(backend: string, make: () => Optimizer, start: number[], grads: number[][]): number[][] {
    setBackendSync(backend);
    const init = tensor(start, [11, 373]);
    const v = variable(init, true, `w-${backend}`);
    init.dispose();
    const opt = make();
    const out: number[][] = [];
    try {
      for (const g of grads) {
        const gt = tensor(g, [11, 373]);
        opt.applyGradients({ [v.name]: gt }, [v]);
        gt.dispose();
        out.push(bits(v.dataSync() as Float32Array));
      }
    } finally {
      opt.dispose();
      v.dispose();
    }
    return out;
  }

  const rules: Array<[string, () => Optimizer]> = [
    ['sgd', () => new SGD(0.1)],
    ['momentum', () => new Momentum(0.05, 0.9)],
    ['momentum (nesterov)', () => new Momentum(0.05, 0.9, true)],
    ['adam', () => new Adam(0.01)],
    ['rmsprop', () => new RMSprop(0.01)],
    ['rmsprop (centered, momentum)', () => new RMSprop(0.01, 0.8, 0.5, 1e-6, true)],
    ['rmsprop (momentum)', () => new RMSprop(0.01, 0.8, 0.3, 1e-6)],
    ['adagrad', () => new Adagrad(0.1)],
  ];
  for (const [label, make] of rules) {
    it(`${label}: bit-identical to core's composite over three steps, by SIMD and by the JavaScript loop`, () => {
      const start = floats(4103, -3, 3);
      const grads = [0, 1, 2].map(() => floats(4103, -2, 2));
      const want = steps('wasm-composite', make, start, grads);
      expect(want[2]).not.toEqual(bits(Float32Array.from(start))); // it moved
      for (const [name, backend] of [
        ['wasm-fused', fused],
        ['wasm-host', host],
      ] as const) {
        const spy = vi.spyOn(backend.optimizer!, 'optimizerUpdate');
        try {
          const got = steps(name, make, start, grads);
          expect(spy).toHaveBeenCalledTimes(3);
          expect(got, name).toEqual(want);
        } finally {
          spy.mockRestore();
        }
      }
    });
  }
});
