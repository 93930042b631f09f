// The seed CNN of EXPERIMENTS E3 on the wasm backend: `fit` trains it (the
// tfjs wasm backend cannot: it has no Conv2DBackpropFilter), and its gradients
// match the conformance suite's float64 reference backend.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  memory,
  registerBackend,
  removeBackend,
  setBackend,
  setBackendSync,
  setSeed,
  sparseCategoricalCrossentropy,
  tensor,
  tidy,
  variableGrads,
  type Tensor,
} from '@polytensor/core';
import { referenceBackendFactory } from '@polytensor/conformance';
import { createWasmBackend, type WasmBackend } from './index.js';
import { bars, seedCnn } from '../../../tools/vitest/seed_models.js';

describe('E3 CNN on backend-wasm', () => {
  let wasm: WasmBackend;
  beforeAll(async () => {
    wasm = await createWasmBackend();
    registerBackend('wasm-e3', () => wasm, -1);
    registerBackend('reference-e3', referenceBackendFactory, -2);
  });
  afterAll(() => {
    removeBackend('wasm-e3'); // disposes the instance
    removeBackend('reference-e3');
  });

  it('fit trains it: the loss falls over a few steps of batch 8', async () => {
    await setBackend('wasm-e3');
    setSeed(1);
    const model = seedCnn();
    model.compile({ optimizer: 'adam', learningRate: 0.001, loss: 'sparseCategoricalCrossentropy' });
    const data = bars(16);
    const x = tensor(data.x, [16, 28, 28, 1]);
    const y = tensor(data.y, [16], 'int32');
    try {
      const history = await model.fit(x, y, { epochs: 6, batchSize: 8, verbose: 0 });
      const losses = history.history['loss']!;
      expect(losses).toHaveLength(6);
      expect(losses.every(Number.isFinite)).toBe(true);
      // Adam at the recipe's 1e-3 (seeded, so deterministic): 2.30 → 1.62 in 12 steps.
      expect(losses[5]!, `losses ${losses.map((l) => l.toFixed(3)).join(' → ')}`).toBeLessThan(losses[0]! * 0.85);
    } finally {
      x.dispose();
      y.dispose();
      model.dispose();
    }
  });

  it('gradients of its loss match the float64 reference backend', async () => {
    const data = bars(4);
    const gradsOn = (backend: string, weights: Float32Array[] | null): { grads: Float32Array[]; weights: Float32Array[]; loss: number } => {
      setBackendSync(backend);
      setSeed(7);
      const model = seedCnn();
      model.build();
      const vars = model.trainableWeights;
      if (weights)
        vars.forEach((v, i) => {
          const t = tensor(weights[i]!, v.shape);
          v.assign(t);
          t.dispose();
        });
      const x = tensor(data.x, [4, 28, 28, 1]);
      const y = tensor(data.y, [4], 'int32');
      // Dropout is off (training: false) so both backends see the same function.
      const { value, grads } = variableGrads(() => sparseCategoricalCrossentropy(y, model.apply(x, { training: false })), vars);
      const out = {
        grads: vars.map((v) => (grads[v.name] as Tensor).dataSync() as Float32Array),
        weights: vars.map((v) => v.dataSync() as Float32Array),
        loss: value.dataSync()[0]!,
      };
      tidy(() => [value, ...Object.values(grads)]).forEach((t) => t.dispose());
      x.dispose();
      y.dispose();
      model.dispose();
      return out;
    };
    const ours = gradsOn('wasm-e3', null);
    const ref = gradsOn('reference-e3', ours.weights);
    expect(Math.abs(ours.loss - ref.loss)).toBeLessThan(1e-5 * Math.max(1, Math.abs(ref.loss)));
    expect(ours.grads).toHaveLength(12);
    ours.grads.forEach((g, i) => {
      const r = ref.grads[i]!;
      let scale = 0;
      let err = 0;
      for (let j = 0; j < r.length; j++) {
        scale = Math.max(scale, Math.abs(r[j]!));
        err = Math.max(err, Math.abs(g[j]! - r[j]!));
      }
      expect(scale, `gradient ${i} is all zeros`).toBeGreaterThan(0);
      expect(err / scale, `gradient ${i}: worst error relative to its largest element`).toBeLessThan(1e-4);
    });
    expect(memory().numTensors).toBeGreaterThanOrEqual(0);
  });
});
