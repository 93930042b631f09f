// The fused optimizer update (kernels/optimizer_update.ts) against core's
// composite on the same WebGL context, bit for bit: the capability promises
// the composite's float32 result exactly, so training with or without it
// gives the same weights. The conformance suite checks both against the
// float64 reference within the device's declared arithmetic; this checks
// that the two paths agree with each other to the bit, over several chained
// steps of every rule and through a whole model's training.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Adagrad,
  Adam,
  Momentum,
  registerBackend,
  removeBackend,
  RMSprop,
  setBackend,
  setSeed,
  SGD,
  tensor,
  tidy,
  variable,
  type Backend,
  type Optimizer,
  type OptimizerCapability,
} from '@polytensor/core';
import { Rng, wrapBackend } from '@polytensor/conformance';
import { bars, newBackend, seedMlp } from './test_util.js';
import type { WebGLBackend } from './index.js';

let base: WebGLBackend;
let fusedCalls = 0;

/** Float32 values as their bit patterns, so −0/+0 and NaN payloads count. */
const bits = (v: Float32Array): number[] => Array.from(new Uint32Array(v.buffer, v.byteOffset, v.length));

beforeAll(async () => {
  base = await newBackend();
  const counted: OptimizerCapability = {
    optimizerUpdate: (...args) => {
      fusedCalls++;
      return base.optimizer!.optimizerUpdate(...args);
    },
  };
  // two views of one context; the views' dispose does nothing, afterAll disposes the context once
  const view = (o: Partial<Backend>): (() => Backend) => {
    const b = wrapBackend(base, { ...o, dispose: () => undefined });
    return () => b;
  };
  registerBackend('webgl-fused', view({ optimizer: counted }), -1);
  registerBackend('webgl-composite', view({ optimizer: undefined }), -2);
});

afterAll(() => {
  removeBackend('webgl-fused');
  removeBackend('webgl-composite');
  base.dispose();
});

/** `steps` minimize() steps of `make()` on a [5, 7] variable with gradients from a fixed target: its start, then the final variable and slots. */
async function run(backend: string, make: () => Optimizer, steps: number, shape: [number, number] = [5, 7]): Promise<{ start: number[]; outs: number[][] }> {
  await setBackend(backend);
  const r = new Rng('webgl optimizerUpdate');
  const n = shape[0] * shape[1];
  const init = Float32Array.from({ length: n }, () => r.float(-2, 2));
  // mixed scales, a few exact zeros: subnormal-free but wide, so rounding differences would show
  const target = tensor(
    Float32Array.from({ length: n }, (_, i) => (i % 9 === 0 ? 0 : r.float(-3, 3) * 10 ** r.int(-4, 2))),
    shape,
  );
  const t0 = tensor(init, shape);
  const w = variable(t0, true, `w-${backend}`);
  t0.dispose();
  const opt = make();
  try {
    for (let s = 0; s < steps; s++) opt.minimize(() => tidy(() => w.sub(target).square().mul(w).sum()));
    const slots = opt.getWeights().filter((t) => t.name.startsWith(`w-${backend}/`));
    return { start: bits(init), outs: [bits(w.dataSync() as Float32Array), ...slots.map((t) => bits(t.tensor.dataSync() as Float32Array))] };
  } finally {
    opt.dispose();
    w.dispose();
    target.dispose();
  }
}

const RULES: ReadonlyArray<[string, () => Optimizer, number]> = [
  ['sgd', () => new SGD(0.05), 1],
  ['momentum', () => new Momentum(0.02, 0.9), 2],
  ['nesterov momentum', () => new Momentum(0.02, 0.9, true), 2],
  ['adam', () => new Adam(0.01, 0.8, 0.99, 1e-3), 3],
  ['rmsprop', () => new RMSprop(0.01, 0.9), 2],
  ['centered rmsprop with momentum', () => new RMSprop(0.01, 0.95, 0.5, 1e-6, true), 4],
  ['adagrad', () => new Adagrad(0.05), 2],
];

describe('fused optimizer update on webgl', () => {
  for (const [name, make, outputs] of RULES) {
    it(`${name}: 4 steps with the fused update are bit-identical to core's composite`, async () => {
      fusedCalls = 0;
      const { start, outs: fused } = await run('webgl-fused', make, 4);
      expect(fusedCalls, 'the fused path ran once per step').toBe(4);
      const { outs: composite } = await run('webgl-composite', make, 4);
      expect(fusedCalls, 'the composite run did not call the capability').toBe(4);
      expect(fused.length).toBe(outputs);
      expect(composite.length).toBe(outputs);
      // the steps moved every element (so equal results are not two copies of the start)
      expect(fused[0]!.filter((b, i) => b === start[i])).toEqual([]);
      fused.forEach((f, k) => expect(f, `output ${k} (0: the variable, then its slots)`).toEqual(composite[k]));
    });
  }

  // [40, 33]: past the packed threshold with odd columns (texels overhanging the last one)
  for (const [name, make, outputs] of RULES) {
    it(`${name}: 4 packed steps on [40, 33] are bit-identical to core's composite`, async () => {
      let packedRuns = 0;
      const packed = base.store.packed.bind(base.store);
      base.store.packed = (op, ...rest) => {
        if (op.startsWith('optimizerUpdate')) packedRuns++;
        return packed(op, ...rest);
      };
      let fused: number[][];
      try {
        ({ outs: fused } = await run('webgl-fused', make, 4, [40, 33]));
      } finally {
        base.store.packed = packed;
      }
      expect(packedRuns, 'the packed update program ran').toBe(4 * outputs);
      const { outs: composite } = await run('webgl-composite', make, 4, [40, 33]);
      expect(fused.length).toBe(outputs);
      fused.forEach((f, k) => expect(f, `output ${k} (0: the variable, then its slots)`).toEqual(composite[k]));
    });
  }

  it('a model trains to the same weights with and without the fused update (E1 MLP, Adam, 3 steps)', async () => {
    const weights = async (backend: string): Promise<number[][]> => {
      await setBackend(backend);
      setSeed(7);
      const model = seedMlp();
      model.compile({ optimizer: 'adam', learningRate: 0.01, loss: 'sparseSoftmaxCrossEntropy' });
      const data = bars(16);
      const x = tensor(data.x, [16, 784]);
      const y = tensor(data.y, [16], 'int32');
      try {
        for (let s = 0; s < 3; s++) model.trainOnBatch(x, y);
        return model.weights.map((w) => bits(w.variable.dataSync() as Float32Array));
      } finally {
        x.dispose();
        y.dispose();
        model.dispose();
      }
    };
    fusedCalls = 0;
    const fused = await weights('webgl-fused');
    expect(fusedCalls, 'one fused update per weight per step').toBe(3 * 4);
    const composite = await weights('webgl-composite');
    expect(fused).toEqual(composite);
  });
});
