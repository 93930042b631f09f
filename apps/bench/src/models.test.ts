import { beforeAll, describe, expect, it } from 'vitest';
import '@polytensor/backend-ts';
import * as pt from '@polytensor/core';
import { RECIPES, RECIPE_NAMES, ltfnCnn, seedMlp } from '@polytensor/models';
import { INFER_TOLERANCE, relativeToMaxGate, trainingGate } from './gate.js';
import { batchData, deriveSpec, initialWeights, modelSpec, optimizerText, ptModel, type ModelSpec } from './models.js';
import * as ref from './reference.js';
import { refForward, refTrainStep } from './reference_model.js';
import { uniform } from './rng.js';

beforeAll(() => pt.setBackend('ts'));

describe('the seed models, from @polytensor/models', () => {
  it('derives each spec from the zoo model and its recipe', () => {
    expect(modelSpec('mlp')).toMatchObject({
      inputShape: [784],
      layers: [
        { kind: 'dense', units: 64, activation: 'sigmoid' },
        { kind: 'dense', units: 10, activation: 'linear' },
      ],
      loss: 'sparseSoftmaxCrossEntropy',
      optimizer: { kind: 'sgd', learningRate: 0.5 },
      classes: 10,
      batchSize: 64,
      summary: '784 → 64 sigmoid → 10',
    });
    expect(modelSpec('fc').summary).toBe('784 → 500 relu ×2 → 10');
    expect(optimizerText(modelSpec('fc').optimizer)).toBe('SGD 0.1');
    const cnn = modelSpec('cnn');
    expect(cnn.summary).toBe(
      '28×28×1 → conv64 3×3 relu ×2 → avgpool 2 → dropout 0.25 → conv32 3×3 relu ×2 → avgpool 2 → dropout 0.25 → 256 relu → dropout 0.5 → 10 softmax',
    );
    // Adam's hyperparameters are core's, not restated by the bench
    expect(cnn.optimizer).toEqual({ kind: 'adam', learningRate: 0.001, ...new pt.Adam().getConfig() });
    expect(cnn).toMatchObject({ loss: 'sparseCategoricalCrossentropy', batchSize: 50, classes: 10 });
  });

  it('takes the initial weights from the zoo model itself (its initializers, seeded)', () => {
    const w = initialWeights('mlp', 7);
    pt.setSeed(7);
    const zoo = seedMlp();
    zoo.build();
    expect(w.values).toEqual(zoo.getWeightValues());
    zoo.dispose();
    expect(w.shapes).toEqual([[784, 64], [64], [64, 10], [10]]);
    expect(initialWeights('mlp', 8).values[0]).not.toEqual(w.values[0]);
    const cnn = initialWeights('cnn', 1);
    expect(cnn.values.reduce((n, v) => n + v.length, 0)).toBe(469_514);
    cnn.values.forEach((v, i) => expect(v.length).toBe(cnn.shapes[i]!.reduce((a, b) => a * b, 1)));
  });

  it("the gate's twin is the zoo model with every dropout rate 0", () => {
    const w = initialWeights('cnn', 1);
    const [model, twin] = [ptModel('cnn', w, true), ptModel('cnn', w, false)];
    const rates = (m: pt.Sequential): number[] => m.layers.filter((l) => l.className === 'Dropout').map((l) => l.getConfig()['rate'] as number);
    expect(rates(model)).toEqual([0.25, 0.25, 0.5]);
    expect(rates(twin)).toEqual([0, 0, 0]);
    expect(twin.layers.map((l) => l.className)).toEqual(model.layers.map((l) => l.className));
    expect(twin.getWeightValues()).toEqual(model.getWeightValues());
    model.dispose();
    twin.dispose();
  });

  it('names the layer, the setting or the optimizer the tfjs program and the reference do not implement', () => {
    const ltfn = ltfnCnn('he');
    expect(() => deriveSpec('cnn', ltfn, RECIPES.cnn)).toThrow(
      /bench: cnn \(ltfn_cnn_he\)'s layer 'layer1_relu' \(Activation\) is not supported; .*extend apps\/bench\/src\/models\.ts/,
    );
    ltfn.dispose();
    const strided = new pt.Sequential({
      name: 'strided',
      layers: [new pt.Conv2D({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', inputShape: [8, 8, 1] }), new pt.Flatten(), new pt.Dense({ units: 10 })],
    });
    expect(() => deriveSpec('cnn', strided, RECIPES.cnn)).toThrow(/has strides \[2,2\], dilationRate \[1,1\]/);
    strided.dispose();
    const mlp = seedMlp();
    expect(() => deriveSpec('mlp', mlp, { ...RECIPES.mlp, compile: { ...RECIPES.mlp.compile, optimizer: 'rmsprop' } })).toThrow(
      /trains with RMSprop; .* support SGD and Adam/,
    );
    expect(() => deriveSpec('mlp', mlp, { ...RECIPES.mlp, compile: { ...RECIPES.mlp.compile, loss: 'meanSquaredError' } })).toThrow(
      /uses the loss "meanSquaredError"/,
    );
    mlp.dispose();
  });
});

describe('the float64 reference', () => {
  const g: ref.ConvGeom = { B: 2, H: 5, W: 4, C: 3, O: 2, F: 3 };
  const x = uniform(g.B * g.H * g.W * g.C, 1);
  const w = uniform(g.F * g.F * g.C * g.O, 2);
  const dy = uniform(g.B * g.H * g.W * g.O, 3);
  const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => Array.from(a).reduce((s, v, i) => s + v * b[i]!, 0);

  it('conv2d is the definition, summed term by term', () => {
    const y = ref.conv2d(x, w, g);
    const at = (b: number, i: number, j: number, c: number): number => (i < 0 || i >= g.H || j < 0 || j >= g.W ? 0 : x[((b * g.H + i) * g.W + j) * g.C + c]!);
    for (const [b, i, j, o] of [
      [0, 0, 0, 0],
      [1, 4, 3, 1],
      [1, 2, 1, 0],
    ] as const) {
      let s = 0;
      for (let fy = 0; fy < 3; fy++)
        for (let fx = 0; fx < 3; fx++) for (let c = 0; c < g.C; c++) s += at(b, i + fy - 1, j + fx - 1, c) * w[((fy * 3 + fx) * g.C + c) * g.O + o]!;
      expect(y.out[((b * g.H + i) * g.W + j) * g.O + o]).toBeCloseTo(s, 12);
    }
    // Σ|terms| is the same convolution on absolute values
    expect(Array.from(y.absSum!)).toEqual(Array.from(ref.conv2d(x.map(Math.abs), w.map(Math.abs), g, false).out));
  });

  it("the gradients are conv2d's adjoints: <conv2d(x, w), dy> = <x, ∂input(dy, w)> = <w, ∂filter(x, dy)>", () => {
    const lhs = dot(ref.conv2d(x, w, g).out, dy);
    expect(dot(x, ref.conv2dBackpropInput(dy, w, g).out)).toBeCloseTo(lhs, 10);
    expect(dot(w, ref.conv2dBackpropFilter(x, dy, g).out)).toBeCloseTo(lhs, 10);
  });

  it.each(RECIPE_NAMES)("one training step of %s agrees with polytensor's float32 step, and a wrong reference does not", async (name) => {
    const spec = { ...modelSpec(name), layers: modelSpec(name).layers.map((l) => (l.kind === 'dropout' ? { ...l, rate: 0 } : l)) };
    const w0 = initialWeights(name, 3);
    const { x: xs, y: ys, xShape } = batchData(spec, 2, 4);
    const model = ptModel(name, w0, false);
    const [tx, ty] = [pt.tensor(xs, xShape), pt.tensor(ys, [2], 'int32')];
    const loss = model.trainOnBatch(tx, ty)['loss']!;
    const after = model.getWeightValues();
    const r = refTrainStep(spec, w0.values, xs, ys);
    expect(trainingGate(loss, after, r.loss, r.weights, w0.values, spec.optimizer.kind === 'adam' ? 1e-3 : 0)).toMatchObject({ passed: true });
    const wrong: ModelSpec = { ...spec, optimizer: { ...spec.optimizer, learningRate: spec.optimizer.learningRate * 1.01 } };
    const r2 = refTrainStep(wrong, w0.values, xs, ys);
    expect(trainingGate(loss, after, r2.loss, r2.weights, w0.values, spec.optimizer.kind === 'adam' ? 1e-3 : 0)).toMatchObject({ passed: false });
    // inference: the zoo model's predict against the float64 forward pass (from the updated weights)
    const out = model.predict(tx);
    expect(relativeToMaxGate((await out.data()) as Float32Array, refForward(spec, after, xs, 2), INFER_TOLERANCE.rel, name).passed).toBe(true);
    for (const t of [out, tx, ty]) t.dispose();
    model.dispose();
  });
});
