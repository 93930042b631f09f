// Resuming training from a checkpoint: weights, optimizer state and the random
// state restored, fit({ initialEpoch }) continues exactly where the
// uninterrupted run would be: same dropout masks, same shuffles, same weights
// bit for bit.
import { describe, expect, it } from 'vitest';
import { Dense, Dropout, Sequential, getRandomState, memory, randomNormal, setRandomState, setSeed, tensor, tidy, type Tensor } from './helpers.js';

function data(): { x: Tensor; y: Tensor } {
  return tidy(() => {
    const x = randomNormal([96, 4], 0, 1, 'float32', 11);
    const y = x
      .matMul(
        tensor([
          [1, -1, 0.5],
          [0.5, 1, -1],
          [-1, 0.5, 1],
          [0.2, 0.2, 0.2],
        ]),
      )
      .argMax(-1);
    return { x, y };
  });
}

function model(): Sequential {
  const m = new Sequential({ layers: [new Dense({ units: 16, activation: 'tanh', inputShape: [4] }), new Dropout({ rate: 0.3 }), new Dense({ units: 3 })] });
  m.compile({ optimizer: 'adam', learningRate: 0.02, loss: 'sparseSoftmaxCrossEntropy' });
  m.build([null, 4]);
  return m;
}

const bits = (ws: Float32Array[]): number[][] => ws.map((w) => Array.from(new Uint32Array(w.buffer, w.byteOffset, w.length)));

describe('resuming fit from a checkpoint', () => {
  it('equals the uninterrupted run bit for bit (dropout masks and shuffles included)', async () => {
    const { x, y } = data();
    const before = memory().numTensors;

    setSeed(5);
    const straight = model();
    const hStraight = await straight.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0 });
    const want = bits(straight.getWeightValues());

    setSeed(5);
    const first = model();
    await first.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 });
    // the checkpoint: plain arrays and numbers, as a file would hold them
    const weights = first.getWeightValues().map((w) => w.slice());
    const varNames = first.namedWeights.map((w) => w.variable.name);
    const slots = first
      .optimizer!.getWeights()
      .map((w) => ({ name: w.name, values: w.tensor.dataSync().slice(), shape: w.tensor.shape, dtype: w.tensor.dtype }));
    const random = JSON.parse(JSON.stringify(getRandomState())) as ReturnType<typeof getRandomState>;
    first.dispose();

    setSeed(999); // a fresh process would start anywhere
    const resumed = model();
    resumed.setWeightValues(weights);
    // slot names follow the variables, whose names differ in this process: map them by position
    const rename = new Map(varNames.map((n, i) => [n, resumed.namedWeights[i]!.variable.name]));
    const restored = slots.map((s) => {
      const cut = s.name.lastIndexOf('/');
      const name = s.name === 'iter' ? 'iter' : `${rename.get(s.name.slice(0, cut))}/${s.name.slice(cut + 1)}`;
      return { name, tensor: tensor(s.values, s.shape, s.dtype) };
    });
    resumed.optimizer!.setWeights(restored);
    restored.forEach((r) => r.tensor.dispose());
    setRandomState(random);
    const hResumed = await resumed.fit(x, y, { epochs: 3, initialEpoch: 1, batchSize: 16, verbose: 0 });

    expect(resumed.optimizer!.iterations).toBe(straight.optimizer!.iterations);
    expect(bits(resumed.getWeightValues())).toEqual(want);
    expect(hResumed.epoch).toEqual([1, 2]);
    expect(hResumed.history['loss']).toEqual(hStraight.history['loss']!.slice(1));

    straight.dispose();
    resumed.dispose();
    x.dispose();
    y.dispose();
    expect(memory().numTensors).toBe(before - 2);
  });

  it('rejects a bad initialEpoch or random state with a clear error', async () => {
    const m = model();
    const x = tensor([[0, 0, 0, 0]]);
    const y = tensor([0], [1], 'int32');
    await expect(m.fit(x, y, { epochs: 2, initialEpoch: 2, verbose: 0 })).rejects.toThrow(
      /fit: initialEpoch must be an integer in \[0, epochs\) = \[0, 2\), got 2/,
    );
    await expect(m.fit(x, y, { epochs: 2, initialEpoch: -1, verbose: 0 })).rejects.toThrow(/initialEpoch/);
    expect(() => setRandomState({ seed: -1, stream: 0 })).toThrow(/setRandomState: seed must be a non-negative safe integer/);
    expect(() => setRandomState({ seed: 1, stream: 1.5 })).toThrow(/setRandomState: stream must be an integer/);
    const state = getRandomState();
    setSeed(123);
    expect(getRandomState()).toEqual({ seed: 123, stream: 0 });
    setRandomState(state);
    expect(getRandomState()).toEqual(state);
    m.dispose();
    x.dispose();
    y.dispose();
  });
});
