// Memory limits (the shared suite, tools/vitest/tensor_limit.ts): the backend
// declares the largest tensor one storage buffer of its device holds
// (min(maxStorageBufferBindingSize, maxBufferSize) / 4 bytes per element);
// core refuses larger tensors before anything reaches the GPU, and the
// backend keeps working.
import { expect } from 'vitest';
import { tensorLimitSuite } from '../../../tools/vitest/tensor_limit.js';
import { newBackend } from './test_util.js';

tensorLimitSuite("one tensor fits one of the device's storage buffers; larger ones are refused up front", {
  create: newBackend,
  expectedElements: (webgpu) => {
    const bytes = Math.min(webgpu.device.limits.maxStorageBufferBindingSize, webgpu.device.limits.maxBufferSize);
    expect(bytes).toBeGreaterThanOrEqual(128 * 2 ** 20); // WebGPU's guaranteed minimum binding size
    return Math.floor(bytes / 4);
  },
  source: () => /in one tensor \(this WebGPU device's largest storage buffer \(\d+ bytes: maxStorageBufferBindingSize/,
  counters: ['buffersInUse', 'tfjsDataIds'],
});
