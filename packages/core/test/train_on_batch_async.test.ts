// trainOnBatchAsync is trainOnBatch with its logs awaited instead of read
// synchronously: the same step, the same logs, the same weights, no leaks.
import { describe, expect, it } from 'vitest';
import { Dense, Sequential, memory, randomNormal, setSeed, tensor, type Tensor } from './helpers.js';

function data(n: number): { x: Tensor; y: Tensor } {
  const x = randomNormal([n, 5], 0, 1, 'float32', 13);
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) ids[i] = (i * 5) % 3;
  return { x, y: tensor(ids, [n], 'int32') };
}

function model(): Sequential {
  setSeed(9);
  const m = new Sequential({ layers: [new Dense({ units: 8, activation: 'relu', inputShape: [5] }), new Dense({ units: 3 })] });
  m.compile({ optimizer: 'adam', learningRate: 0.01, loss: 'sparseSoftmaxCrossEntropy', metrics: ['accuracy', 'sparseCategoricalCrossentropy'] });
  return m;
}

describe('trainOnBatchAsync', () => {
  it('gives the logs and weights of trainOnBatch, step by step', async () => {
    const { x, y } = data(24);
    // one model after the other: each is built (its weights drawn) at its first step, from seed 9
    const sync = model();
    const want = [0, 1, 2, 3].map(() => sync.trainOnBatch(x, y));
    const async_ = model();
    try {
      for (let step = 0; step < 4; step++) {
        const got = await async_.trainOnBatchAsync(x, y);
        expect(got).toEqual(want[step]);
        expect(Object.keys(got)).toEqual(['loss', 'accuracy', 'sparseCategoricalCrossentropy']);
      }
      expect(want[3]!.loss).toBeLessThan(want[0]!.loss);
      const [a, b] = [sync.getWeightValues(), async_.getWeightValues()];
      expect(b.length).toBe(a.length);
      for (let i = 0; i < a.length; i++) expect(b[i]).toEqual(a[i]);
    } finally {
      sync.dispose();
      async_.dispose();
      x.dispose();
      y.dispose();
    }
  });

  it('checks its inputs as trainOnBatch does, and leaves no tensors behind', async () => {
    const { x, y } = data(6);
    const m = model();
    try {
      await m.trainOnBatchAsync(x, y); // builds the model and the optimizer's slots
      const before = memory().numTensors;
      await m.trainOnBatchAsync(x, y);
      expect(memory().numTensors).toBe(before);
      const short = tensor([0, 1], [2], 'int32');
      await expect(m.trainOnBatchAsync(x, short)).rejects.toThrow(/trainOnBatchAsync/);
      short.dispose();
      const fresh = new Sequential({ layers: [new Dense({ units: 1, inputShape: [5] })] });
      await expect(fresh.trainOnBatchAsync(x, y)).rejects.toThrow(/trainOnBatchAsync.*compile/);
      fresh.dispose();
    } finally {
      m.dispose();
      x.dispose();
      y.dispose();
    }
  });
});
