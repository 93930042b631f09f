// Memory limits (issue 15; the shared suite, tools/vitest/tensor_limit.ts):
// the webgl backend declares the largest tensor one texture of its context
// holds (MAX_TEXTURE_SIZE²); core refuses larger tensors before anything
// reaches the GPU, and the backend keeps working.
import { expect } from 'vitest';
import { tensorLimitSuite } from '../../../tools/vitest/tensor_limit.js';
import { newBackend } from './test_util.js';

tensorLimitSuite('one tensor holds at most one texture; larger ones are refused up front', {
  create: newBackend,
  expectedElements: (webgl) => {
    const maxTexture = Number(webgl.gl.getParameter(webgl.gl.MAX_TEXTURE_SIZE));
    expect(maxTexture).toBeGreaterThanOrEqual(2048);
    return maxTexture ** 2;
  },
  source: (limit) => new RegExp(`in one tensor \\(this GPU's MAX_TEXTURE_SIZE ${Math.sqrt(limit)}`),
  counters: ['texturesInUse'],
});
