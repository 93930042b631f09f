// Memory limits (issue 15; the shared suite, tools/vitest/tensor_limit.ts):
// the gpujs backend declares the largest tensor it holds (2^24 elements,
// which its shaders index exactly, or one texture if that is smaller); core
// refuses larger tensors before anything reaches the GPU, and the backend
// keeps working.
import { tensorLimitSuite } from '../../../tools/vitest/tensor_limit.js';
import { createGpujsBackend } from './backend.js';

tensorLimitSuite('one tensor holds at most 2^24 elements; larger ones are refused up front', {
  create: createGpujsBackend,
  expectedElements: (backend) => Math.min(2 ** 24, backend.info.maxTextureSize ** 2),
  source: (limit) => new RegExp(`holds at most ${limit.toLocaleString('en-US')} in one tensor \\(.*2\\^24`),
  counters: [],
});
