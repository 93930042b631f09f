// No wasm memory leak over 1,000 training steps (the shared suite,
// tools/vitest/training_leak.ts): every counter memory() reports, and the wasm
// heap itself, are flat after warm-up. The model is tiny but its weights are
// big enough (a 128×256 dense kernel, conv gradients of 32 KB) that leaking
// one XNNPACK operator (packed weights) or one buffer per step would grow the
// heap by tens of MB over the run.
import { AveragePooling2D, Conv2D, Dense, Flatten, Sequential } from '@polytensor/core';
import { trainingLeakSuite } from '../../../tools/vitest/training_leak.js';
import { createWasmBackend } from './index.js';

trainingLeakSuite('memory() and the wasm heap stay flat', {
  create: createWasmBackend,
  model: () => {
    const model = new Sequential({
      layers: [
        new Conv2D({ filters: 8, kernelSize: 3, activation: 'relu', padding: 'same', inputShape: [8, 8, 1] }),
        new AveragePooling2D({ poolSize: 2 }),
        new Flatten(),
        new Dense({ units: 256, activation: 'relu' }),
        new Dense({ units: 10 }),
      ],
    });
    model.compile({ optimizer: 'adam', learningRate: 0.001, loss: 'sparseSoftmaxCrossEntropy', metrics: ['accuracy'] });
    return model;
  },
  inputShape: [8, 8, 1],
  classes: 10,
  batch: 16,
  warmup: 50,
  nonZero: ['tfjsDataIds', 'wasmHeapBytes'],
});
