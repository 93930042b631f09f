// Detection and device errors: each cause named, on a stubbed navigator where
// the real one has WebGPU; device loss reported, pending reads settle, and the
// backend is made again on a fresh device.
import { afterEach, describe, expect, it } from 'vitest';
import { getBackend, memory, PolytensorError, ready, registerBackend, removeBackend, zeros, MemoryLimitError } from '@polytensor/core';
import { createWebGPUBackend, restoreWebGPUBackend, WebGPUDeviceLostError, WebGPUUnavailableError, type WebGPUBackend } from './index.js';

describe('detection', () => {
  it('no navigator.gpu: WebGPUUnavailableError (a PolytensorError) saying so and naming the fallbacks', async () => {
    const e = await createWebGPUBackend({ navigator: {} }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(WebGPUUnavailableError);
    expect(e).toBeInstanceOf(PolytensorError);
    expect((e as Error).message).toMatch(/no navigator\.gpu.*webgl, wasm/);
  });

  it('no adapter: the error says so and names the Chromium flags', async () => {
    const gpu = { requestAdapter: async () => null } as unknown as GPU;
    await expect(createWebGPUBackend({ navigator: { gpu } })).rejects.toThrow(/found no adapter.*--enable-unsafe-webgpu/);
  });

  it('an adapter that refuses a device: the error carries the reason', async () => {
    const adapter = { limits: {}, requestDevice: async () => Promise.reject(new Error('out of devices')) };
    const gpu = { requestAdapter: async () => adapter } as unknown as GPU;
    await expect(createWebGPUBackend({ navigator: { gpu } })).rejects.toThrow(/refused a device \(out of devices\)/);
  });

  it('this page has WebGPU: ready() picks webgpu (priority above webgl)', async () => {
    const b = await ready();
    expect(b.name).toBe('webgpu');
    expect((b as WebGPUBackend).adapter).toMatch(/\w/);
  });
});

describe('limits', () => {
  it("a tensor over the device's largest buffer is refused before allocation, naming the limit", async () => {
    const b = (await ready()) as WebGPUBackend;
    const max = b.limits!().maxTensorElements!;
    expect(max).toBe(Math.min(b.device.limits.maxStorageBufferBindingSize, b.device.limits.maxBufferSize) / 4);
    const before = memory().numDataIds;
    const e = (() => {
      try {
        zeros([max + 1]);
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(MemoryLimitError);
    expect((e as Error).message).toMatch(/maxStorageBufferBindingSize/);
    expect(memory().numDataIds).toBe(before);
  });
});

describe('device loss', () => {
  afterEach(() => removeBackend('webgpu-lost'));

  it('every later call fails with WebGPUDeviceLostError, pending reads settle, restoreWebGPUBackend makes a fresh one', async () => {
    const b = await createWebGPUBackend();
    registerBackend('webgpu-lost', () => b, -1);
    const x = b.write(new Float32Array(4096).fill(1), [64, 64], 'float32');
    const t = { dataId: x, shape: [1, 64, 64], dtype: 'float32' as const };
    const y = b.kernels.matMul(t, t, false, false);
    const pending = b.read(y.dataId);
    b.device.destroy();
    await b.device.lost;
    await new Promise((r) => setTimeout(r, 0));
    expect(b.deviceLost).toBe(true);
    const settled = await Promise.race([
      pending.then(
        () => 'resolved',
        (e: unknown) => e,
      ),
      new Promise((resolve) => setTimeout(() => resolve('hung'), 10_000)),
    ]);
    if (settled !== 'resolved') expect(settled).toBeInstanceOf(WebGPUDeviceLostError);
    expect(() => b.kernels.unary('exp', t)).toThrow(WebGPUDeviceLostError);
    expect(() => b.kernels.unary('exp', t)).toThrow(/exp: the GPU device was destroyed.*create a new backend/);
    expect(() => b.readSync(x)).toThrow(WebGPUDeviceLostError);
    await expect(b.read(x)).rejects.toThrow(WebGPUDeviceLostError);
    expect(() => b.write(new Float32Array(1), [1], 'float32')).toThrow(WebGPUDeviceLostError);
    // core's bookkeeping still balances: disposing after a loss works
    b.disposeData(x);
    b.disposeData(y.dataId);

    const fresh = await restoreWebGPUBackend();
    expect(getBackend()).toBe(fresh);
    expect(fresh.deviceLost).toBe(false);
    const o = zeros([3]);
    const z = o.add(1);
    expect(Array.from(await z.data())).toEqual([1, 1, 1]);
    o.dispose();
    z.dispose();
  });
});
