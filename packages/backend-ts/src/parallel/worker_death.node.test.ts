// Worker death (issue 15), Node only: a worker that exits while holding a
// chunk, or is terminated between kernels, costs neither the result nor time:
// the calling thread takes its chunks over at once, the worker is replaced,
// and the pool keeps working. Results stay bit-identical to one thread.
import { afterAll, describe, expect, it } from 'vitest';
import { computeConv2DInfo, type TensorInfo } from '@polytensor/core';
import { Harness, randomFloats } from '../test_util.js';
import { currentPool, getThreads, setThreads, threadsReady, threadStats } from './pool.js';
import { winogradWorkload, withThreads } from './pool_test_util.js';

afterAll(() => setThreads('auto'));

/**
 * One large GEMM, one large accumulating GEMM (a dilated conv2d's filter
 * gradient) and a Winograd filter gradient (split by tile groups).
 */
function kernels(h: Harness): TensorInfo[] {
  const a = h.input(randomFloats(512 * 256, 11), [512, 256]);
  const b = h.input(randomFloats(256 * 128, 12), [256, 128]);
  const x = h.input(randomFloats(8 * 14 * 14 * 16, 13), [8, 14, 14, 16]);
  const info = computeConv2DInfo('conv2d', [8, 14, 14, 16], [3, 3, 16, 24], 1, 'same', 2);
  const dy = h.input(randomFloats(8 * 14 * 14 * 24, 14), info.outShape);
  return [h.be.kernels.matMul(a, b, false, false), h.be.kernels.conv2dBackpropFilter(x, dy, info), ...winogradWorkload(h, 'filter')];
}

const bits = (h: Harness, outs: TensorInfo[]): number[][] => outs.map((o) => Array.from(new Uint32Array(h.outF32(o).buffer)));

/** Run the kernels once on the pool as it is now; the bits of the outputs and how long it took. */
function runOnce(): { out: number[][]; ms: number } {
  const h = new Harness();
  const t0 = performance.now();
  const out = bits(h, kernels(h));
  const ms = performance.now() - t0;
  expect(h.finish()).toBe(0);
  return { out, ms };
}

describe('thread pool: worker death', () => {
  it('a worker exiting while it holds a chunk: the job finishes at once with the same bits, the worker is replaced', async () => {
    const reference = await withThreads(1, kernels);
    setThreads(3);
    expect(await threadsReady()).toBe(3);
    const pool = currentPool()!;
    const before = threadStats();
    // Workers only get chunks they win from the calling thread: arm the fault and run until one did.
    pool.injectExit();
    let slowest = 0;
    for (let attempt = 0; attempt < 40 && threadStats().recovered === before.recovered; attempt++) {
      const r = runOnce();
      slowest = Math.max(slowest, r.ms);
      r.out.forEach((o, i) => expect(o, `output ${i}, attempt ${attempt}`).toEqual(reference[i]));
    }
    expect(threadStats().recovered).toBeGreaterThan(before.recovered);
    // Nothing waited for the dead worker (a stall would last 30 s).
    expect(slowest).toBeLessThan(10_000);
    // Its 'exit' event brings a replacement; the pool is whole again and its workers compute chunks.
    await new Promise((r) => setTimeout(r, 50));
    expect(await threadsReady()).toBe(3);
    expect(threadStats().respawns).toBe(before.respawns + 1);
    expect(currentPool()).toBe(pool);
    const chunks = threadStats().workerChunks;
    for (let attempt = 0; attempt < 40 && threadStats().workerChunks === chunks; attempt++) {
      runOnce().out.forEach((o, i) => expect(o).toEqual(reference[i]));
    }
    expect(threadStats().workerChunks).toBeGreaterThan(chunks);
  }, 120_000);

  it('a worker terminated between kernels: the next kernel does not wait for it, and it is replaced', async () => {
    const reference = await withThreads(1, kernels);
    setThreads(3);
    expect(await threadsReady()).toBe(3);
    const pool = currentPool()!;
    const respawns = threadStats().respawns;
    pool.terminateWorker(1);
    // No event loop turn yet: the pool still counts the worker, which will never take a chunk.
    const r = runOnce();
    r.out.forEach((o, i) => expect(o).toEqual(reference[i]));
    expect(r.ms).toBeLessThan(10_000);
    await new Promise((res) => setTimeout(res, 50));
    expect(await threadsReady()).toBe(3);
    expect(threadStats().respawns).toBe(respawns + 1);
    runOnce().out.forEach((o, i) => expect(o).toEqual(reference[i]));
    expect(getThreads()).toBe(3);
  }, 120_000);
});
