// What tfjs/Keras users write out of habit: plain-object callbacks, snake_case
// options, predictOnBatch, functions as losses and metrics; and the guards
// around fit (concurrent calls, NaN losses).
import { describe, expect, it } from 'vitest';
import {
  Dense,
  EarlyStopping,
  LambdaCallback,
  Sequential,
  TerminateOnNaN,
  mean,
  randomNormal,
  setSeed,
  square,
  sub,
  tensor,
  tidy,
  type Logs,
  type Tensor,
} from './helpers.js';

function data(n: number): { x: Tensor; y: Tensor } {
  return tidy(() => {
    const x = randomNormal([n, 3], 0, 1, 'float32', 5);
    return { x, y: x.matMul(tensor([[1], [-2], [0.5]])).add(0.3) };
  });
}

function regressor(lr = 0.05): Sequential {
  setSeed(3);
  const m = new Sequential({ layers: [new Dense({ units: 1, inputShape: [3] })] });
  m.compile({ optimizer: 'sgd', learningRate: lr, loss: 'meanSquaredError' });
  return m;
}

/** A fresh regressor and `n` examples for one test, disposed after it (also when it fails). */
async function withRegressor(n: number, body: (m: Sequential, x: Tensor, y: Tensor) => Promise<void>): Promise<void> {
  const { x, y } = data(n);
  const m = regressor();
  try {
    await body(m, x, y);
  } finally {
    m.dispose();
    x.dispose();
    y.dispose();
  }
}

describe('fit callbacks as plain objects', () => {
  it('accepts one object of hooks, calls every hook in order, and awaits async ones', () =>
    withRegressor(40, async (m, x, y) => {
      const calls: string[] = [];
      let asyncDone = 0;
      await m.fit(x, y, {
        epochs: 2,
        batchSize: 20,
        verbose: 0,
        shuffle: false,
        callbacks: {
          onTrainBegin: () => void calls.push('trainBegin'),
          onEpochBegin: (e) => void calls.push(`epochBegin ${e}`),
          onBatchBegin: (b) => void calls.push(`batchBegin ${b}`),
          onBatchEnd: async (b, logs) => {
            await new Promise((r) => setTimeout(r, 1));
            asyncDone++;
            calls.push(`batchEnd ${b} ${Number.isFinite(logs['loss']) ? 'loss' : '?'}`);
          },
          onEpochEnd: (e, logs) => void calls.push(`epochEnd ${e} ${typeof logs['loss']}`),
          onTrainEnd: () => void calls.push('trainEnd'),
        },
      });
      expect(asyncDone).toBe(4);
      expect(calls).toEqual([
        'trainBegin',
        'epochBegin 0',
        'batchBegin 0',
        'batchEnd 0 loss',
        'batchBegin 1',
        'batchEnd 1 loss',
        'epochEnd 0 number',
        'epochBegin 1',
        'batchBegin 0',
        'batchEnd 0 loss',
        'batchBegin 1',
        'batchEnd 1 loss',
        'epochEnd 1 number',
        'trainEnd',
      ]);
    }));

  it('accepts an array mixing objects and Callback instances', () =>
    withRegressor(20, async (m, x, y) => {
      const seen: number[] = [];
      const stop = new EarlyStopping({ monitor: 'loss', patience: 100 });
      await m.fit(x, y, {
        epochs: 3,
        verbose: 0,
        callbacks: [{ onEpochEnd: (e) => void seen.push(e) }, stop, new LambdaCallback({ onEpochEnd: (e) => void seen.push(10 + e) })],
      });
      expect(seen).toEqual([0, 10, 1, 11, 2, 12]);
    }));

  it('rejects unknown hook names and non-functions before training, naming the fix', () =>
    withRegressor(10, async (m, x, y) => {
      m.build();
      const w0 = Array.from(m.getWeightValues()[0]!);
      expect(w0.length).toBe(3);
      await expect(m.fit(x, y, { verbose: 0, callbacks: { onEpochEnded: () => {} } as never })).rejects.toThrow(
        /callbacks: unknown option 'onEpochEnded'; did you mean 'onEpochEnd'\?/,
      );
      await expect(m.fit(x, y, { verbose: 0, callbacks: { on_epoch_end: () => {} } as never })).rejects.toThrow(/did you mean 'onEpochEnd'\?/);
      await expect(m.fit(x, y, { verbose: 0, callbacks: { onYield: () => {} } as never })).rejects.toThrow(
        /'onYield' is not supported by polytensor: use onBatchEnd/,
      );
      await expect(m.fit(x, y, { verbose: 0, callbacks: { onEpochEnd: 3 } as never })).rejects.toThrow(
        /callbacks: 'onEpochEnd' must be a function, got number/,
      );
      await expect(m.fit(x, y, { verbose: 0, callbacks: [null] as never })).rejects.toThrow(/fit: callbacks\[0\] must be a Callback or an object of hooks/);
      expect(Array.from(m.getWeightValues()[0]!)).toEqual(w0); // nothing trained
    }));
});

describe('option names', () => {
  it('fit: snake_case names get their camelCase spelling, typos the closest option, tfjs-only options a reason', () =>
    withRegressor(10, async (m, x, y) => {
      await expect(m.fit(x, y, { batch_size: 4 } as never)).rejects.toThrow(
        /fit: unknown option 'batch_size'; did you mean 'batchSize'\? \(polytensor spells options in camelCase/,
      );
      await expect(m.fit(x, y, { validation_data: [x, y] } as never)).rejects.toThrow(/did you mean 'validationData'\?/);
      await expect(m.fit(x, y, { epoch: 2 } as never)).rejects.toThrow(/fit: unknown option 'epoch'; did you mean 'epochs'\?/);
      await expect(m.fit(x, y, { classWeight: { 0: 1 } } as never)).rejects.toThrow(/'classWeight' is not supported by polytensor: weight the loss yourself/);
      await expect(m.fit(x, y, { zzz: 1 } as never)).rejects.toThrow(/fit: unknown option 'zzz'; valid options are 'batchSize', 'epochs'/);
    }));

  it('compile, evaluate and predict check their option names too', () => {
    const { x, y } = data(10);
    const m = regressor();
    expect(() => m.compile({ optimizer: 'sgd', loss: 'mse', learning_rate: 0.1 } as never)).toThrow(
      /compile: unknown option 'learning_rate'; did you mean 'learningRate'\?/,
    );
    expect(() => m.compile({ optimizer: 'sgd', loss: 'mse', metric: ['mse'] } as never)).toThrow(/did you mean 'metrics'\?/);
    expect(() => m.compile({ loss: 'mse' } as never)).toThrow(/compile: 'optimizer' is required/);
    expect(() => m.compile({ optimizer: 'sgd', loss: 'mse', metrics: 'mse' } as never)).toThrow(/compile: 'metrics' must be an array/);
    expect(() => m.evaluate(x, y, { batch_size: 2 } as never)).toThrow(/evaluate: unknown option 'batch_size'; did you mean 'batchSize'\?/);
    expect(() => m.predict(x, { batchsize: 2 } as never)).toThrow(/predict: unknown option 'batchsize'; did you mean 'batchSize'\?/);
    m.dispose();
    x.dispose();
    y.dispose();
  });

  it('a misspelt loss, metric or optimizer name is a type error and a clear run-time error', () => {
    const m = regressor();
    // @ts-expect-error: not a loss name (the editor completes the valid ones)
    expect(() => m.compile({ optimizer: 'sgd', loss: 'meanSquaredErr' })).toThrow(/getLoss: unknown loss 'meanSquaredErr'/);
    // @ts-expect-error: not an optimizer name
    expect(() => m.compile({ optimizer: 'adamw2', loss: 'mse' })).toThrow(/getOptimizer: unknown optimizer 'adamw2'/);
    // @ts-expect-error: not a metric name
    expect(() => m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['acuracy'] })).toThrow(/getMetric: unknown metric 'acuracy'/);
    m.dispose();
  });
});

describe('functions as losses and metrics', () => {
  it('trains with a custom loss and reports a custom metric under its name', async () => {
    const { x, y } = data(40);
    setSeed(3);
    const m = new Sequential({ layers: [new Dense({ units: 1, inputShape: [3] })] });
    const halfMse = (yt: Tensor, yp: Tensor): Tensor => tidy(() => mean(square(sub(yt, yp))).mul(0.5));
    const maxAbsErr = (yt: Tensor, yp: Tensor): Tensor => tidy(() => sub(yt, yp).abs().max());
    m.compile({ optimizer: 'sgd', learningRate: 0.1, loss: halfMse, metrics: [maxAbsErr, 'mse'] });
    const h = await m.fit(x, y, { epochs: 8, batchSize: 10, verbose: 0 });
    const loss = h.history['loss']!;
    expect(loss[loss.length - 1]!).toBeLessThan(loss[0]! * 0.5);
    expect(Object.keys(h.history).sort()).toEqual(['loss', 'maxAbsErr', 'meanSquaredError']);
    // the loss is half the mse, batch by batch, so the epoch means agree too
    expect(h.history['loss']![0]!).toBeCloseTo(h.history['meanSquaredError']![0]! / 2, 5);
    m.dispose();
    x.dispose();
    y.dispose();
  });
});

describe('predictOnBatch', () => {
  it('equals predict on one batch, and checks the input shape', () => {
    const { x, y } = data(50);
    const m = regressor();
    const a = m.predictOnBatch(x);
    const b = m.predict(x, { batchSize: 7 });
    expect(a.shape).toEqual([50, 1]);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    const bad = tensor([[1, 2]]);
    expect(() => m.predictOnBatch(bad)).toThrow(/predictOnBatch: the model expects inputs of shape \[null,3\], got \[1,2\]/);
    for (const t of [a, b, bad, x, y]) t.dispose();
    m.dispose();
  });
});

describe('fit guards', () => {
  it('a second fit while one runs is a clear error; the first finishes unaffected', () =>
    withRegressor(40, async (m, x, y) => {
      const first = m.fit(x, y, { epochs: 3, batchSize: 10, verbose: 0 });
      await expect(m.fit(x, y, { epochs: 1, verbose: 0 })).rejects.toThrow(
        /fit: sequential is already training \(a fit\(\) call has not finished\); await it first/,
      );
      expect(() => m.trainOnBatch(x, y)).toThrow(/trainOnBatch: sequential is already training/);
      const h = await first;
      expect(h.epoch).toEqual([0, 1, 2]);
      // and once it is done, fit works again
      const again = await m.fit(x, y, { epochs: 1, verbose: 0 });
      expect(again.epoch).toEqual([0]);
    }));

  it('a failing fit releases the model for the next one', () =>
    withRegressor(10, async (m, x, y) => {
      await expect(
        m.fit(x, y, {
          verbose: 0,
          callbacks: {
            onEpochEnd: () => {
              throw new Error('boom');
            },
          },
        }),
      ).rejects.toThrow('boom');
      await expect(m.fit(x, y, { verbose: 0 })).resolves.toBeDefined();
    }));

  it('TerminateOnNaN stops at the first non-finite batch loss; without it fit keeps going', async () => {
    const { x, y } = data(80);
    const diverging = (): Sequential => regressor(1e6); // SGD at lr 1e6 overflows within a few batches
    const m1 = diverging();
    const lines: string[] = [];
    const term = new TerminateOnNaN((l) => lines.push(l));
    const batches: Logs[] = [];
    const h = await m1.fit(x, y, {
      epochs: 5,
      batchSize: 10,
      verbose: 0,
      shuffle: false,
      callbacks: [term, { onBatchEnd: (_b, logs) => void batches.push(logs) }],
    });
    expect(term.stoppedAt).not.toBeNull();
    const { epoch, batch, loss } = term.stoppedAt!;
    expect(Number.isFinite(loss)).toBe(false);
    expect(batches.length).toBe(epoch * 8 + batch + 1); // nothing ran after the bad batch
    expect(batches.slice(0, -1).every((l) => Number.isFinite(l['loss']))).toBe(true);
    expect(h.epoch.length).toBe(epoch + 1);
    expect(lines).toEqual([`TerminateOnNaN: epoch ${epoch + 1}, batch ${batch}: loss is ${loss}; training stopped`]);

    const m2 = diverging();
    const all: number[] = [];
    await m2.fit(x, y, { epochs: 5, batchSize: 10, verbose: 0, shuffle: false, callbacks: { onBatchEnd: (_b, logs) => void all.push(logs['loss']!) } });
    expect(all.length).toBe(40);
    for (const m of [m1, m2]) m.dispose();
    x.dispose();
    y.dispose();
  });
});
