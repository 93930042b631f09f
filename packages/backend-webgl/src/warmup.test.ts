// warmup(model, x, y) compiles every program of a training step beforehand:
// the first real step then compiles nothing, and runs at steady-state speed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cast, meanSquaredError, oneHot, registerBackend, removeBackend, setBackend, setSeed, tensor, tidy, type Tensor } from '@polytensor/core';
import { warmup, type WebGLBackend } from './index.js';
import { bars, newBackend, seedMlp } from './test_util.js';

describe('warmup', () => {
  let backend: WebGLBackend;
  beforeAll(async () => {
    backend = await newBackend();
    registerBackend('webgl-warmup', () => backend, -1);
    await setBackend('webgl-warmup');
  });
  afterAll(() => removeBackend('webgl-warmup'));

  it('after warmup the first step of the seed MLP compiles no program; the model is untouched', async () => {
    setSeed(3);
    const model = seedMlp();
    model.compile({ optimizer: 'sgd', learningRate: 0.5, loss: 'sparseSoftmaxCrossEntropy' });
    const data = bars(64);
    const x = tensor(data.x, [64, 784]);
    const y = tensor(data.y, [64], 'int32');
    try {
      model.build();
      const before = model.getWeightValues();
      const report = await warmup(model, x, y);
      const compiled = backend.memory()['compiledPrograms']!;
      expect(model.getWeightValues()).toEqual(before);
      expect(model.optimizer!.iterations).toBe(0);
      const t0 = performance.now();
      model.trainOnBatch(x, y);
      const first = performance.now() - t0;
      expect(backend.memory()['compiledPrograms'], 'programs compiled by the first real step').toBe(compiled);
      const steady: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        model.trainOnBatch(x, y);
        steady.push(performance.now() - t);
      }
      steady.sort((a, b) => a - b);
      console.log(
        `seed MLP on WebGL ${backend.webglVersion}: warmup ${report.ms.toFixed(0)} ms (${compiled} programs); ` +
          `first step after warmup ${first.toFixed(1)} ms; steady-state median ${steady[2]!.toFixed(1)} ms`,
      );
    } finally {
      x.dispose();
      y.dispose();
      model.dispose();
    }
  });

  it('a model compiled with your own loss function warms up with the compile arguments given', async () => {
    setSeed(4);
    const model = seedMlp();
    const myLoss = (yTrue: Tensor, yPred: Tensor): Tensor => meanSquaredError(yTrue, yPred);
    model.compile({ optimizer: 'sgd', loss: myLoss });
    const data = bars(16);
    const x = tensor(data.x, [16, 784]);
    const y = tidy(() => cast(oneHot(tensor(data.y, [16], 'int32'), 10), 'float32'));
    try {
      await expect(warmup(model, x, y, { optimizer: 'sgd', loss: myLoss })).resolves.toMatchObject({ ms: expect.any(Number) });
    } finally {
      x.dispose();
      y.dispose();
      model.dispose();
    }
  });
});
