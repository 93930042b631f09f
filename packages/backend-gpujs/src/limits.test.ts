// Memory limits (issue 15): the gpujs backend declares the largest tensor it
// holds (2^24 elements, which its shaders index exactly, or one texture if
// that is smaller); core refuses larger tensors before anything reaches the
// GPU, and the backend keeps working.
import { describe, expect, it } from 'vitest';
import { matMul, memory, memoryLimits, MemoryLimitError, ones, setBackend, tensor, tidy, zeros } from '@polytensor/core';
import { registeredBackend } from './test_util.js';

function thrown(fn: () => unknown): MemoryLimitError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MemoryLimitError);
    return e as MemoryLimitError;
  }
  throw new Error('expected a MemoryLimitError, none was thrown');
}

describe('gpujs memory limits', () => {
  it('one tensor holds at most 2^24 elements; larger ones are refused up front', async () => {
    const { name, backend, release } = registeredBackend();
    try {
      await setBackend(name);
      const limit = Math.min(2 ** 24, backend.info.maxTextureSize ** 2);
      expect(backend.limits().maxTensorElements).toBe(limit);
      expect(memoryLimits().maxTensorElements).toBe(limit);

      const before = { core: memory().numTensors, backend: backend.memory() };
      const e = thrown(() => zeros([4097, 4096]));
      expect(e).toMatchObject({ kind: 'tensorSize', op: 'zeros', backend: 'gpujs', limit });
      expect(e.message).toMatch(/^zeros: the tensor \[4097,4096\] float32 .*backend 'gpujs' holds at most 16,777,216 in one tensor \(.*2\^24/);
      const a = ones([4097, 1]);
      const b = ones([1, 4096]);
      expect(thrown(() => matMul(a, b))).toMatchObject({ kind: 'tensorSize', op: 'matMul' });
      a.dispose();
      b.dispose();
      expect(memory().numTensors).toBe(before.core);
      expect(backend.memory().numDataIds).toBe(before.backend.numDataIds);
      expect(backend.memory().numBytes).toBe(before.backend.numBytes);

      const out = tidy(() =>
        matMul(
          tensor([
            [1, 2],
            [3, 4],
          ]),
          tensor([
            [5, 6],
            [7, 8],
          ]),
        ),
      );
      expect(Array.from(await out.data())).toEqual([19, 22, 43, 50]);
      out.dispose();
    } finally {
      release();
    }
  });
});
