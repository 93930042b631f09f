// Kernel philoxUniform on this backend: its WGSL draw gives a seeded Dropout
// layer's training step the same masks, bit for bit, as core's host draw and
// as the conformance suite's scalar replay (the reference backend); option
// `random` picks the route; 1,000 draws leave no GPU buffer behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropout, Dropout, neg, ones, randomUniform, registerBackend, removeBackend, setBackend, setSeed, valueAndGrad, type Tensor } from '@polytensor/core';
import { referenceBackendFactory } from '@polytensor/conformance';
import { isCpuAdapter } from './device.js';
import { createWebGPUBackend, WebGPUBackendError, type WebGPUBackend } from './index.js';

/** The bits of a float32 tensor's values (so −0, NaN and every rounding compare exactly). */
async function bits(t: Tensor): Promise<Uint32Array> {
  return new Uint32Array(new Float32Array(await t.data()).buffer);
}

/** Forward and backward through a seeded Dropout layer on ones: both are the mask (scale or 0). */
async function dropoutStep(backend: string, shape: number[], rate: number): Promise<{ forward: Uint32Array; backward: Uint32Array }> {
  await setBackend(backend);
  setSeed(2024);
  const layer = new Dropout({ rate });
  const x = ones(shape);
  const dy = ones(shape);
  const { value, grad } = valueAndGrad((t) => layer.apply(t, { training: true }))(x, dy);
  try {
    return { forward: await bits(value), backward: await bits(grad) };
  } finally {
    for (const t of [x, dy, value, grad]) t.dispose();
  }
}

describe('philoxUniform on webgpu', () => {
  let gpu: WebGPUBackend;
  let host: WebGPUBackend;
  beforeAll(async () => {
    gpu = await createWebGPUBackend({ random: 'gpu' });
    host = await createWebGPUBackend({ random: 'host' });
    registerBackend('webgpu-rng-gpu', () => gpu, -1);
    registerBackend('webgpu-rng-host', () => host, -2);
    registerBackend('reference-rng', referenceBackendFactory, -3);
  });
  afterAll(() => {
    for (const name of ['webgpu-rng-gpu', 'webgpu-rng-host', 'reference-rng']) removeBackend(name);
  });

  // [50, 14, 14, 4] draws four values per thread (vec4 stores); [3, 7, 11] one per thread
  for (const [shape, rate] of [
    [[50, 14, 14, 4], 0.5],
    [[3, 7, 11], 0.25],
  ] as const) {
    it(`a seeded Dropout(${rate}) training step on [${shape}]: the GPU's masks are the host draw's and the reference's, bit for bit`, async () => {
      const onGpu = await dropoutStep('webgpu-rng-gpu', [...shape], rate);
      const onHost = await dropoutStep('webgpu-rng-host', [...shape], rate);
      const reference = await dropoutStep('reference-rng', [...shape], rate);
      expect(gpu.random).toBe('gpu');
      const kept = onGpu.forward.filter((b) => b !== 0).length / onGpu.forward.length;
      expect(kept, 'the share kept is near 1 − rate').toBeGreaterThan(1 - rate - 0.1);
      expect(kept).toBeLessThan(1 - rate + 0.1);
      expect(onGpu.forward).toEqual(onHost.forward);
      expect(onGpu.forward).toEqual(reference.forward);
      expect(onGpu.backward).toEqual(onGpu.forward);
      expect(onHost.backward).toEqual(onHost.forward);
    });
  }

  it('draws held together are each the reference stream (no array or buffer shared between draws)', async () => {
    const draws = async (backend: string): Promise<Uint32Array[]> => {
      await setBackend(backend);
      setSeed(77);
      const x = ones([40, 25]);
      const ts = [randomUniform([1000]), dropout(x, 0.4), randomUniform([999]), randomUniform([1000])];
      try {
        return await Promise.all(ts.map(bits));
      } finally {
        for (const t of [x, ...ts]) t.dispose();
      }
    };
    const reference = await draws('reference-rng');
    expect(reference[0]).not.toEqual(reference[3]);
    expect(await draws('webgpu-rng-gpu')).toEqual(reference);
    expect(await draws('webgpu-rng-host')).toEqual(reference);
  });

  it("the host route draws into a disposed draw's array: later draws, a read begun before the dispose and a GPU copy stay exact", async () => {
    const shape = [64, 16];
    await setBackend('reference-rng');
    const want = new Map<number, Uint32Array>();
    for (const seed of [5, 6, 7]) {
      const t = randomUniform(shape, 0, 1, 'float32', seed);
      want.set(seed, await bits(t));
      t.dispose();
    }
    const u = randomUniform(shape, 0, 1, 'float32', 7);
    const n = neg(u);
    const wantNeg = await bits(n);
    for (const t of [u, n]) t.dispose();

    await setBackend('webgpu-rng-host');
    const pool = host.store.hostArrays;
    pool.clear();
    const a = randomUniform(shape, 0, 1, 'float32', 5);
    const pending = a.data();
    a.dispose();
    expect(pool.size.arrays, "a's array is back in the pool").toBe(1);
    const live: Tensor[] = [];
    try {
      const b = randomUniform(shape, 0, 1, 'float32', 6);
      live.push(b);
      expect(pool.size.arrays, "b draws into a's array").toBe(0);
      expect(new Uint32Array(new Float32Array(await pending).buffer), 'the read begun before the dispose').toEqual(want.get(5));
      expect(await bits(b)).toEqual(want.get(6));
      // c is uploaded by neg (tfjs drops its host values), then its array draws d while negC lives on the GPU
      const c = randomUniform(shape, 0, 1, 'float32', 7);
      const negC = neg(c);
      live.push(negC);
      c.dispose();
      expect(pool.size.arrays, "c's array, once tfjs let go of it").toBe(1);
      const d = randomUniform(shape, 0, 1, 'float32', 5);
      live.push(d);
      expect(await bits(negC)).toEqual(wantNeg);
      expect(await bits(d)).toEqual(want.get(5));
      expect(await bits(b)).toEqual(want.get(6));
    } finally {
      for (const t of live) t.dispose();
    }
  });

  it('a tensor of 2^31 elements or more is refused before anything is allocated (the counter word ⌊i/2^32⌋ must stay 0)', () => {
    const key = { k0: 1, k1: 2, stream: 3 };
    expect(() => gpu.kernels.philoxUniform([2 ** 16, 2 ** 15], key, null)).toThrow(WebGPUBackendError);
    expect(() => gpu.kernels.philoxUniform([2 ** 16, 2 ** 15], key, null)).toThrow(/2147483648 elements.*fewer than 2\^31/);
  });

  it('1,000 draws (uniforms and dropout masks) leave no buffer, data id or pipeline behind', async () => {
    await setBackend('webgpu-rng-gpu');
    const x = ones([8, 16]);
    const draw = async (k: number, read: boolean): Promise<void> => {
      const t = k % 2 === 0 ? randomUniform([33, 17], 0, 1, 'float32', k) : dropout(x, 0.3, k);
      if (read) await t.data();
      t.dispose();
    };
    try {
      // warm-up in the measured pattern (99 queued draws, then a read), so tfjs's buffer pool has reached its size
      for (let k = 0; k < 100; k++) await draw(k, k % 100 === 99);
      const before = gpu.memory();
      for (let k = 0; k < 1000; k++) await draw(k, k % 100 === 99);
      const after = gpu.memory();
      for (const key of ['numDataIds', 'numBytes', 'tfjsDataIds', 'buffersInUse', 'gpuBytesAllocated', 'compiledPipelines'] as const) {
        expect(after[key], `${key} after 1,000 draws`).toBe(before[key]);
      }
      expect(before.buffersInUse).toBeGreaterThan(0);
    } finally {
      x.dispose();
    }
  });
});

describe('option random', () => {
  it("'auto' draws on the host on a CPU adapter (SwiftShader, a fallback adapter) and on the GPU elsewhere", async () => {
    expect(isCpuAdapter({ adapter: 'google swiftshader' })).toBe(true);
    expect(isCpuAdapter({ adapter: 'mesa llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe(true);
    expect(isCpuAdapter({ adapter: 'some vendor', fallback: true })).toBe(true);
    expect(isCpuAdapter({ adapter: 'microsoft (Microsoft Basic Render Driver)' })).toBe(true);
    expect(isCpuAdapter({ adapter: 'nvidia ampere (NVIDIA GeForce RTX 3080)', fallback: false })).toBe(false);
    const b = await createWebGPUBackend();
    try {
      expect(b.random).toBe(isCpuAdapter({ adapter: b.adapter }) ? 'host' : 'gpu');
    } finally {
      b.dispose();
    }
  });

  it('an unknown value is a clear error, before any device is made', async () => {
    const bad = createWebGPUBackend({ random: 'cpu' as never });
    await expect(bad).rejects.toThrow(WebGPUBackendError);
    await expect(bad).rejects.toThrow(/option random is "cpu"; use 'auto' \(the default\), 'gpu' or 'host'/);
  });
});
