// Node only (worker_threads): the vitest chromium project excludes *.node.test.ts.
import { afterAll, describe, expect, it } from 'vitest';
import { getThreads, setThreads, threadStats } from './pool.js';
import { winogradWorkload, withThreads, workload } from './pool_test_util.js';

afterAll(() => setThreads('auto'));

describe('thread pool on worker_threads', () => {
  it('runs large kernels on workers with results bit-identical to one thread', async () => {
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

  it('splits the Winograd convolutions over the pool, bit-identical to one thread', async () => {
    const single = await withThreads(1, winogradWorkload);
    const before = threadStats().jobs;
    const multi = await withThreads(2, winogradWorkload);
    expect(getThreads()).toBe(2);
    multi.forEach((bits, i) => expect(bits, `output ${i}`).toEqual(single[i]));
    // One pool job per kernel (unless the pool backed off under load, which it reports).
    expect(threadStats().jobs - before + 3 * threadStats().backoffs).toBeGreaterThanOrEqual(3);
  }, 60_000);
});
