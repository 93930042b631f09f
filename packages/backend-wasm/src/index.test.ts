import { afterEach, describe, expect, it, vi } from 'vitest';
import { KERNEL_NAMES, PolytensorError, backendName, getBackend, matMul, ready, registerBackend, registeredBackends, reshape, tensor } from '@polytensor/core';
import { createReferenceBackend } from '@polytensor/conformance';
import { expectExactSmoke } from '../../../tools/vitest/smoke.js';
import { createWasmBackend, setWasmThreads, WASM_KERNELS, WASM_MAX_AUTO_THREADS } from './index.js';

describe('@polytensor/backend-wasm entry point', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('registers "wasm" on import and is the default over backend-ts (priority 2 > 1)', async () => {
    expect(registeredBackends()).toContain('wasm');
    if (!registeredBackends().includes('ts')) registerBackend('ts', () => createReferenceBackend('ts'), 1); // stand-in where backend-ts is not importable
    await ready();
    expect(backendName()).toBe('wasm');
    expect(getBackend().name).toBe('wasm');
  });

  it("is defined from WASM_KERNELS: every kernel but softmaxCrossEntropy, philoxUniform and unaryGrad is its own (those run core's composites)", async () => {
    const backend = await createWasmBackend();
    expect([...backend.implemented].sort()).toEqual(Object.keys(WASM_KERNELS).sort());
    expect(KERNEL_NAMES.filter((k) => !backend.implemented.has(k))).toEqual(['softmaxCrossEntropy', 'philoxUniform', 'unaryGrad']);
    backend.dispose();
  });

  it('runs core ops end to end (the README snippet)', async () => {
    await ready();
    await expectExactSmoke();
  });

  it('loads the SIMD build of the tfjs wasm module without any path configuration, threaded where threads can run', async () => {
    const backend = await createWasmBackend();
    expect(backend.info.simd).toBe(true);
    // Threads run in Node (worker_threads) and in cross-origin isolated pages (the chromium-threads project); 'auto' takes the cores, at most 4.
    const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
    const canThread = isNode || (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
    const nodeOs = isNode
      ? ((globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:os') as {
          availableParallelism(): number;
        })
      : null;
    const cores = nodeOs
      ? nodeOs.availableParallelism()
      : ((globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1);
    const threads = canThread ? Math.min(cores, WASM_MAX_AUTO_THREADS) : 1;
    expect(backend.info.threads).toBe(threads);
    expect(backend.info.binary).toBe(threads > 1 ? 'tfjs-backend-wasm-threaded-simd.wasm' : 'tfjs-backend-wasm-simd.wasm');
    expect(backend.info.threadsFallback).toBe(
      canThread || cores === 1 ? null : 'the page is not cross-origin isolated (SharedArrayBuffer cannot be shared with workers)',
    );
    expect(backend.memory()['wasmHeapBytes']).toBeGreaterThan(0);
    backend.dispose();
  });

  it('takes a thread count per backend: 1 is the single-threaded build; bad counts are refused', async () => {
    const one = await createWasmBackend({ threads: 1 });
    expect(one.info).toEqual({ binary: 'tfjs-backend-wasm-simd.wasm', simd: true, threads: 1, threadsFallback: null });
    one.dispose();
    await expect(createWasmBackend({ threads: 0 })).rejects.toThrow(
      /createWasmBackend: threads: expected a positive integer or 'auto' \(the logical cores, at most 4\), got 0/,
    );
    await expect(createWasmBackend({ threads: 1.5 })).rejects.toThrow(PolytensorError);
    await expect(createWasmBackend({ threads: 1.5 })).rejects.toThrow(/got 1\.5/);
    expect(() => setWasmThreads(-1)).toThrow(/setWasmThreads: expected a positive integer or 'auto' .*, got -1/);
  });

  it('says clearly when WebAssembly is unavailable', async () => {
    vi.stubGlobal('WebAssembly', undefined);
    await expect(createWasmBackend()).rejects.toThrow(/WebAssembly is not available in this JavaScript environment.*backend-ts/);
  });

  it('instances share one wasm module but own their buffers', async () => {
    const a = await createWasmBackend();
    const b = await createWasmBackend();
    const ida = a.write(new Float32Array([1, 2, 3]), [3], 'float32');
    const idb = b.write(new Int32Array([4, 5]), [2], 'int32');
    expect(a.numDataIds()).toBe(1);
    expect(b.numDataIds()).toBe(1);
    expect(() => a.readSync(idb)).toThrow(/wasm backend: readSync: buffer #\d+ is unknown or already disposed/);
    a.dispose();
    expect(Array.from(b.readSync(idb))).toEqual([4, 5]);
    expect(() => a.readSync(ida)).toThrow(/disposed/);
    expect(() => b.readSync({})).toThrow(/a dataId this backend did not create/);
    b.disposeData(idb);
    expect(b.numDataIds()).toBe(0);
    b.dispose();
  });

  it('a kernel given a buffer it does not own names the kernel and the buffer, and allocates nothing', async () => {
    const a = await createWasmBackend();
    const b = await createWasmBackend();
    const own = { dataId: a.write(new Float32Array([1, 2]), [2], 'float32'), shape: [2], dtype: 'float32' as const };
    const foreign = { dataId: b.write(new Float32Array([3, 4]), [2], 'float32'), shape: [2], dtype: 'float32' as const };
    const heldBy = (): number[] => [a.numDataIds(), b.numDataIds(), a.memory()['tfjsDataIds']!];
    const before = heldBy();
    expect(() => a.kernels.binary('add', own, foreign, [2])).toThrow(/wasm backend: binary: buffer #\d+ is unknown or already disposed/);
    expect(() => a.kernels.concat([own, foreign], 0)).toThrow(/wasm backend: concat: buffer #\d+ is unknown/);
    a.disposeData(own.dataId);
    expect(() => a.kernels.unary('exp', own)).toThrow(/wasm backend: unary: buffer #\d+ is unknown or already disposed/);
    expect(() => a.write(new Float32Array(3), [2, 2], 'float32')).toThrow(/wasm backend: write: 3 values do not fill shape \[2,2\] \(4 elements\)/);
    expect(heldBy()).toEqual([before[0]! - 1, before[1], before[2]! - 1]);
    a.dispose();
    b.dispose();
  });

  it('reads stay correct after the wasm heap grows (views are taken fresh)', async () => {
    await ready();
    const n = 6_000_000; // 24 MB per tensor: the 16 MB initial heap must grow
    const x = tensor(new Float32Array(n).fill(1.5), [n]);
    const y = x.add(x);
    const v = y.dataSync();
    expect(v.length).toBe(n);
    expect(v[0]).toBe(3);
    expect(v[n - 1]).toBe(3);
    x.dispose();
    y.dispose();
  });

  it('a buffer XNNPACK cached as matMul weights is still right when reused under another shape', async () => {
    await ready();
    const k = 64;
    const n = 48;
    const bv = Float32Array.from({ length: k * n }, (_, i) => ((i * 7919) % 13) - 6);
    const av = Float32Array.from({ length: 4 * k }, (_, i) => ((i * 104729) % 11) - 5);
    const b = tensor(bv, [k, n]);
    const a1 = tensor(av, [4, k]);
    const a2 = tensor(av.subarray(0, 4 * n), [4, n]);
    const naive = (a: Float32Array, m: number, kk: number, w: Float32Array, nn: number): number[] => {
      const out: number[] = [];
      for (let i = 0; i < m; i++)
        for (let j = 0; j < nn; j++) {
          let s = 0;
          for (let t = 0; t < kk; t++) s += a[i * kk + t]! * w[t * nn + j]!;
          out.push(s);
        }
      return out;
    };
    const r1 = matMul(a1, b); // b as [64, 48] weights
    const bt = reshape(b, [n, k]); // the same buffer, now [48, 64]
    const r2 = matMul(a2, bt);
    expect(Array.from(r1.dataSync())).toEqual(naive(av, 4, k, bv, n));
    expect(Array.from(r2.dataSync())).toEqual(naive(av.subarray(0, 4 * n), 4, n, bv, k));
    for (const t of [b, a1, a2, r1, bt, r2]) t.dispose();
  });
});

describe('matMul weights cache, small products', () => {
  it('a tiny untransposed product (which tfjs sends to XNNPACK too) is guarded as well', async () => {
    await ready();
    const bv = Float32Array.from({ length: 12 }, (_, i) => i - 5);
    const b = tensor(bv, [3, 4]);
    const a1 = tensor([[1, 2, 3]]);
    const a2 = tensor([[1, 0, 0, 1]]);
    const r1 = matMul(a1, b); // b cached as [3, 4] weights
    const bt = reshape(b, [4, 3]); // the same buffer as [4, 3]
    const r2 = matMul(a2, bt);
    expect(Array.from(r1.dataSync())).toEqual([0, 1, 2, 3].map((j) => 1 * bv[j]! + 2 * bv[4 + j]! + 3 * bv[8 + j]!));
    expect(Array.from(r2.dataSync())).toEqual([0, 1, 2].map((j) => bv[j]! + bv[9 + j]!));
    for (const t of [b, a1, a2, r1, bt, r2]) t.dispose();
  });
});
