// Compile settings in saved models: a model saved compiled loads compiled,
// with the same optimizer class and hyperparameters, loss and metrics (and a
// fresh optimizer state); uncompiled stays uncompiled; old files still load.
import { describe, expect, it } from 'vitest';
import {
  Adagrad,
  Adam,
  Momentum,
  RMSprop,
  SGD,
  loadModel,
  optimizerNames,
  getOptimizer,
  randomNormal,
  tensor,
  type ModelArtifacts,
  type Optimizer,
  type Tensor,
} from '../helpers.js';
import { copyArtifacts, expectLoadError, tinyDense, weightBytesOf } from './fixtures.js';

const optimizers: Array<[string, () => Optimizer]> = [
  ['SGD', () => new SGD(0.3)],
  ['Momentum', () => new Momentum(0.02, 0.8, true)],
  ['Adam', () => new Adam(0.004, 0.85, 0.995, 1e-6)],
  ['RMSprop', () => new RMSprop(0.002, 0.8, 0.1, 1e-5, true)],
  ['Adagrad', () => new Adagrad(0.05, 0.2, 1e-6)],
];

describe('trainingConfig', () => {
  it.each(optimizers)('%s: class and every hyperparameter survive; one training step then matches the original bit for bit', async (_name, make) => {
    const model = tinyDense(21);
    model.compile({ optimizer: make(), loss: 'meanSquaredError', metrics: ['accuracy'] });
    await model.save(`memory://tc-${_name}`);
    const loaded = await loadModel(`memory://tc-${_name}`);
    expect(loaded.optimizer).not.toBe(model.optimizer);
    expect(loaded.optimizer!.className).toBe(model.optimizer!.className);
    expect(loaded.optimizer!.getConfig()).toEqual(model.optimizer!.getConfig());
    expect(loaded.optimizer!.iterations).toBe(0);
    const x = randomNormal([8, 4], 0, 1, 'float32', 3);
    const y = randomNormal([8, 3], 0, 1, 'float32', 4);
    const logsA = model.trainOnBatch(x, y);
    const logsB = loaded.trainOnBatch(x, y);
    expect(logsB).toEqual(logsA);
    expect(Object.keys(logsB).sort()).toEqual(['accuracy', 'loss']);
    expect(weightBytesOf(loaded)).toEqual(weightBytesOf(model));
    for (const t of [x, y]) t.dispose();
    model.dispose();
    loaded.dispose();
  });

  it('every optimizer getOptimizer builds can be saved and restored', async () => {
    for (const name of optimizerNames()) {
      const model = tinyDense(22);
      model.compile({ optimizer: getOptimizer(name, 0.03), loss: 'meanSquaredError' });
      const loaded = await loadModel(model.toArtifacts());
      expect(loaded.optimizer!.getConfig(), name).toEqual(model.optimizer!.getConfig());
      model.dispose();
      loaded.dispose();
    }
  });

  it('the learning rate a callback changed is the one saved', async () => {
    const model = tinyDense(23);
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    model.optimizer!.learningRate = 0.0005;
    const loaded = await loadModel(model.toArtifacts());
    expect(loaded.optimizer!.learningRate).toBe(0.0005);
    model.dispose();
    loaded.dispose();
  });

  it('uncompiled saves load uncompiled; { compile: false } skips the settings', async () => {
    const plain = tinyDense(24);
    expect(plain.toArtifacts().trainingConfig).toBeUndefined();
    const loaded = await loadModel(plain.toArtifacts());
    expect(loaded.optimizer).toBeNull();
    const x = tensor([[1, 2, 3, 4]]);
    expect(() => loaded.evaluate(x, x)).toThrow(/call compile/);
    plain.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const skipped = await loadModel(plain.toArtifacts(), { compile: false });
    expect(skipped.optimizer).toBeNull();
    x.dispose();
    for (const m of [plain, loaded, skipped]) m.dispose();
  });

  it('a custom loss or metric function is saved by name as custom: a clear error on load, { compile: false } loads', async () => {
    const model = tinyDense(26);
    const myLoss = (yTrue: Tensor, yPred: Tensor): Tensor => yPred.sub(yTrue).abs().mean();
    const myMetric = (yTrue: Tensor, yPred: Tensor): Tensor => yPred.sub(yTrue).square().mean();
    model.compile({ optimizer: 'sgd', loss: myLoss, metrics: ['accuracy', myMetric] });
    const art = model.toArtifacts();
    expect(art.trainingConfig).toMatchObject({ loss: 'custom:myLoss', metrics: ['accuracy', 'custom:myMetric'] });
    await expectLoadError(() => loadModel(art), /trainingConfig\.loss is your own function 'myLoss', which a file cannot hold; load with \{ compile: false \}/);
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError', metrics: [myMetric] });
    await expectLoadError(() => loadModel(model.toArtifacts()), /trainingConfig\.metrics\[0\] is your own function 'myMetric'/);
    const loaded = await loadModel(art, { compile: false });
    expect(loaded.optimizer).toBeNull();
    model.dispose();
    loaded.dispose();
  });

  it('settings naming what this polytensor lacks fail clearly and suggest { compile: false }', async () => {
    const model = tinyDense(25);
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError', metrics: ['accuracy'] });
    const art = model.toArtifacts();
    const cases: Array<[(a: ModelArtifacts) => void, RegExp]> = [
      [
        (a) => void (a.trainingConfig!.optimizer.className = 'Lion'),
        /optimizer\.className names "Lion", which is not a built-in optimizer \(SGD, Momentum, Adam, RMSprop, Adagrad, Adadelta, Adamax, Nadam, AdamW\)/,
      ],
      [(a) => void (a.trainingConfig!.optimizer.config['weightDecay'] = 0.1), /optimizer\.config has 'weightDecay', which Adam does not take/],
      [(a) => void delete a.trainingConfig!.optimizer.config['beta2'], /optimizer\.config lacks 'beta2'/],
      [(a) => void (a.trainingConfig!.optimizer.config['beta1'] = 1.5), /optimizer\.config is invalid: Adam: beta1/],
      [(a) => void (a.trainingConfig!.optimizer.config['learningRate'] = true), /optimizer\.config is invalid: .*learningRate/],
      [(a) => void (a.trainingConfig!.loss = 'focalLoss'), /trainingConfig\.loss is invalid: getLoss: unknown loss 'focalLoss'/],
      [(a) => void (a.trainingConfig!.metrics = ['focalAccuracy']), /trainingConfig\.metrics\[0\] is invalid: getMetric: unknown metric 'focalAccuracy'/],
      [(a) => void ((a.trainingConfig as unknown as Record<string, unknown>)['metrics'] = 'accuracy'), /trainingConfig\.metrics must be an array/],
    ];
    for (const [edit, message] of cases) {
      const bad = copyArtifacts(art);
      edit(bad);
      const err = await expectLoadError(() => loadModel(bad), message);
      if (!/must be an array/.test(err.message)) expect(err.message).toMatch(/loadModel\(source, \{ compile: false \}\)/);
      const skipped = await loadModel(bad, { compile: false }).catch((e: Error) => e);
      if (!(skipped instanceof Error)) skipped.dispose();
      else expect(skipped.message).toMatch(/must be an array/);
    }
    model.dispose();
  });
});
