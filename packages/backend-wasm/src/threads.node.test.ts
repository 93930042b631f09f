// XNNPACK on two threads in Node (worker_threads): the same results, bit for
// bit, as on one, for the big kernels and for training the seed CNN; the
// workers never keep Node alive; and where threads cannot run the
// single-threaded build is chosen, saying why.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conv2d, grads, matMul, registerBackend, removeBackend, setBackend, setBackendSync, setSeed, sum, tensor, tidy, type Tensor } from '@polytensor/core';
import { runChildReport } from '../../../tools/vitest/child_report.js';
import { createWasmBackend, type WasmBackend } from './index.js';
import { bars, seedCnn } from '../../../tools/vitest/seed_models.js';

const child = fileURLToPath(new URL('./threads.child.mjs', import.meta.url));

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

const bits = (a: Float32Array): Uint32Array => new Uint32Array(a.buffer, a.byteOffset, a.length);

/** Index of the first element whose bit pattern differs (-1: none), for a readable failure. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  const x = bits(a);
  const y = bits(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

describe('wasm backend on 1 and 2 threads', () => {
  let one: WasmBackend;
  let two: WasmBackend;
  beforeAll(async () => {
    one = await createWasmBackend({ threads: 1 });
    two = await createWasmBackend({ threads: 2 });
    registerBackend('wasm-1t', () => one, -1);
    registerBackend('wasm-2t', () => two, -1);
  });
  afterAll(() => {
    removeBackend('wasm-1t'); // disposes the instances
    removeBackend('wasm-2t');
  });

  /** `f`'s outputs on each backend, read back. */
  const onBoth = (f: () => Tensor[]): [Float32Array[], Float32Array[]] =>
    (['wasm-1t', 'wasm-2t'] as const).map((name) => {
      setBackendSync(name);
      return tidy(() => f()).map((t) => {
        const d = t.dataSync() as Float32Array;
        t.dispose();
        return d;
      });
    }) as [Float32Array[], Float32Array[]];

  it('two threads run the threaded build with a pool of 2; one thread the single-threaded build', () => {
    expect(two.info).toEqual({ binary: 'tfjs-backend-wasm-threaded-simd.wasm', simd: true, threads: 2, threadsFallback: null });
    expect(one.info).toEqual({ binary: 'tfjs-backend-wasm-simd.wasm', simd: true, threads: 1, threadsFallback: null });
  });

  it('matMul gives the same bits on both, and the right product (float64 reference)', () => {
    const [m, k, n] = [300, 384, 256];
    const a = values(m * k, 1);
    const b = values(k * n, 2);
    const [[p1], [p2]] = onBoth(() => [matMul(tensor(a, [m, k]), tensor(b, [k, n]))]);
    expect(firstDifference(p1!, p2!)).toBe(-1);
    let worst = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) s += a[i * k + q]! * b[q * n + j]!;
        worst = Math.max(worst, Math.abs(p1![i * n + j]! - s));
      }
    }
    expect(worst).toBeLessThan(1e-4); // |terms| < 1, 384 of them: float32 rounding stays far below
  });

  it('conv2d and both its gradients (stride 1 and 2) give the same bits on both', () => {
    const x = values(8 * 28 * 28 * 16, 3);
    const w = values(3 * 3 * 16 * 32, 4);
    for (const stride of [1, 2] as const) {
      const [r1, r2] = onBoth(() => {
        const xt = tensor(x, [8, 28, 28, 16]);
        const wt = tensor(w, [3, 3, 16, 32]);
        const y = conv2d(xt, wt, stride, 'same');
        const [dx, dw] = grads((a: Tensor, f: Tensor) => sum(conv2d(a, f, stride, 'same').square()))([xt, wt]);
        return [y, dx!, dw!];
      });
      r1.forEach((v, i) => {
        expect(v.some((e) => e !== 0)).toBe(true);
        expect(firstDifference(v, r2[i]!), `stride ${stride}, output ${i}`).toBe(-1);
      });
    }
  });

  it('fit trains the seed CNN to the same weights, bit for bit (Adam, dropout, 2 steps of batch 16)', async () => {
    const data = bars(32);
    const weights: Float32Array[][] = [];
    const losses: number[][] = [];
    for (const name of ['wasm-1t', 'wasm-2t']) {
      await setBackend(name);
      setSeed(3);
      const model = seedCnn();
      model.compile({ optimizer: 'adam', learningRate: 0.001, loss: 'sparseCategoricalCrossentropy' });
      const x = tensor(data.x, [32, 28, 28, 1]);
      const y = tensor(data.y, [32], 'int32');
      try {
        const history = await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0, shuffle: true });
        losses.push(history.history['loss']!);
        weights.push(model.trainableWeights.map((v) => v.dataSync() as Float32Array));
      } finally {
        x.dispose();
        y.dispose();
        model.dispose();
      }
    }
    expect(losses[0]!.every(Number.isFinite)).toBe(true);
    expect(losses[1]).toEqual(losses[0]);
    expect(weights[0]).toHaveLength(12);
    weights[0]!.forEach((w, i) => expect(firstDifference(w, weights[1]![i]!), `weight ${i}`).toBe(-1));
  });
});

interface ChildReport {
  info: { binary: string; threads: number; threadsFallback: string | null };
  sum: number;
  gradSum: number;
  ms: number;
  sharesOneThreadModule: boolean;
}

describe('wasm threads in a child process', () => {
  it('a process using 2 threads (XNNPACK and the heap workers) ends by itself when its work is done (no dispose)', () => {
    const r = runChildReport<ChildReport>(child, { packages: ['core', 'backend-wasm'], args: ['2'], timeoutMs: 60_000 });
    expect(r.info).toEqual({ binary: 'tfjs-backend-wasm-threaded-simd.wasm', simd: true, threads: 2, threadsFallback: null });
    expect(r.sum).toBe(64 * 64 * 64); // ones · ones: every element is 64
    // Ones in x and dy, 3×3 'same' on 16×16: a tap sees 15 or 16 rows and 15 or 16 columns, in 4 images, 32 × 32 channels.
    expect(r.gradSum).toBe(4 * (15 + 16 + 15) ** 2 * 32 * 32);
    expect(r.sharesOneThreadModule).toBe(false); // 1 and 2 threads: two modules
  });

  it('POLYTENSOR_WASM_THREADS sets the count of backends created without one; a bad value is refused clearly', () => {
    const r = runChildReport<ChildReport>(child, {
      packages: ['core', 'backend-wasm'],
      args: ['default'],
      env: { POLYTENSOR_WASM_THREADS: '1' },
      timeoutMs: 60_000,
    });
    expect(r.info).toEqual({ binary: 'tfjs-backend-wasm-simd.wasm', simd: true, threads: 1, threadsFallback: null });
    expect(() =>
      runChildReport(child, { packages: ['core', 'backend-wasm'], args: ['default'], env: { POLYTENSOR_WASM_THREADS: 'two' }, timeoutMs: 60_000 }),
    ).toThrow(/POLYTENSOR_WASM_THREADS: expected a positive integer or 'auto' .*, got two/);
  });

  it('without SharedArrayBuffer, asking for 2 threads runs the single-threaded build (the 1-thread module) and says why', () => {
    const r = runChildReport<ChildReport>(child, { packages: ['core', 'backend-wasm'], args: ['2', 'no-shared-array-buffer'], timeoutMs: 60_000 });
    expect(r.info).toEqual({ binary: 'tfjs-backend-wasm-simd.wasm', simd: true, threads: 1, threadsFallback: 'SharedArrayBuffer is not available' });
    expect(r.sum).toBe(64 * 64 * 64);
    expect(r.sharesOneThreadModule).toBe(true); // the fallback is the 1-thread module, not a second one
  });
});
