// warmup(model, x, y) compiles a training step's kernels beforehand: the first
// real step then compiles none, and the model is left as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolytensorError, Sequential, Dense, setBackend, setSeed, tensor } from '@polytensor/core';
import { warmup } from './index.js';
import { bars, registeredBackend } from './test_util.js';
import { seedMlp } from '../../../tools/vitest/seed_models.js';

describe('warmup', () => {
  let gpu: ReturnType<typeof registeredBackend>;
  beforeAll(async () => {
    gpu = registeredBackend();
    await setBackend(gpu.name);
  });
  afterAll(() => gpu.release());

  it('after warmup the first step of the seed MLP compiles no kernel; the model is untouched', async () => {
    setSeed(5);
    const model = seedMlp();
    model.compile({ optimizer: 'sgd', learningRate: 0.5, loss: 'sparseSoftmaxCrossEntropy' });
    const data = bars(32);
    const x = tensor(data.x, [32, 784]);
    const y = tensor(data.y, [32], 'int32');
    try {
      model.build();
      const before = model.getWeightValues();
      const report = await warmup(model, x, y);
      expect(report.ms).toBeGreaterThan(0);
      const compiled = gpu.backend.store.rt.compiles;
      expect(compiled).toBeGreaterThan(0);
      expect(model.getWeightValues()).toEqual(before);
      expect(model.optimizer!.iterations).toBe(0);
      model.trainOnBatch(x, y);
      expect(gpu.backend.store.rt.compiles, 'kernels compiled by the first real step').toBe(compiled);
      expect(model.optimizer!.iterations).toBe(1);
    } finally {
      x.dispose();
      y.dispose();
      model.dispose();
    }
  });

  it('refuses a model that is not compiled, saying what to pass', async () => {
    const model = new Sequential({ layers: [new Dense({ units: 2, inputShape: [3] })] });
    const x = tensor([1, 2, 3], [1, 3]);
    try {
      await expect(warmup(model, x, x)).rejects.toThrow(PolytensorError);
      await expect(warmup(model, x, x)).rejects.toThrow(/not compiled.*warmup\(model, x, y, \{ optimizer, loss, learningRate \}\)/);
    } finally {
      x.dispose();
      model.dispose();
    }
  });
});
