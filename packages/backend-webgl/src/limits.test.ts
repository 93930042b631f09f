// Memory limits (issue 15): the webgl backend declares the largest tensor one
// texture of its context holds (MAX_TEXTURE_SIZE²); core refuses larger
// tensors before anything reaches the GPU, and the backend keeps working.
import { describe, expect, it } from 'vitest';
import { matMul, memory, memoryLimits, MemoryLimitError, ones, registerBackend, removeBackend, setBackend, tensor, tidy, zeros } from '@polytensor/core';
import { newBackend } from './test_util.js';

function thrown(fn: () => unknown): MemoryLimitError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MemoryLimitError);
    return e as MemoryLimitError;
  }
  throw new Error('expected a MemoryLimitError, none was thrown');
}

describe('webgl memory limits', () => {
  it('one tensor holds at most one texture; larger ones are refused up front', async () => {
    const webgl = await newBackend();
    registerBackend('webgl-limits', () => webgl, -1);
    try {
      await setBackend('webgl-limits');
      const maxTexture = Number(webgl.gl.getParameter(webgl.gl.MAX_TEXTURE_SIZE));
      expect(maxTexture).toBeGreaterThanOrEqual(2048);
      expect(webgl.limits().maxTensorElements).toBe(maxTexture ** 2);
      expect(memoryLimits().maxTensorElements).toBe(maxTexture ** 2);

      const before = { core: memory().numTensors, backend: webgl.memory() };
      const e = thrown(() => zeros([maxTexture, maxTexture + 1]));
      expect(e).toMatchObject({ kind: 'tensorSize', op: 'zeros', backend: 'webgl', limit: maxTexture ** 2 });
      expect(e.message).toMatch(
        new RegExp(
          `^zeros: the tensor \\[${maxTexture},${maxTexture + 1}\\] float32 .*backend 'webgl' holds at most .* in one tensor \\(this GPU's MAX_TEXTURE_SIZE ${maxTexture}`,
        ),
      );
      // a kernel whose output would not fit: refused before the shader runs
      const a = ones([maxTexture + 1, 1]);
      const b = ones([1, maxTexture]);
      expect(thrown(() => matMul(a, b))).toMatchObject({ kind: 'tensorSize', op: 'matMul' });
      a.dispose();
      b.dispose();
      expect(memory().numTensors).toBe(before.core);
      expect(webgl.memory().numDataIds).toBe(before.backend.numDataIds);
      expect(webgl.memory().texturesInUse).toBe(before.backend.texturesInUse);

      // still exact afterwards
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
      removeBackend('webgl-limits');
    }
  });
});
