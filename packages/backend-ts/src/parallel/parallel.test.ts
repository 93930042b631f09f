import { afterAll, describe, expect, it } from 'vitest';
import { computeConv2DInfo, type TensorInfo } from '@polytensor/core';
import { Harness, randomFloats } from '../test_util.js';
import { getThreads, setThreads, threadStats, threadsReady } from './pool.js';

const inNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';

afterAll(() => setThreads('auto'));

/** Run `fn` with `threads` threads; return the bits of every output. */
async function withThreads(threads: number | 'auto', fn: (h: Harness) => TensorInfo[]): Promise<number[][]> {
  setThreads(threads);
  await threadsReady();
  const h = new Harness();
  const outs = fn(h).map((o) => Array.from(new Uint32Array(h.outF32(o).buffer)));
  expect(h.finish()).toBe(0);
  return outs;
}

function workload(h: Harness): TensorInfo[] {
  const be = h.be;
  const a = h.input(randomFloats(300 * 200, 1), [300, 200]);
  const b = h.input(randomFloats(200 * 100, 2), [200, 100]);
  const bias = h.input(randomFloats(100, 3), [100]);
  const x = h.input(randomFloats(8 * 14 * 14 * 16, 4), [8, 14, 14, 16]);
  const w = h.input(randomFloats(3 * 3 * 16 * 24, 5), [3, 3, 16, 24]);
  const same = computeConv2DInfo('conv2d', [8, 14, 14, 16], [3, 3, 16, 24], 1, 'same');
  const strided = computeConv2DInfo('conv2d', [8, 14, 14, 16], [3, 3, 16, 24], 2, 'same');
  const dy = h.input(randomFloats(8 * 14 * 14 * 24, 6), same.outShape);
  const dy2 = h.input(randomFloats(8 * 7 * 7 * 24, 7), strided.outShape);
  return [
    be.matMul(a, b, false, false),
    be.matMul(b, a, true, true),
    be.fusedMatMul(a, b, bias, 'relu', false, false),
    be.fusedMatMul(a, b, bias, 'sigmoid', false, false),
    be.fusedConv2d(x, w, h.input(randomFloats(24, 8), [24]), 'relu', same),
    be.conv2dBackpropInput(dy, w, same),
    be.conv2dBackpropFilter(x, dy, same),
    be.conv2dBackpropInput(dy2, w, strided),
    be.conv2dBackpropFilter(x, dy2, strided),
  ];
}

describe('thread pool', () => {
  it.runIf(inNode)('runs large kernels on workers with results bit-identical to one thread', async () => {
    const single = await withThreads(1, workload);
    expect(getThreads()).toBe(1);
    // Workers take chunks only when they win the race for them: repeat until they have.
    let multi: number[][] = [];
    for (let attempt = 0; attempt < 20 && threadStats().workerChunks === 0; attempt++) {
      multi = await withThreads(2, workload);
      expect(getThreads()).toBe(2);
      multi.forEach((bits, i) => expect(bits, `output ${i}`).toEqual(single[i]));
    }
    expect(threadStats().jobs).toBeGreaterThan(0);
    expect(threadStats().workerChunks).toBeGreaterThan(0);
  }, 60_000);

  it('runs on one thread where workers cannot start, and validates setThreads', async () => {
    expect(() => setThreads(0)).toThrow(/positive integer or 'auto'/);
    expect(() => setThreads(1.5)).toThrow();
    const one = await withThreads(1, workload);
    expect(one.length).toBe(9);
    const auto = await withThreads('auto', workload);
    auto.forEach((bits, i) => expect(bits).toEqual(one[i]));
  }, 60_000);
});
