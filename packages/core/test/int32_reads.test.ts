// fit checks sparse labels once, up front; its batches (slices and gathers of
// them) are not read back again by the loss and metrics each step (on a GPU
// backend such a read waits for the device).
import { describe, expect, it, vi } from 'vitest';
import { Dense, Sequential, Tensor, gather, grad, randomNormal, setSeed, sparseCategoricalCrossentropy, tensor } from './helpers.js';

function model(): Sequential {
  const m = new Sequential({ layers: [new Dense({ units: 3, activation: 'softmax', inputShape: [4] })] });
  m.compile({ optimizer: 'sgd', learningRate: 0.1, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

describe('int32 labels and indices are read once, not once per batch', () => {
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
    // Shuffled batches are gathered at indices fit builds on the host: gather does not read them back
    // either (before: loss, accuracy and two gathers read 4 int32 tensors a batch).
    expect(await int32ReadsDuringFit(true)).toBe(1);
  });

  it("gather checks its indices once: its gradient's scatter does not read them again; bad indices still fail", () => {
    const x = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const idx = tensor([2, 0, 2], [3], 'int32');
    const spy = vi.spyOn(Tensor.prototype, 'dataSync');
    try {
      const g = grad((t: Tensor) => gather(t, idx).sum())(x);
      expect(spy.mock.contexts.filter((t) => (t as Tensor).dtype === 'int32')).toHaveLength(1);
      expect(Array.from(g.dataSync())).toEqual([1, 1, 0, 0, 2, 2]);
      g.dispose();
    } finally {
      spy.mockRestore();
    }
    const bad = tensor([0, 3], [2], 'int32');
    expect(() => gather(x, bad)).toThrow(/gather: index 3 at position 1 is out of range \[0, 3\)/);
    // checked against 3 rows, the same indices are not taken as checked for 2
    const x2 = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(() => gather(x2, idx)).toThrow(/gather: index 2 at position 0 is out of range \[0, 2\)/);
    for (const t of [x, idx, bad, x2]) t.dispose();
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
