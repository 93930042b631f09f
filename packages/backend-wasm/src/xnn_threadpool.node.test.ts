// Small XNNPACK calls of the threaded build run without tfjs's pthreadpool
// (src/xnn_threadpool.ts): the pool's global is found in the shipped binary,
// calls below XNN_SPLIT_MIN_WORK run inline and larger ones on the pool, the
// global is restored after each call, and the results keep the 1-thread
// build's bits on both sides of the threshold.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  avgPool,
  conv2d,
  matMul,
  maxPool,
  registerBackend,
  relu,
  removeBackend,
  setBackendSync,
  sigmoid,
  softmax,
  tensor,
  tidy,
  type Tensor,
} from '@polytensor/core';
import { createWasmBackend, type WasmBackend } from './index.js';
import { loadRuntime } from './load.js';
import type { WasmRuntime } from './runtime.js';
import { isThreadpoolGlobal, threadpoolAddress, XNN_SPLIT_MIN_WORK } from './xnn_threadpool.js';

/** Deterministic values in [-1, 1) from a fixed LCG, independent of the code under test. */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 31 - 1);
}

const bits = (a: Float32Array): Uint32Array => new Uint32Array(a.buffer, a.byteOffset, a.length);

function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  const x = bits(a);
  const y = bits(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

const binary = (): Uint8Array =>
  readFileSync(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.wasm'));

describe("XNNPACK's pool only for calls large enough", () => {
  let one: WasmBackend;
  let two: WasmBackend;
  let rt: WasmRuntime;
  beforeAll(async () => {
    one = await createWasmBackend({ threads: 1 });
    two = await createWasmBackend({ threads: 2 });
    registerBackend('xnn-1t', () => one, -1);
    registerBackend('xnn-2t', () => two, -1);
    rt = await loadRuntime(2);
  });
  afterAll(() => {
    removeBackend('xnn-1t');
    removeBackend('xnn-2t');
  });

  it("the pool's global is read from the threaded binary and checked by behaviour; a wrong word is refused", () => {
    const address = threadpoolAddress(binary());
    expect(address).not.toBeNull();
    expect(rt.smallCallsInline).toBe(true);
    const pool = rt.m.HEAP32[address! >> 2];
    expect(isThreadpoolGlobal(rt.m, address!, 2)).toBe(true);
    expect(isThreadpoolGlobal(rt.m, address! + 4, 2)).toBe(false);
    expect(rt.m.HEAP32[address! >> 2]).toBe(pool); // left as found
    expect(rt.m._get_threads_count()).toBe(2);
    // Not a wasm binary, or one whose get_threads_count starts otherwise: no address.
    expect(threadpoolAddress(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))).toBeNull();
    expect(threadpoolAddress(new Uint8Array(40))).toBeNull();
  });

  /** `f`'s outputs on 1 and 2 threads, and the gated calls on 2 threads by how they ran. */
  function onBoth(f: () => Tensor[]) {
    const run = (name: string) => {
      setBackendSync(name);
      return tidy(() => f()).map((t) => {
        const d = t.dataSync() as Float32Array;
        t.dispose();
        return d;
      });
    };
    const single = run('xnn-1t');
    const before = { ...rt.xnnCalls };
    const address = threadpoolAddress(binary())!;
    const pool = rt.m.HEAP32[address >> 2];
    const threaded = run('xnn-2t');
    expect(rt.m.HEAP32[address >> 2], "the pool's global is restored").toBe(pool);
    return { single, threaded, inline: rt.xnnCalls.inline - before.inline, pooled: rt.xnnCalls.pooled - before.pooled };
  }

  it('small products, softmax, elementwise ops and pooling run inline, with the 1-thread bits', () => {
    const a = values(64 * 784, 1);
    const w = values(784 * 64, 2);
    const x = values(2 * 9 * 9 * 8, 3);
    const r = onBoth(() => {
      const h = matMul(tensor(a, [64, 784]), tensor(w, [784, 64])); // 3.2M multiply-adds
      const img = tensor(x, [2, 9, 9, 8]);
      return [h, softmax(h), relu(h), sigmoid(h), h.mul(h), maxPool(img, 3, 2, 'same'), avgPool(img, 2, 2, 'valid')];
    });
    expect(64 * 784 * 64).toBeLessThan(XNN_SPLIT_MIN_WORK);
    expect(r.inline).toBeGreaterThanOrEqual(7);
    expect(r.pooled).toBe(0);
    r.single.forEach((s, i) => expect(firstDifference(s, r.threaded[i]!), `output ${i}`).toBe(-1));
  });

  it('a product and a convolution past the threshold use the pool, with the 1-thread bits', () => {
    const [m, k, n] = [128, 512, 96]; // 6.3M multiply-adds
    const a = values(m * k, 4);
    const b = values(k * n, 5);
    const x = values(4 * 20 * 20 * 32, 6);
    // 5×5: a 3×3 convolution of these channels would take the Winograd path, whose products run on the heap workers
    const f = values(5 * 5 * 32 * 32, 7); // 4·400·25·32·32 = 41M
    expect(m * k * n).toBeGreaterThanOrEqual(XNN_SPLIT_MIN_WORK);
    const r = onBoth(() => [matMul(tensor(a, [m, k]), tensor(b, [k, n])), conv2d(tensor(x, [4, 20, 20, 32]), tensor(f, [5, 5, 32, 32]), 1, 'same')]);
    expect(r.pooled).toBeGreaterThanOrEqual(2);
    r.single.forEach((s, i) => expect(firstDifference(s, r.threaded[i]!), `output ${i}`).toBe(-1));
    // And the product is right (float64 reference).
    let worst = 0;
    for (let i = 0; i < m; i += 7) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) s += a[i * k + q]! * b[q * n + j]!;
        worst = Math.max(worst, Math.abs(r.threaded[0]![i * n + j]! - s));
      }
    }
    expect(worst).toBeLessThan(1e-4);
  });
});
