// The narrow contract's promise: a backend that implements only the 11
// primitive kernels (here the float64 reference's) gets every optional kernel
// and the optimizer update from core's composites, passes the whole
// conformance suite (kernel, gradient and training cases) and trains the seed
// MLP and CNN as the full reference backend does.
import type { Backend, Sequential, Tensor } from '@polytensor/core';
import {
  Adam,
  defineBackend,
  KERNEL_NAMES,
  memory,
  PRIMITIVE_KERNELS,
  registerBackend,
  removeBackend,
  SGD,
  setBackendSync,
  setSeed,
  sparseCategoricalCrossentropy,
  sparseSoftmaxCrossEntropy,
  tensor,
} from '@polytensor/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bars, seedCnn, seedMlp } from '../../../tools/vitest/seed_models.js';
import { createReferenceBackend, REFERENCE_PRIMITIVE_KERNELS, RefStore } from './reference_backend.js';
import { runConformance } from './suite.js';
import { TRAINING_TOLERANCE } from './tolerances.js';

/** defineBackend with the reference's primitives and nothing else: no optional kernel, no optimizer capability. */
const primitivesOnly = (): Backend =>
  defineBackend({ name: 'primitives-only', storage: new RefStore('primitives-only'), kernels: REFERENCE_PRIMITIVE_KERNELS });

describe('a backend of the 11 primitive kernels only', () => {
  it('implements the primitives and nothing else', () => {
    const b = primitivesOnly();
    expect([...b.implemented].sort()).toEqual([...PRIMITIVE_KERNELS].sort());
    expect(b.optimizer).toBeUndefined();
    for (const k of KERNEL_NAMES) expect(typeof b.kernels[k], k).toBe('function');
    b.dispose();
  });

  it("passes the whole suite: kernel, gradient and training cases, every optional kernel as core's composite", async () => {
    const t0 = performance.now();
    const report = await runConformance(primitivesOnly);
    const ms = performance.now() - t0;
    expect(report.rows.flatMap((r) => r.failures)).toEqual([]);
    expect(report.failed).toBe(0);
    expect(report.skipped).toBe(0);
    // nothing of its own to compare composites with: no composite rows, and every optional row says what ran
    expect(report.rows.filter((r) => r.composite)).toEqual([]);
    const optionalOps = new Set(
      report.cases
        .filter((c) => c.kind === 'kernel' && !(PRIMITIVE_KERNELS as readonly string[]).includes(c.subject) && c.subject !== 'storage')
        .map((c) => c.kernel),
    );
    for (const row of report.rows.filter((r) => r.kind === 'kernel' && optionalOps.has(r.kernel))) {
      expect(row.notes.join('; '), row.kernel).toMatch(/core's composite/);
    }
    expect(report.cases.filter((c) => c.kind === 'gradient').length).toBeGreaterThan(100);
    expect(report.cases.filter((c) => c.kind === 'training').length).toBe(4);
    expect(ms).toBeLessThan(60_000);
  });
});

/** A few training steps of `build()` on backend `name` from `weights` (or the model's own initial weights): the loss before each step. */
function train(
  name: string,
  build: () => Sequential,
  weights: readonly Float32Array[] | null,
  data: { x: Float32Array; y: Int32Array; shape: number[] },
  loss: (y: Tensor, out: Tensor) => Tensor,
  optimizer: () => SGD | Adam,
  steps: number,
): { losses: number[]; weights: Float32Array[] } {
  setBackendSync(name);
  setSeed(11);
  const model = build();
  model.build();
  const vars = model.trainableWeights;
  if (weights) {
    vars.forEach((v, i) => {
      const t = tensor(weights[i]!, v.shape);
      v.assign(t);
      t.dispose();
    });
  }
  const initial = vars.map((v) => Float32Array.from(v.dataSync() as Float32Array));
  const x = tensor(data.x, data.shape);
  const y = tensor(data.y, [data.shape[0]!], 'int32');
  const opt = optimizer();
  const losses: number[] = [];
  try {
    for (let s = 0; s < steps; s++) {
      const cost = opt.minimize(() => loss(y, model.apply(x, { training: false })), true, vars);
      losses.push(cost.dataSync()[0]!);
      cost.dispose();
    }
    return { losses, weights: initial };
  } finally {
    opt.dispose();
    x.dispose();
    y.dispose();
    model.dispose();
  }
}

function expectSameTrajectory(got: readonly number[], want: readonly number[]): void {
  const { abs, rel } = TRAINING_TOLERANCE;
  expect(got).toHaveLength(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!), `loss before step ${i}: ${g} vs ${want[i]}`).toBeLessThanOrEqual(abs + rel * Math.abs(want[i]!)));
  // and it learns
  expect(want[want.length - 1]!).toBeLessThan(want[0]!);
}

/** Train on the full reference backend, then from the same weights on the primitives-only one: same losses, nothing leaked. */
function expectTrainsLikeFull(
  model: () => Sequential,
  data: { x: Float32Array; y: Int32Array; shape: number[] },
  loss: (y: Tensor, out: Tensor) => Tensor,
  optimizer: () => SGD | Adam,
  steps: number,
): void {
  const tensors = memory().numTensors;
  const full = train('conformance-full-reference', model, null, data, loss, optimizer, steps);
  const prims = train('conformance-primitives-only', model, full.weights, data, loss, optimizer, steps);
  expectSameTrajectory(prims.losses, full.losses);
  expect(memory().numTensors).toBe(tensors);
}

describe('the primitives-only backend trains the seed models like the full reference backend', () => {
  beforeAll(() => {
    registerBackend('conformance-full-reference', () => createReferenceBackend('full-reference'), -1e9);
    registerBackend('conformance-primitives-only', primitivesOnly, -1e9);
  });
  afterAll(() => {
    removeBackend('conformance-full-reference');
    removeBackend('conformance-primitives-only');
  });

  it('the seed MLP (784 → 64 sigmoid → 10), 6 SGD steps on 16 images', () => {
    const d = bars(16);
    const data = { ...d, shape: [16, 784] };
    expectTrainsLikeFull(
      () => seedMlp(),
      data,
      sparseSoftmaxCrossEntropy,
      () => new SGD(0.5),
      6,
    );
  });

  it('the seed CNN (conv ×4, avgPool ×2, dense), 3 Adam steps on an image', () => {
    const d = bars(1, () => 4);
    const data = { ...d, shape: [1, 28, 28, 1] };
    expectTrainsLikeFull(
      () => seedCnn(),
      data,
      sparseCategoricalCrossentropy,
      () => new Adam(0.001),
      3,
    );
  }, 120_000);
});
