// The seed MLP of EXPERIMENTS E1 (784 → 64 sigmoid → 10, truncated-normal 0.1
// weights, SGD 0.5, batches of 64) trains with Sequential.fit on this backend:
// the loss falls, and every epoch's loss tracks the same run on the conformance
// suite's float64 reference backend (same seed, same shuffles).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SGD, registerBackend, removeBackend, setBackend, setSeed, tensor } from '@polytensor/core';
import { referenceBackendFactory } from '@polytensor/conformance';
import { bars, registeredBackend } from './test_util.js';
import { seedMlp } from '../../../tools/vitest/seed_models.js';

async function train(backend: string): Promise<{ loss: number[]; acc: number[] }> {
  await setBackend(backend);
  setSeed(2018);
  const model = seedMlp();
  model.compile({ optimizer: new SGD(0.5), loss: 'sparseSoftmaxCrossEntropy', metrics: ['accuracy'] });
  const data = bars(256);
  const x = tensor(data.x, [256, 784]);
  const y = tensor(data.y, [256], 'int32');
  try {
    const h = await model.fit(x, y, { epochs: 5, batchSize: 64, verbose: 0 });
    return { loss: h.history['loss']!, acc: h.history['acc'] ?? h.history['accuracy'] ?? [] };
  } finally {
    x.dispose();
    y.dispose();
    model.dispose();
  }
}

describe('seed MLP (E1) with fit on backend-gpujs', () => {
  let gpu: ReturnType<typeof registeredBackend>;
  beforeAll(() => {
    gpu = registeredBackend();
    registerBackend('reference-e1', referenceBackendFactory, -11);
  });
  afterAll(() => {
    gpu.release();
    removeBackend('reference-e1');
  });

  it('the loss falls and tracks the float64 reference epoch by epoch', async () => {
    const ours = await train(gpu.name);
    const ref = await train('reference-e1');
    const show = (l: number[]): string => l.map((v) => v.toFixed(5)).join(' → ');
    expect(ours.loss).toHaveLength(5);
    // 20 SGD steps at lr 0.5 on the bars data: 2.3 → well under 1
    expect(ours.loss[4]!, `gpujs losses ${show(ours.loss)}`).toBeLessThan(ours.loss[0]! * 0.5);
    for (let e = 0; e < 5; e++) {
      expect(Math.abs(ours.loss[e]! - ref.loss[e]!), `epoch ${e}: gpujs ${show(ours.loss)} vs reference ${show(ref.loss)}`).toBeLessThan(
        1e-4 + 1e-4 * Math.abs(ref.loss[e]!),
      );
    }
    expect(ours.acc).toEqual(ref.acc);
  });
});
