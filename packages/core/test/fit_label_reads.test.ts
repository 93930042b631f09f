// fit checks sparse labels once, up front; its batches (slices and gathers of
// them) are not read back again by the loss and metrics each step (on a GPU
// backend such a read waits for the device).
import { describe, expect, it, vi } from 'vitest';
import { Dense, Sequential, Tensor, randomNormal, setSeed, sparseCategoricalCrossentropy, tensor } from './helpers.js';

function model(): Sequential {
  const m = new Sequential({ layers: [new Dense({ units: 3, activation: 'softmax', inputShape: [4] })] });
  m.compile({ optimizer: 'sgd', learningRate: 0.1, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

describe('sparse labels are read once per fit, not once per batch', () => {
  async function int32ReadsDuringFit(shuffle: boolean): Promise<number> {
    setSeed(3);
    const m = model();
    const x = randomNormal([64, 4]);
    const y = tensor(
      Array.from({ length: 64 }, (_, i) => i % 3),
      [64],
      'int32',
    );
    const spy = vi.spyOn(Tensor.prototype, 'dataSync');
    try {
      const { history } = await m.fit(x, y, { batchSize: 8, epochs: 2, shuffle, verbose: 0 });
      expect(history.loss).toHaveLength(2);
      return spy.mock.contexts.filter((t) => (t as Tensor).dtype === 'int32').length;
    } finally {
      spy.mockRestore();
      m.dispose();
      x.dispose();
      y.dispose();
    }
  }

  it('fit over 16 batches reads its int32 labels once (the up-front check), not in the loss and metric of each step', async () => {
    expect(await int32ReadsDuringFit(false)).toBe(1);
    // Shuffled batches are gathered, and gather reads its index tensor to check it (two gathers a
    // batch: inputs and labels); the labels themselves are still read once. Before, loss and
    // accuracy read every batch's labels too: 1 + 16·2 + 16·2.
    expect(await int32ReadsDuringFit(true)).toBeLessThanOrEqual(1 + 16 * 2);
  });

  it('a check for one class count does not stand for another: out-of-range ids still fail', () => {
    const ids = tensor([0, 2, 1], [3], 'int32');
    const p3 = tensor([
      [0.2, 0.3, 0.5],
      [0.1, 0.1, 0.8],
      [0.3, 0.3, 0.4],
    ]);
    const p2 = tensor([
      [0.5, 0.5],
      [0.1, 0.9],
      [0.3, 0.7],
    ]);
    sparseCategoricalCrossentropy(ids, p3).dispose(); // checked (and remembered) for 3 classes
    expect(() => sparseCategoricalCrossentropy(ids, p2)).toThrow(/label 2 at position 1 is out of range \[0, 2\)/);
    for (const t of [ids, p3, p2]) t.dispose();
  });
});
