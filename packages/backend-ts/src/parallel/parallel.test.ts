// Runs everywhere: where workers cannot start (the browser) the pool falls back to one thread.
import { afterAll, describe, expect, it } from 'vitest';
import { setThreads } from './pool.js';
import { withThreads, workload } from './pool_test_util.js';

afterAll(() => setThreads('auto'));

describe('thread pool', () => {
  it('runs on one thread where workers cannot start, and validates setThreads', async () => {
    expect(() => setThreads(0)).toThrow(/positive integer or 'auto'/);
    expect(() => setThreads(1.5)).toThrow();
    const one = await withThreads(1, workload);
    expect(one.length).toBe(12);
    const auto = await withThreads('auto', workload);
    auto.forEach((bits, i) => expect(bits).toEqual(one[i]));
  }, 60_000);
});
