// No texture leaks (the shared suite, tools/vitest/training_leak.ts): 1,000
// training steps of a tiny model leave the number of live WebGL textures in
// the backend's context (tensors, kernel outputs, argument uploads: every
// texture gpu.js or the backend creates) where it was after the warm-up
// steps, and the compiled kernels, buffer, byte and tensor counts too.
import { Adam, Dense, Sequential } from '@polytensor/core';
import { trainingLeakSuite } from '../../../tools/vitest/training_leak.js';
import { createGpujsBackend } from './backend.js';

trainingLeakSuite('trainOnBatch ×1000 on a tiny model keeps textures, buffers and tensors constant', {
  create: createGpujsBackend,
  model: () => {
    const model = new Sequential({ layers: [new Dense({ units: 8, activation: 'relu', inputShape: [4] }), new Dense({ units: 3, activation: 'softmax' })] });
    model.compile({ optimizer: new Adam(0.01), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    return model;
  },
  inputShape: [4],
  classes: 3,
  batch: 16,
  nonZero: ['textures', 'kernels'],
});
