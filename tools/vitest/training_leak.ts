// The training leak suite, shared by the backends: 1,000 training steps of a
// tiny model leave core's tensor, buffer and byte counts, and every counter
// the backend's memory() reports (its buffers, heap, textures, compiled
// programs...), where they were after warm-up. Each backend picks a model
// that exercises the paths its training steps take.
import { describe, expect, it } from 'vitest';
import { AveragePooling2D, type Backend, Conv2D, Dense, Flatten, memory, Sequential, setSeed, tensor } from '@polytensor/core';
import { onPrivateBackend } from './private_backend.js';

export interface TrainingLeakCase {
  /** A fresh instance; the suite registers it with core and disposes it afterwards. */
  create(): Backend | Promise<Backend>;
  /** A compiled model for sparse labels, built on the active backend. */
  model(): Sequential;
  /** One example's shape (the model's input shape) and the number of classes. */
  readonly inputShape: readonly number[];
  readonly classes: number;
  /** Examples in the one batch trained on every step. */
  readonly batch: number;
  /** Steps before the counts are taken (caches and pools filled); 20 unless a backend needs more. */
  readonly warmup?: number;
  /** Counters of backend.memory() that must be positive after warm-up (showing they see what they count). */
  readonly nonZero: readonly string[];
}

const STEPS = 1000;

/** Sizes of `tinyCnn`. */
export interface TinyCnnSizes {
  readonly inputShape: [number, number, number];
  readonly filters: number;
  readonly hidden: number;
  readonly hiddenActivation: 'relu' | 'tanh';
  readonly classes: number;
  readonly learningRate: number;
}

/**
 * A compiled conv → average pool → dense → dense classifier trained by Adam on
 * sparse softmax cross-entropy: every path a CNN training step takes (conv and
 * dense forward and backward, pooling, the loss read back every step).
 */
function tinyCnn(s: TinyCnnSizes): Sequential {
  const model = new Sequential({
    layers: [
      new Conv2D({ filters: s.filters, kernelSize: 3, activation: 'relu', padding: 'same', inputShape: s.inputShape }),
      new AveragePooling2D({ poolSize: 2 }),
      new Flatten(),
      new Dense({ units: s.hidden, activation: s.hiddenActivation }),
      new Dense({ units: s.classes }),
    ],
  });
  model.compile({ optimizer: 'adam', learningRate: s.learningRate, loss: 'sparseSoftmaxCrossEntropy', metrics: ['accuracy'] });
  return model;
}

/** The model part of a TrainingLeakCase: `tinyCnn` of these sizes, and its input shape and classes. */
export function tinyCnnCase(s: TinyCnnSizes): Pick<TrainingLeakCase, 'model' | 'inputShape' | 'classes'> {
  return { model: () => tinyCnn(s), inputShape: s.inputShape, classes: s.classes };
}

/** Every count that must stay flat: core's, then the whole of the backend's memory(). */
function counts(backend: Backend): Record<string, number> {
  const core = memory();
  return { tensors: core.numTensors, dataIds: core.numDataIds, bytes: core.numBytes, ...backend.memory() };
}

export function trainingLeakSuite(what: string, c: TrainingLeakCase): void {
  describe(`memory over ${STEPS.toLocaleString('en-US')} training steps`, () => {
    it(what, async () => {
      const backend = await c.create();
      await onPrivateBackend(backend, () => {
        setSeed(11);
        const model = c.model();
        const size = c.inputShape.reduce((p, d) => p * d, 1);
        const x = tensor(
          new Float32Array(c.batch * size).map((_, i) => Math.sin(i * 0.37)),
          [c.batch, ...c.inputShape],
        );
        const y = tensor(
          new Int32Array(c.batch).map((_, i) => i % c.classes),
          [c.batch],
          'int32',
        );
        const warmup = c.warmup ?? 20;
        try {
          let first = NaN;
          for (let step = 0; step < warmup; step++) first = model.trainOnBatch(x, y).loss;
          const warm = counts(backend);
          for (const key of c.nonZero) expect(warm[key], `${key} after warm-up`).toBeGreaterThan(0);
          let last = first;
          for (let step = warmup; step < STEPS; step++) {
            last = model.trainOnBatch(x, y).loss;
            if (step % 250 === 0) expect(counts(backend), `after step ${step}`).toEqual(warm);
          }
          expect(counts(backend), `after ${STEPS} steps`).toEqual(warm);
          expect(last).toBeLessThan(first); // it did train
        } finally {
          x.dispose();
          y.dispose();
          model.dispose();
        }
      });
    });
  });
}
