// The seed models of EXPERIMENTS.md train on this backend: E1 (the MLP, SGD)
// and E3 (the Keras CNN, Adam) take a few steps with the loss falling, and
// their loss trajectories match the conformance suite's float64 reference
// backend (same seed, same data, same dropout masks) step by step; and both
// train through `fit` (batching, seeded shuffles, epoch logs) to the
// reference's epoch losses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerBackend, removeBackend, setBackend, setSeed, tensor, type CompileArgs, type Sequential } from '@polytensor/core';
import { referenceBackendFactory } from '@polytensor/conformance';
import { bars, newBackend, seedCnn, seedMlp } from './test_util.js';

async function trajectory(
  backend: string,
  build: () => Sequential,
  compile: Parameters<Sequential['compile']>[0],
  shape: number[],
  n: number,
  steps: number,
): Promise<number[]> {
  await setBackend(backend);
  setSeed(42);
  const model = build();
  model.compile(compile);
  const data = bars(n);
  const x = tensor(data.x, [n, ...shape]);
  const y = tensor(data.y, [n], 'int32');
  const losses: number[] = [];
  const t0 = performance.now();
  try {
    for (let s = 0; s < steps; s++) losses.push(model.trainOnBatch(x, y).loss);
    console.log(`${backend}: ${steps} steps in ${(performance.now() - t0).toFixed(0)} ms, loss ${losses.map((l) => l.toFixed(5)).join(' → ')}`);
  } finally {
    x.dispose();
    y.dispose();
    model.dispose();
  }
  return losses;
}

/** Epoch losses of `fit` (seeded shuffles, so both backends see the same batches in the same order). */
async function fitLosses(
  backend: string,
  build: () => Sequential,
  compile: Parameters<Sequential['compile']>[0],
  shape: number[],
  n: number,
  fitArgs: { batchSize: number; epochs: number },
): Promise<number[]> {
  await setBackend(backend);
  setSeed(7);
  const model = build();
  model.compile(compile);
  const data = bars(n);
  const x = tensor(data.x, [n, ...shape]);
  const y = tensor(data.y, [n], 'int32');
  try {
    const h = await model.fit(x, y, { ...fitArgs, shuffle: true, verbose: 0 });
    return h.history['loss']!;
  } finally {
    x.dispose();
    y.dispose();
    model.dispose();
  }
}

function expectSameTrajectory(got: number[], want: number[], rel: number): void {
  const text = `webgpu ${got.map((l) => l.toFixed(6)).join(' → ')}; reference ${want.map((l) => l.toFixed(6)).join(' → ')}`;
  got.forEach((l, i) => expect(Math.abs(l - want[i]!), `step ${i}: ${text}`).toBeLessThanOrEqual(rel * (1 + Math.abs(want[i]!))));
  expect(got[got.length - 1]!, `the loss falls: ${text}`).toBeLessThan(got[0]!);
}

describe('seed models on webgpu', () => {
  beforeAll(() => {
    registerBackend('webgpu-seed', newBackend, -1);
    registerBackend('reference-seed', referenceBackendFactory, -2);
  });
  afterAll(() => {
    removeBackend('webgpu-seed');
    removeBackend('reference-seed');
  });

  it('E1 MLP (784→64 sigmoid→10, SGD 0.5, batch 64): 6 steps, loss falls, matches the float64 reference', async () => {
    const compile: CompileArgs = { optimizer: 'sgd', learningRate: 0.5, loss: 'sparseSoftmaxCrossEntropy' };
    const want = await trajectory('reference-seed', seedMlp, compile, [784], 64, 6);
    const got = await trajectory('webgpu-seed', seedMlp, compile, [784], 64, 6);
    expectSameTrajectory(got, want, 1e-4);
  });

  it('E3 CNN (the Keras CNN with dropout, Adam 1e-3, batch 2): 3 steps, loss falls, matches the float64 reference', async () => {
    const compile: CompileArgs = { optimizer: 'adam', learningRate: 0.001, loss: 'sparseCategoricalCrossentropy' };
    const want = await trajectory('reference-seed', seedCnn, compile, [28, 28, 1], 2, 3);
    const got = await trajectory('webgpu-seed', seedCnn, compile, [28, 28, 1], 2, 3);
    expectSameTrajectory(got, want, 1e-4);
  });

  it('E1 MLP through fit (batch 16, 3 epochs, shuffled): epoch losses match the float64 reference', async () => {
    const compile: CompileArgs = { optimizer: 'sgd', learningRate: 0.5, loss: 'sparseSoftmaxCrossEntropy' };
    const want = await fitLosses('reference-seed', seedMlp, compile, [784], 64, { batchSize: 16, epochs: 3 });
    const got = await fitLosses('webgpu-seed', seedMlp, compile, [784], 64, { batchSize: 16, epochs: 3 });
    expect(got).toHaveLength(3);
    expectSameTrajectory(got, want, 1e-4);
  });

  it('E3 CNN through fit (batch 2, 2 epochs of 2 steps, shuffled, dropout): epoch losses match the float64 reference', async () => {
    const compile: CompileArgs = { optimizer: 'adam', learningRate: 0.001, loss: 'sparseCategoricalCrossentropy' };
    const want = await fitLosses('reference-seed', seedCnn, compile, [28, 28, 1], 4, { batchSize: 2, epochs: 2 });
    const got = await fitLosses('webgpu-seed', seedCnn, compile, [28, 28, 1], 4, { batchSize: 2, epochs: 2 });
    expect(got).toHaveLength(2);
    got.forEach((l, i) => expect(Math.abs(l - want[i]!), `epoch ${i}: webgpu ${got}, reference ${want}`).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(want[i]!))));
  });
});
