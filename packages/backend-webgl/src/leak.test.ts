// No texture leak over 1,000 training steps: core's tensor and buffer
// counts, this backend's data ids, tfjs's texture-store entries and the
// texture manager's used/free texture counts are all flat after warm-up.
// The model is tiny (SwiftShader is slow) but exercises every path a training
// step takes: dense + conv forward and backward, pooling, softmax
// cross-entropy, Adam's update, the loss read back every step.
import { describe, expect, it } from 'vitest';
import { AveragePooling2D, Conv2D, Dense, Flatten, Sequential, memory, registerBackend, removeBackend, setBackend, setSeed, tensor } from '@polytensor/core';
import { newBackend } from './test_util.js';

describe('memory over 1,000 training steps', () => {
  it('data ids and textures stay flat', async () => {
    const webgl = await newBackend();
    registerBackend('webgl-leak', () => webgl, -1);
    try {
      await setBackend('webgl-leak');
      setSeed(11);
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
      const n = 6;
      const x = tensor(
        new Float32Array(n * 36).map((_, i) => Math.sin(i * 0.37)),
        [n, 6, 6, 1],
      );
      const y = tensor(
        new Int32Array(n).map((_, i) => i % 3),
        [n],
        'int32',
      );

      const snapshot = (): Record<string, number> => {
        const core = memory();
        const b = webgl.memory();
        return {
          tensors: core.numTensors,
          coreDataIds: core.numDataIds,
          backendDataIds: b.numDataIds,
          backendBytes: b.numBytes,
          tfjsDataIds: b['tfjsDataIds']!,
          texturesInUse: b['texturesInUse']!,
          texturesFree: b['texturesFree']!,
          gpuBytesAllocated: b['gpuBytesAllocated']!,
          compiledPrograms: b['compiledPrograms']!,
        };
      };

      let first = NaN;
      let last = NaN;
      for (let step = 0; step < 20; step++) first = model.trainOnBatch(x, y).loss;
      const before = snapshot();
      for (let step = 20; step < 1000; step++) last = model.trainOnBatch(x, y).loss;
      const after = snapshot();

      expect(after).toEqual(before);
      expect(last).toBeLessThan(first); // it did train
      x.dispose();
      y.dispose();
      model.dispose();
    } finally {
      removeBackend('webgl-leak');
    }
  });
});
