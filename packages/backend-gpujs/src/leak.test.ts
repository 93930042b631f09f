// No texture leaks: 1,000 training steps of a tiny model leave the number of
// live WebGL textures in the backend's context (tensors, kernel outputs,
// argument uploads: every texture gpu.js or the backend creates) where it was
// after the warm-up steps, and the buffer and tensor counts too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Adam, Dense, Sequential, memory, setBackend, setSeed, tensor } from '@polytensor/core';
import { registeredBackend } from './test_util.js';

describe('texture leaks over 1,000 steps', () => {
  let gpu: ReturnType<typeof registeredBackend>;
  beforeAll(() => {
    gpu = registeredBackend();
  });
  afterAll(() => gpu.release());

  it('trainOnBatch ×1000 on a tiny model keeps textures, buffers and tensors constant', async () => {
    await setBackend(gpu.name);
    setSeed(3);
    const model = new Sequential({ layers: [new Dense({ units: 8, activation: 'relu', inputShape: [4] }), new Dense({ units: 3, activation: 'softmax' })] });
    model.compile({ optimizer: new Adam(0.01), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const xs = new Float32Array(16 * 4).map((_, i) => Math.sin(i * 1.7));
    const ys = new Int32Array(16).map((_, i) => i % 3);
    const x = tensor(xs, [16, 4]);
    const y = tensor(ys, [16], 'int32');
    const snapshot = () => {
      const m = gpu.backend.memory();
      return { textures: m['textures'], dataIds: m.numDataIds, tensors: memory().numTensors, kernels: m['kernels'] };
    };
    try {
      let first = 0;
      for (let step = 0; step < 20; step++) first = model.trainOnBatch(x, y)['loss']!;
      const warm = snapshot();
      let last = first;
      for (let step = 20; step < 1000; step++) {
        last = model.trainOnBatch(x, y)['loss']!;
        if (step % 245 === 0) expect(snapshot(), `after step ${step}`).toEqual(warm);
      }
      expect(snapshot(), 'after 1,000 steps').toEqual(warm);
      expect(warm.textures).toBeGreaterThan(0);
      expect(last).toBeLessThan(first);
    } finally {
      x.dispose();
      y.dispose();
      model.dispose();
    }
  });
});
