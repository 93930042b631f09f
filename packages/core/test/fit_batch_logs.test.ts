// fit keeps each batch's loss and metrics on the device and reads them in
// groups (pending_logs.ts). These tests hold it to what reading every batch at
// once gives: the same per-batch numbers, the same epoch means, no leaks.
import { describe, expect, it } from 'vitest';
import { Callback, Dense, LambdaCallback, Sequential, TerminateOnNaN, memory, randomNormal, setSeed, tensor, type Logs, type Tensor } from './helpers.js';

function data(n: number): { x: Tensor; y: Tensor } {
  const x = randomNormal([n, 5], 0, 1, 'float32', 11);
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) ids[i] = (i * 7) % 3;
  return { x, y: tensor(ids, [n], 'int32') };
}

function model(): Sequential {
  setSeed(5);
  const m = new Sequential({ layers: [new Dense({ units: 8, activation: 'relu', inputShape: [5] }), new Dense({ units: 3 })] });
  m.compile({ optimizer: 'sgd', learningRate: 0.1, loss: 'sparseSoftmaxCrossEntropy', metrics: ['accuracy', 'sparseCategoricalCrossentropy'] });
  return m;
}

/** Records every batch's logs as plain numbers, read in onBatchEnd. */
class EveryBatch extends Callback {
  readonly batches: Logs[][] = [];
  override onEpochBegin(): void {
    this.batches.push([]);
  }
  override onBatchEnd(_b: number, logs: Logs): void {
    this.batches.at(-1)!.push({ ...logs });
  }
}

describe('fit: batch logs read in groups', () => {
  it('gives the history that the batch logs, read one by one, average to, with or without batch callbacks', async () => {
    const { x, y } = data(203); // 13 batches of 16, the last one of 11: the epoch mean weights each batch by its size
    const every = new EveryBatch();
    const a = model();
    const ha = await a.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, callbacks: [every] });
    const b = model();
    const hb = await b.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0 });
    // Same seed, same steps: the history does not depend on who reads the batch logs.
    expect(hb.history).toEqual(ha.history);
    expect(b.getWeightValues()).toEqual(a.getWeightValues());
    // The reference: each epoch's mean of the batch values, weighted by batch size, in float64.
    expect(every.batches).toHaveLength(3);
    for (const [e, batches] of every.batches.entries()) {
      expect(batches).toHaveLength(13);
      expect(batches.map((l) => l['size'])).toEqual([...Array(12).fill(16), 11]);
      for (const key of ['loss', 'accuracy', 'sparseCategoricalCrossentropy']) {
        const mean = batches.reduce((s, l) => s + l[key]! * l['size']!, 0) / 203;
        expect(ha.history[key]![e]).toBe(mean);
      }
      expect(Object.keys(batches[0]!)).toEqual(['loss', 'accuracy', 'sparseCategoricalCrossentropy', 'batch', 'size']);
    }
    for (const t of [x, y]) t.dispose();
    a.dispose();
    b.dispose();
  });

  it('reads a batch only when a callback looks, and the values match reading every batch', async () => {
    const { x, y } = data(160);
    const every = new EveryBatch();
    const seen: Array<[number, number]> = [];
    const kept: Logs[] = [];
    const sometimes = new LambdaCallback({
      onBatchEnd: (b, logs) => {
        kept.push(logs); // held past the batch: still readable later
        if (b % 4 === 3) seen.push([b, logs['loss']!]);
      },
    });
    const a = model();
    await a.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, callbacks: [every] });
    const b = model();
    await b.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, callbacks: [sometimes] });
    expect(seen).toEqual([3, 7, 11, 15, 19].map((i) => [i, every.batches[0]![i]!['loss']!]));
    expect(kept.map((l) => l['accuracy'])).toEqual(every.batches[0]!.map((l) => l['accuracy']));
    for (const t of [x, y]) t.dispose();
    a.dispose();
    b.dispose();
  });

  it('frees every batch tensor, whether read, unread or cut short', async () => {
    const { x, y } = data(100);
    const m = model();
    await m.fit(x, y, { epochs: 1, batchSize: 50, verbose: 0 }); // the optimizer's step counter exists from here on
    const before = memory().numTensors;
    await m.fit(x, y, { epochs: 2, batchSize: 1, verbose: 0, validationData: [x, y] }); // 100 batches: one full group and a part
    expect(memory().numTensors).toBe(before);
    // A stop mid-epoch (TerminateOnNaN reads each loss) and an error mid-epoch leave nothing behind either.
    const stop = new TerminateOnNaN(() => {});
    m.compile({ optimizer: 'sgd', learningRate: 1e30, loss: 'sparseSoftmaxCrossEntropy', metrics: ['accuracy'] });
    await m.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, callbacks: [stop] });
    expect(stop.stoppedAt).not.toBeNull();
    const boom = new LambdaCallback({
      onBatchEnd: (b) => {
        if (b === 5) throw new Error('boom');
      },
    });
    await expect(m.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, callbacks: [boom] })).rejects.toThrow('boom');
    expect(memory().numTensors).toBe(before);
    for (const t of [x, y]) t.dispose();
    m.dispose();
  });
});
