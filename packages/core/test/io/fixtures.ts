// Models and checks shared by the model IO tests.
import { expect } from 'vitest';
import {
  BatchNormalization,
  Conv2D,
  Dense,
  Dropout,
  Flatten,
  MaxPooling2D,
  Sequential,
  memory,
  randomNormal,
  scalar,
  setSeed,
  type ModelArtifacts,
  type Tensor,
} from '../helpers.js';

/** Every layer class with weights, and some without: conv, batch norm, pooling, flatten, dense, dropout (136 parameters). */
export function smallCnn(seed: number, compile = true): Sequential {
  setSeed(seed);
  const model = new Sequential({
    name: 'small_cnn',
    layers: [
      new Conv2D({ name: 'conv', filters: 3, kernelSize: 3, activation: 'relu', inputShape: [6, 6, 2] }),
      new BatchNormalization({ name: 'bn' }),
      new MaxPooling2D({ name: 'pool' }),
      new Flatten({ name: 'flat' }),
      new Dense({ name: 'hidden', units: 4, activation: 'tanh' }),
      new Dropout({ name: 'drop', rate: 0.25 }),
      new Dense({ name: 'out', units: 3 }),
    ],
  });
  if (compile) model.compile({ optimizer: 'adam', learningRate: 0.005, loss: 'sparseSoftmaxCrossEntropy', metrics: ['accuracy'] });
  model.build();
  return model;
}

/** A 4 → 3 Dense model (15 parameters). */
export function tinyDense(seed: number): Sequential {
  setSeed(seed);
  const model = new Sequential({ name: 'tiny', layers: [new Dense({ name: 'd', units: 3, inputShape: [4] })] });
  model.build();
  return model;
}

export const cnnInput = (seed: number): Tensor => randomNormal([5, 6, 6, 2], 0, 1, 'float32', seed);

/** Both models give bit-identical outputs on x. */
export function expectSamePredictions(a: Sequential, b: Sequential, x: Tensor): void {
  const pa = a.predict(x);
  const pb = b.predict(x);
  expect(Array.from(pb.dataSync())).toEqual(Array.from(pa.dataSync()));
  pa.dispose();
  pb.dispose();
}

/** The model's weights, concatenated, as the bytes a save writes. */
export function weightBytesOf(model: Sequential): Uint8Array {
  const parts = model.getWeightValues();
  const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return new Uint8Array(all.buffer);
}

/** The id the next tensor gets: unchanged (+1 for the probe itself) proves nothing was allocated in between. */
export function nextTensorId(): number {
  const t = scalar(0);
  const id = t.id;
  t.dispose();
  return id + 1;
}

/** Deep copy of artifacts (JSON part) with the same weight bytes. */
export function copyArtifacts(a: ModelArtifacts): ModelArtifacts {
  const { weightData, ...json } = a;
  return { ...(JSON.parse(JSON.stringify(json)) as Omit<ModelArtifacts, 'weightData'>), weightData: weightData.slice(0) };
}

/** Run `fn` and expect it to reject with a PolytensorError matching `message`, leaving memory as it was. */
export async function expectLoadError(fn: () => Promise<unknown>, message: RegExp): Promise<Error> {
  const before = memory();
  let err: unknown;
  try {
    const m = await fn();
    (m as Sequential | undefined)?.dispose?.();
  } catch (e) {
    err = e;
  }
  expect(err, `expected an error matching ${message}`).toBeInstanceOf(Error);
  expect((err as Error).name).toBe('PolytensorError');
  expect((err as Error).message).toMatch(message);
  const after = memory();
  expect({ t: after.numTensors, d: after.numDataIds }).toEqual({ t: before.numTensors, d: before.numDataIds });
  return err as Error;
}
