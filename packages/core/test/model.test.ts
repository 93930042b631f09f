import { describe, expect, it } from 'vitest';
import {
  Dense,
  Dropout,
  EarlyStopping,
  LambdaCallback,
  ModelCheckpoint,
  ProgressBar,
  Sequential,
  loadModel,
  memory,
  randomNormal,
  randomUniform,
  setSeed,
  tensor,
  tidy,
  type Tensor,
  cast,
  floor,
  mul,
} from './helpers.js';
import { seedCnn as e3 } from '../../../tools/vitest/seed_models.js';

/** A small separable problem: 3 classes from 4 features. */
function toyData(n: number, seed: number): { x: Tensor; y: Tensor } {
  return tidy(() => {
    const x = randomNormal([n, 4], 0, 1, 'float32', seed);
    const score = x.matMul(
      tensor([
        [1, -1, 0.5],
        [0.5, 1, -1],
        [-1, 0.5, 1],
        [0.2, 0.2, 0.2],
      ]),
    );
    return { x, y: score.argMax(-1) };
  });
}

function mlp(seed: number, rate = 0): Sequential {
  setSeed(seed);
  const m = new Sequential({ layers: [new Dense({ units: 16, activation: 'tanh', inputShape: [4] }), new Dropout({ rate }), new Dense({ units: 3 })] });
  m.compile({ optimizer: 'adam', learningRate: 0.02, loss: 'sparseSoftmaxCrossEntropy', metrics: ['accuracy'] });
  return m;
}

describe('Sequential', () => {
  it('summary() of the E3 CNN matches seed 004: 469,514 trainable parameters', () => {
    const model = e3();
    const lines: string[] = [];
    const text = model.summary((l) => lines.push(l));
    expect(text).toContain('Total params: 469,514');
    expect(text).toContain('Trainable params: 469,514');
    expect(text).toContain('Non-trainable params: 0');
    const shapes = [...text.matchAll(/\((\w+)\)\s+(\[[^\]]+\])\s+(\d+)/g)].map((m) => [m[1], m[2], Number(m[3])]);
    expect(shapes).toEqual([
      ['Conv2D', '[null,28,28,64]', 640],
      ['Conv2D', '[null,28,28,64]', 36928],
      ['AveragePooling2D', '[null,14,14,64]', 0],
      ['Dropout', '[null,14,14,64]', 0],
      ['Conv2D', '[null,14,14,32]', 18464],
      ['Conv2D', '[null,14,14,32]', 9248],
      ['AveragePooling2D', '[null,7,7,32]', 0],
      ['Dropout', '[null,7,7,32]', 0],
      ['Flatten', '[null,1568]', 0],
      ['Dense', '[null,256]', 401664],
      ['Dropout', '[null,256]', 0],
      ['Dense', '[null,10]', 2570],
    ]);
    expect(lines.length).toBe(1);
    model.dispose();
  });

  it('fit learns, returns History, and leaks nothing across fit/evaluate/predict', async () => {
    const { x, y } = toyData(300, 1);
    const model = mlp(7);
    model.build();
    const before = memory();
    const history = await model.fit(x, y, { epochs: 15, batchSize: 32, validationSplit: 0.2, verbose: 0 });
    const evalLogs = model.evaluate(x, y);
    const pred = model.predict(x, { batchSize: 64 });
    expect(pred.shape).toEqual([300, 3]);
    pred.dispose();
    // Adam's slots are created once; nothing else may stay behind.
    const slots = model.optimizer!.getWeights().length;
    expect(memory().numTensors).toBe(before.numTensors + slots);
    expect(memory().numDataIds).toBe(before.numDataIds + slots);
    expect(history.history['loss']!.length).toBe(15);
    expect(history.history['val_accuracy']!.length).toBe(15);
    expect(history.history['loss']![14]!).toBeLessThan(history.history['loss']![0]! * 0.5);
    expect(evalLogs['accuracy']!).toBeGreaterThan(0.9);
    model.dispose();
    x.dispose();
    y.dispose();
  });

  it('recompiling frees the previous optimizer (its slots and step), keeping one passed again', async () => {
    const { x, y } = toyData(32, 5);
    const m = mlp(3);
    await m.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 });
    const withAdam = memory().numTensors;
    const old = m.optimizer!;
    m.compile({ optimizer: 'sgd', loss: 'sparseSoftmaxCrossEntropy' });
    // Adam's m and v for 4 weights and its step counter are gone; SGD has made nothing yet
    expect(memory().numTensors).toBe(withAdam - 9);
    expect(old.getWeights().length).toBe(0);
    const sgd = m.optimizer!;
    await m.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 });
    m.compile({ optimizer: sgd, loss: 'sparseSoftmaxCrossEntropy' });
    expect(m.optimizer).toBe(sgd);
    await m.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 });
    m.dispose();
    x.dispose();
    y.dispose();
  });

  it('one seed gives bit-identical weights (with dropout and shuffling)', async () => {
    const train = async (): Promise<Float32Array[]> => {
      const { x, y } = toyData(120, 2);
      const model = mlp(11, 0.3);
      await model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0 });
      const w = model.getWeightValues();
      model.dispose();
      x.dispose();
      y.dispose();
      return w;
    };
    const a = await train();
    const b = await train();
    expect(a.map((w) => Array.from(w))).toEqual(b.map((w) => Array.from(w)));
    const other = mlp(12);
    other.build();
    expect(Array.from(other.getWeightValues()[0]!)).not.toEqual(Array.from(a[0]!));
    other.dispose();
  });

  it('a saved and loaded model predicts bit-identically (memory:// and file://)', async () => {
    const { x, y } = toyData(64, 3);
    const model = mlp(5);
    await model.fit(x, y, { epochs: 2, verbose: 0 });
    const p0 = model.predict(x);
    await model.save('memory://toy');
    const loaded = await loadModel('memory://toy');
    const p1 = loaded.predict(x);
    expect(Array.from(p1.dataSync())).toEqual(Array.from(p0.dataSync()));
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(`${tmpdir()}/polytensor-`);
    await model.save(`file://${dir}/m`);
    const fromFile = await loadModel(`file://${dir}/m`);
    const p2 = fromFile.predict(x);
    expect(Array.from(p2.dataSync())).toEqual(Array.from(p0.dataSync()));
    await expect(loadModel(`file://${dir}/missing`)).rejects.toThrow(/cannot read .*model.json/);
    for (const t of [p0, p1, p2, x, y]) t.dispose();
    for (const m of [model, loaded, fromFile]) m.dispose();
  });

  it('rejects bad input before any training step, leaving weights untouched', async () => {
    const { x, y } = toyData(40, 4);
    const model = mlp(6);
    model.build();
    const w0 = model.getWeightValues();
    const wide = randomNormal([40, 5]);
    const short = tensor([0, 1], undefined, 'int32');
    const outOfRange = tidy(() => cast(floor(mul(randomUniform([40], 0, 1, 'float32', 1), 5)), 'int32'));
    const withNaN = tidy(() => mul(x, tensor([1, NaN, 1, 1])));
    const bad: Array<[string, () => Promise<unknown>, RegExp]> = [
      ['wrong input shape', () => model.fit(wide, y, { verbose: 0 }), /expects inputs of shape \[null,4\], got \[40,5\]/],
      ['labels of the wrong length', () => model.fit(x, short, { verbose: 0 }), /labels have 2 rows but inputs have 40/],
      ['labels out of range', () => model.fit(x, outOfRange, { verbose: 0 }), /label \d at example \d+ is not a class id in \[0, 3\)/],
      ['NaN in data', () => model.fit(withNaN, y, { verbose: 0 }), /inputs contain NaN at example 0/],
      ['batchSize 0', () => model.fit(x, y, { batchSize: 0, verbose: 0 }), /batchSize must be a positive integer, got 0/],
      ['predict on the wrong shape', async () => model.predict(wide), /predict: the model expects inputs of shape \[null,4\]/],
    ];
    for (const [what, run, message] of bad) {
      let err: unknown;
      try {
        await run();
      } catch (e) {
        err = e;
      }
      expect(String(err), what).toMatch(message);
    }
    for (const t of [wide, short, outOfRange, withNaN]) t.dispose();
    // @ts-expect-error: not a loss name
    expect(() => model.compile({ optimizer: 'sgd', loss: 'hinge-ish' })).toThrow(/unknown loss 'hinge-ish'/i);
    // @ts-expect-error: not an optimizer name
    expect(() => model.compile({ optimizer: 'adamw2', loss: 'meanSquaredError' })).toThrow(/unknown optimizer 'adamw2'/i);
    expect(model.getWeightValues().map((w) => Array.from(w))).toEqual(w0.map((w) => Array.from(w)));
    model.dispose();
    x.dispose();
    y.dispose();
  });

  it('callbacks: progress bar in Keras format, early stopping, checkpoints, lambda', async () => {
    const { x, y } = toyData(64, 5);
    const model = mlp(8);
    const out: string[] = [];
    const bar = new ProgressBar({ isTTY: false, write: (s) => out.push(s) });
    const epochs: number[] = [];
    const stop = new EarlyStopping({ monitor: 'loss', patience: 0, minDelta: 10 });
    const ckpt = new ModelCheckpoint({ path: 'memory://ckpt-{epoch}' });
    const history = await model.fit(x, y, {
      epochs: 5,
      batchSize: 16,
      verbose: 0,
      callbacks: [bar, stop, ckpt, new LambdaCallback({ onEpochEnd: (e) => void epochs.push(e) })],
    });
    expect(epochs).toEqual([0, 1]);
    expect(stop.stoppedEpoch).toBe(1);
    expect(ckpt.saved).toEqual(['memory://ckpt-1', 'memory://ckpt-2']);
    expect(history.epoch).toEqual([0, 1]);
    expect(out.join('')).toMatch(/^Epoch 1\/5\n64\/64 \[=+\] - \d+s \d+(us|ms)\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}\n/);
    const restored = await loadModel('memory://ckpt-2');
    restored.dispose();
    model.dispose();
    x.dispose();
    y.dispose();
  });
});
