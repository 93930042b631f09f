import { describe, expect, it } from 'vitest';
import { conv2d, getBackend, grad, matMul, memory, registeredBackends, setBackendSync, setKernelLeakChecks, sum, tensor, tidy } from '@polytensor/core';
import { createTsBackend } from './index.js';

describe('@polytensor/backend-ts entry point', () => {
  it('registers itself as "ts" on import', () => {
    expect(registeredBackends()).toContain('ts');
    expect(createTsBackend().name).toBe('ts');
  });

  it('runs core ops end to end (the README snippet)', async () => {
    setBackendSync('ts');
    setKernelLeakChecks(true); // core fails any kernel call that leaves more than its output alive
    expect(getBackend().name).toBe('ts');
    const before = memory().numTensors;
    const a = tensor([
      [1, 2],
      [3, 4],
    ]);
    const b = tensor([
      [5, 6],
      [7, 8],
    ]);
    const c = matMul(a, b);
    expect(c.shape).toEqual([2, 2]);
    expect(Array.from(await c.data())).toEqual([19, 22, 43, 50]);
    const g = tidy(() =>
      grad((x) => sum(conv2d(x, tensor([[[[1]], [[2]]]]), 1, 'same')))(
        tensor([
          [
            [[1], [2]],
            [[3], [4]],
          ],
        ]),
      ),
    );
    expect(g.shape).toEqual([1, 2, 2, 1]);
    expect(g.arraySync()).toEqual([
      [
        [[1], [3]],
        [[1], [3]],
      ],
    ]);
    for (const t of [a, b, c, g]) t.dispose();
    expect(memory().numTensors).toBe(before);
    setKernelLeakChecks(false);
  });
});
