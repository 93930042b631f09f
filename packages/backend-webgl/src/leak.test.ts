// No texture leak over 1,000 training steps (the shared suite,
// tools/vitest/training_leak.ts): core's tensor and buffer counts, this
// backend's data ids, tfjs's texture-store entries, the texture manager's
// used/free texture counts and the compiled programs are all flat after
// warm-up. The model is tiny (SwiftShader is slow) but exercises every path a
// training step takes: dense + conv forward and backward, pooling, softmax
// cross-entropy, Adam's update, the loss read back every step.
import { AveragePooling2D, Conv2D, Dense, Flatten, Sequential } from '@polytensor/core';
import { trainingLeakSuite } from '../../../tools/vitest/training_leak.js';
import { newBackend } from './test_util.js';

trainingLeakSuite('data ids and textures stay flat', {
  create: newBackend,
  model: () => {
    const model = new Sequential({
      layers: [
        new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu', padding: 'same', inputShape: [6, 6, 1] }),
        new AveragePooling2D({ poolSize: 2 }),
        new Flatten(),
        new Dense({ units: 8, activation: 'tanh' }),
        new Dense({ units: 3 }),
      ],
    });
    model.compile({ optimizer: 'adam', learningRate: 0.01, loss: 'sparseSoftmaxCrossEntropy', metrics: ['accuracy'] });
    return model;
  },
  inputShape: [6, 6, 1],
  classes: 3,
  batch: 6,
  warmup: 20,
  nonZero: ['texturesInUse', 'compiledPrograms'],
});
