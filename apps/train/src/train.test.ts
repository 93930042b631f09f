import { describe, expect, it } from 'vitest';
import { Dense, Sequential, setSeed, tensor } from '@polytensor/core';
import { kFold, loadIris, standardize, subset } from '@polytensor/datasets';
import { run } from './run.js';

describe('training end to end on backend-ts', () => {
  it('a small MLP learns iris to ≥ 95% mean 5-fold validation accuracy in seconds', async () => {
    const iris = await loadIris();
    const accuracies: number[] = [];
    const started = performance.now();
    for (const { trainIdx, valIdx } of kFold(iris.numExamples, 5, 7)) {
      setSeed(42);
      const train = subset(iris, trainIdx);
      const val = subset(iris, valIdx);
      const scaled = standardize(train.features, train.numFeatures);
      const valScaled = standardize(val.features, val.numFeatures, { mean: scaled.mean, std: scaled.std });
      const x = tensor(scaled.data, [train.numExamples, 4]);
      const y = tensor(train.labels, [train.numExamples], 'int32');
      const xv = tensor(valScaled.data, [val.numExamples, 4]);
      const yv = tensor(val.labels, [val.numExamples], 'int32');
      const model = new Sequential({ layers: [new Dense({ units: 16, activation: 'relu', inputShape: [4] }), new Dense({ units: 3 })] });
      model.compile({ optimizer: 'adam', learningRate: 0.01, loss: 'sparseSoftmaxCrossEntropy', metrics: ['accuracy'] });
      await model.fit(x, y, { epochs: 40, batchSize: 16, verbose: 0 });
      accuracies.push(model.evaluate(xv, yv)['accuracy']!);
      model.dispose();
      for (const t of [x, y, xv, yv]) t.dispose();
    }
    const seconds = (performance.now() - started) / 1000;
    const mean = accuracies.reduce((a, b) => a + b, 0) / accuracies.length;
    expect(mean, `fold accuracies ${accuracies.map((a) => a.toFixed(3)).join(', ')}`).toBeGreaterThanOrEqual(0.95);
    expect(seconds).toBeLessThan(30); // a sanity ceiling, not a benchmark
  });

  it('the main job runs end to end on an MNIST subset and saves a loadable model', async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(`${tmpdir()}/polytensor-train-`);
    const lines: string[] = [];
    const result = await run({ model: 'mlp', epochs: 2, seed: 3, limit: 3000, save: `file://${dir}/mlp`, verbose: 0, log: (l) => lines.push(l) });
    expect(result.backend).toBe('ts');
    expect(result.testAccuracy).toBeGreaterThan(0.7);
    expect(result.history['loss']!.length).toBe(2);
    expect(lines.join('\n')).toMatch(/Total params: 50,890/);
    expect(lines.join('\n')).toMatch(/test accuracy: \d+\.\d\d%/);
    const { loadModel } = await import('@polytensor/core');
    const loaded = await loadModel(`file://${dir}/mlp`);
    expect(loaded.paramCounts().total).toBe(50890);
    loaded.dispose();
  });
});
