// Shared Vitest setup: every kernel call is checked for leaked buffers, and
// every test must end with the tensor and buffer counts it started with.
import { afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { memory, setKernelLeakChecks } from '@polytensor/core';

let before = { numTensors: 0, numDataIds: 0 };

beforeAll(() => setKernelLeakChecks(true));
beforeEach(() => {
  const m = memory();
  before = { numTensors: m.numTensors, numDataIds: m.numDataIds };
});
afterEach(() => {
  const m = memory();
  expect({ numTensors: m.numTensors, numDataIds: m.numDataIds }, 'tensors or buffers leaked by this test').toEqual(before);
});
