// The functional API: graphs of layers with several inputs and outputs,
// shared layers, nested models; training (fit, fitDataset), save/load, and
// the errors a graph gets while it is written.
import { describe, expect, it } from 'vitest';
import {
  Add,
  Concatenate,
  Conv2D,
  Dense,
  Dropout,
  Layer,
  type LayerConfig,
  Model,
  Sequential,
  type Shape,
  type Tensor,
  input,
  loadModel,
  memory,
  model,
  mul,
  numericGrad,
  registerLayer,
  setSeed,
  sum,
  tensor,
  tidy,
  variableGrads,
} from './helpers.js';

const values = (n: number, seed: number, scale = 1): number[] =>
  Array.from({ length: n }, (_, i) => scale * Math.sin(1.3 * i + seed) * (0.5 + 0.5 * Math.cos(0.7 * i * seed)));

/** a, b [3] → shared tanh Dense(4) on each → score = Dense(1)(concat), kind = softmax Dense(2)(sum). */
function twoTower(seed = 1): { m: Model; shared: Dense } {
  setSeed(seed);
  const a = input({ shape: [3], name: 'a' });
  const b = input({ shape: [3], name: 'b' });
  const shared = new Dense({ units: 4, activation: 'tanh', name: 'shared', biasInitializer: 'randomNormal' });
  const ha = shared.apply(a);
  const hb = shared.apply(b);
  const score = new Dense({ units: 1, name: 'score' }).apply(new Concatenate({ name: 'cat' }).apply([ha, hb]));
  const kind = new Dense({ units: 2, activation: 'softmax', name: 'kind' }).apply(new Add({ name: 'plus' }).apply([ha, hb]));
  return { m: model({ inputs: [a, b], outputs: [score, kind], name: 'two_tower' }), shared };
}

/** The same network in float64 from flat weight arrays (weights in m.weights order). */
function twoTower64(w: Record<string, number[]>, a: number[], b: number[], n: number): { score: number[]; kind: number[] } {
  const dense = (x: number[], k: number[], bias: number[], inD: number, outD: number, act: (v: number) => number): number[] => {
    const out: number[] = [];
    for (let r = 0; r < n; r++)
      for (let j = 0; j < outD; j++) {
        let s = bias[j]!;
        for (let t = 0; t < inD; t++) s += x[r * inD + t]! * k[t * outD + j]!;
        out.push(act(s));
      }
    return out;
  };
  const ha = dense(a, w['shared/kernel']!, w['shared/bias']!, 3, 4, Math.tanh);
  const hb = dense(b, w['shared/kernel']!, w['shared/bias']!, 3, 4, Math.tanh);
  const cat: number[] = [];
  for (let r = 0; r < n; r++) cat.push(...ha.slice(r * 4, r * 4 + 4), ...hb.slice(r * 4, r * 4 + 4));
  const score = dense(cat, w['score/kernel']!, w['score/bias']!, 8, 1, (v) => v);
  const logits = dense(
    ha.map((v, i) => v + hb[i]!),
    w['kind/kernel']!,
    w['kind/bias']!,
    4,
    2,
    (v) => v,
  );
  const kind: number[] = [];
  for (let r = 0; r < n; r++) {
    const [l0, l1] = [logits[2 * r]!, logits[2 * r + 1]!];
    const mx = Math.max(l0, l1);
    const e0 = Math.exp(l0 - mx);
    const e1 = Math.exp(l1 - mx);
    kind.push(e0 / (e0 + e1), e1 / (e0 + e1));
  }
  return { score, kind };
}

const weightsOf = (m: Model): Record<string, number[]> => Object.fromEntries(m.weights.map((w) => [w.name, Array.from(w.variable.dataSync())]));

describe('functional models: graph, forward, gradients', () => {
  it('a shared layer holds one set of weights; the graph computes the float64 reference', () => {
    const before = memory().numTensors;
    const { m, shared } = twoTower();
    expect(m.inputNames).toEqual(['a', 'b']);
    expect(m.outputNames).toEqual(['score', 'kind']);
    expect(m.weights.map((w) => w.name).sort()).toEqual(['kind/bias', 'kind/kernel', 'score/bias', 'score/kernel', 'shared/bias', 'shared/kernel']);
    expect(shared.inboundNodes).toHaveLength(2);
    const a0 = values(15, 1);
    const b0 = values(15, 2);
    const xa = tensor(a0, [5, 3]);
    const xb = tensor(b0, [5, 3]);
    const [score, kind] = m.predict([xa, xb]) as Tensor[];
    const want = twoTower64(weightsOf(m), a0, b0, 5);
    Array.from(score!.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want.score[i]!, 5));
    Array.from(kind!.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want.kind[i]!, 5));
    tidy(() => {
      // A record by input name is the same call.
      const byName = m.predict({ b: xb, a: xa }) as Tensor[];
      expect(Array.from(byName[0]!.dataSync())).toEqual(Array.from(score!.dataSync()));
    });
    for (const t of [xa, xb, score!, kind!]) t.dispose();
    m.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it("gradients through both uses of the shared layer match the float64 reference's finite differences", () => {
    const { m } = twoTower(2);
    const n = 3;
    const a0 = values(n * 3, 3);
    const b0 = values(n * 3, 4);
    const r0 = values(n, 5);
    const r1 = values(2 * n, 6);
    const w0 = weightsOf(m);
    const loss64 = (w: Record<string, number[]>): number => {
      const o = twoTower64(w, a0, b0, n);
      return o.score.reduce((s, v, i) => s + v * r0[i]!, 0) + o.kind.reduce((s, v, i) => s + v * r1[i]!, 0);
    };
    const a = tensor(a0, [n, 3]);
    const b = tensor(b0, [n, 3]);
    const { value, grads } = variableGrads(() => {
      const [s, k] = m.applyMulti([a, b], { training: true });
      return sum(mul(s!.reshape([-1]), tensor(r0))).add(sum(mul(k!.reshape([-1]), tensor(r1))));
    }, m.trainableWeights);
    for (const { name, variable } of m.weights) {
      const num = numericGrad((v) => loss64({ ...w0, [name]: Array.from(v) }), Float64Array.from(w0[name]!));
      const got = grads[variable.name]!.dataSync();
      num.forEach((g, i) => expect(Math.abs(got[i]! - g), `${name}[${i}]`).toBeLessThan(2e-3 * Math.max(1, Math.abs(g))));
    }
    value.dispose();
    for (const g of Object.values(grads)) g.dispose();
    a.dispose();
    b.dispose();
    m.dispose();
  });
});

describe('functional models: training', () => {
  function data(n: number): { x: [Tensor, Tensor]; y: [Tensor, Tensor] } {
    const a = values(n * 3, 7);
    const b = values(n * 3, 8);
    const score: number[] = [];
    const kind: number[] = [];
    for (let r = 0; r < n; r++) {
      const s = a[3 * r]! - b[3 * r + 1]! + 0.5 * a[3 * r + 2]!;
      score.push(s);
      kind.push(...(a[3 * r]! + b[3 * r]! > 0 ? [1, 0] : [0, 1]));
    }
    return { x: [tensor(a, [n, 3]), tensor(b, [n, 3])], y: [tensor(score, [n, 1]), tensor(kind, [n, 2])] };
  }

  it('fit trains two outputs with per-output losses and loss weights; logs name each output; evaluate agrees with the float64 losses', async () => {
    const before = memory().numTensors;
    const { m } = twoTower(3);
    m.compile({
      optimizer: 'adam',
      learningRate: 0.05,
      loss: { score: 'meanSquaredError', kind: 'categoricalCrossentropy' },
      lossWeights: { score: 2, kind: 0.5 },
      metrics: { kind: ['accuracy'] },
    });
    const { x, y } = data(64);
    const first = m.evaluate(x, y);
    const h = await m.fit(x, y, { epochs: 8, batchSize: 16, verbose: 0 });
    expect(Object.keys(h.history).sort()).toEqual(['kind_accuracy', 'kind_loss', 'loss', 'score_loss']);
    const last = m.evaluate(x, y);
    expect(last['loss']!).toBeLessThan(first['loss']! * 0.6);
    expect(last['loss']!).toBeCloseTo(2 * last['score_loss']! + 0.5 * last['kind_loss']!, 5);
    // The per-output losses, recomputed in float64 from the predictions.
    const [ps, pk] = m.predict(x) as Tensor[];
    const s = ps!.dataSync();
    const k = pk!.dataSync();
    const ys = y[0].dataSync();
    const yk = y[1].dataSync();
    let mse = 0;
    let ce = 0;
    for (let r = 0; r < 64; r++) {
      mse += (s[r]! - ys[r]!) ** 2 / 64;
      for (let c = 0; c < 2; c++) ce -= (yk[2 * r + c]! * Math.log(Math.min(Math.max(k[2 * r + c]!, 1e-7), 1 - 1e-7))) / 64;
    }
    expect(last['score_loss']!).toBeCloseTo(mse, 4);
    expect(last['kind_loss']!).toBeCloseTo(ce, 4);
    for (const t of [ps!, pk!, ...x, ...y]) t.dispose();
    m.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('fitDataset over the batches fit would take (no shuffle) gives the same weights, bit for bit; evaluateDataset agrees with evaluate', async () => {
    const { x, y } = data(48);
    // Batches made as they are taken, as a dataset does.
    async function* batches(): AsyncGenerator<{ xs: Tensor[]; ys: Tensor[] }> {
      for (const start of [0, 16, 32]) yield { xs: x.map((t) => t.slice(start, [16])), ys: y.map((t) => t.slice(start, [16])) };
    }
    const dataset = { iterator: async () => batches() };
    const compileArgs = { optimizer: 'sgd' as const, learningRate: 0.1, loss: ['meanSquaredError' as const, 'categoricalCrossentropy' as const] };
    const viaFit = twoTower(4).m;
    viaFit.compile(compileArgs);
    await viaFit.fit(x, y, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0 });
    const viaDataset = twoTower(4).m;
    viaDataset.compile(compileArgs);
    const h = await viaDataset.fitDataset(dataset, { epochs: 2, verbose: 0 });
    const before = memory().numTensors; // the model's weights and the optimizer's state: every batch was disposed (the test's leak check)
    expect(h.history['loss']).toHaveLength(2);
    expect(viaDataset.getWeightValues()).toEqual(viaFit.getWeightValues());
    const ev = await viaDataset.evaluateDataset(dataset);
    const direct = viaDataset.evaluate(x, y, { batchSize: 16 });
    for (const k of Object.keys(direct)) expect(ev[k]).toBeCloseTo(direct[k]!, 6);
    expect(memory().numTensors).toBe(before);
    // An async generator works too, with batchesPerEpoch taking batches from one continuing pass.
    async function* forever(): AsyncGenerator<{ xs: Tensor[]; ys: Tensor[] }> {
      for (;;) yield* batches();
    }
    await viaDataset.fitDataset(forever(), { epochs: 2, batchesPerEpoch: 4, verbose: 0 });
    expect(memory().numTensors).toBe(before);
    for (const t of [...x, ...y]) t.dispose();
    viaFit.dispose();
    viaDataset.dispose();
  });

  it('fitDataset: clear errors for a dataset that is not one, batches that are not { xs, ys }, and a pass that ends before batchesPerEpoch', async () => {
    const { m } = twoTower(5);
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    await expect(m.fitDataset(42 as never)).rejects.toThrow(/fitDataset: expected a dataset \(an object with iterator\(\), or an async iterable/);
    async function* bad(): AsyncGenerator<unknown> {
      yield [1, 2];
    }
    await expect(m.fitDataset(bad() as never, { verbose: 0 })).rejects.toThrow(/batch 0 of epoch 1 is not \{ xs, ys \}/);
    const { x, y } = data(8);
    async function* short(): AsyncGenerator<{ xs: Tensor[]; ys: Tensor[] }> {
      yield { xs: x.map((t) => t.clone()), ys: y.map((t) => t.clone()) };
    }
    await expect(m.fitDataset(short(), { batchesPerEpoch: 3, verbose: 0 })).rejects.toThrow(
      /the dataset ended after 1 batches of epoch 1, but batchesPerEpoch is 3; repeat\(\) the dataset/,
    );
    for (const t of [...x, ...y]) t.dispose();
    m.dispose();
  });

  it('inputs and labels in the wrong number or names get clear errors before any step', async () => {
    const { m } = twoTower(6);
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const { x, y } = data(4);
    await expect(m.fit(x[0], y)).rejects.toThrow(/the model has 2 inputs \(a, b\) but got one tensor of inputs; pass an array or a record by input name/);
    await expect(m.fit(x, { score: y[0] })).rejects.toThrow(/labels lack a Tensor for output 'kind'/);
    await expect(m.fit({ a: x[0], b: x[1], c: x[0] }, y)).rejects.toThrow(/inputs name 'c', which the model does not have \(inputs: a, b\)/);
    const short = x[1].slice(0, [2]);
    expect(() => m.predict([x[0], short])).toThrow(/inputs 'b' have 2 rows but the first input has 4/);
    short.dispose();
    expect(() => m.compile({ optimizer: 'sgd', loss: { score: 'mse' } })).toThrow(/'loss' has no entry for output 'kind'/);
    expect(() => m.apply([x[0], x[1]])).toThrow(/has 2 outputs; call applyMulti\(\) to get them as an array/);
    for (const t of [...x, ...y]) t.dispose();
    m.dispose();
  });
});

describe('functional models: save and load', () => {
  it('a compiled two-output graph round-trips: bit-identical predictions, the same compile settings, shared weights still shared', async () => {
    const { m } = twoTower(7);
    m.compile({
      optimizer: 'adam',
      loss: { score: 'mse', kind: 'categoricalCrossentropy' },
      lossWeights: [1, 0.25],
      metrics: { score: [], kind: ['accuracy'] },
    });
    await m.save('memory://functional-two-tower');
    const before = memory().numTensors;
    const loaded = await loadModel<Model>('memory://functional-two-tower');
    expect(loaded).toBeInstanceOf(Model);
    expect(loaded.weights.map((w) => w.name)).toEqual(m.weights.map((w) => w.name));
    expect(memory().numTensors - before).toBe(6);
    const a = tensor(values(12, 9), [4, 3]);
    const b = tensor(values(12, 10), [4, 3]);
    const want = m.predict([a, b]) as Tensor[];
    const got = loaded.predict([a, b]) as Tensor[];
    want.forEach((t, i) => expect(Array.from(got[i]!.dataSync())).toEqual(Array.from(t.dataSync())));
    const y = [tensor(values(4, 11), [4, 1]), tensor([1, 0, 0, 1, 1, 0, 0, 1], [4, 2])];
    expect(loaded.evaluate([a, b], y)).toEqual(m.evaluate([a, b], y));
    expect(loaded.summary(() => {})).toEqual(m.summary(() => {}));
    for (const t of [a, b, ...want, ...got, ...y]) t.dispose();
    m.dispose();
    loaded.dispose();
  });

  it('nested models (functional and Sequential) are layers: weights named under them, and the whole round-trips', async () => {
    setSeed(8);
    const ix = input({ shape: [4] });
    const encoder = model({ inputs: ix, outputs: new Dense({ units: 3, activation: 'relu', name: 'enc' }).apply(ix), name: 'encoder' });
    const head = new Sequential({ name: 'head', layers: [new Dense({ units: 2, name: 'h1' }), new Dropout({ rate: 0.5, name: 'drop' })] });
    const x1 = input({ shape: [4], name: 'x1' });
    const x2 = input({ shape: [4], name: 'x2' });
    const both = new Concatenate({ name: 'both' }).apply([encoder.apply(x1), encoder.apply(x2)]);
    const outer = model({ inputs: [x1, x2], outputs: head.apply(both), name: 'outer' });
    expect(outer.weights.map((w) => w.name)).toEqual(['encoder/enc/kernel', 'encoder/enc/bias', 'head/h1/kernel', 'head/h1/bias']);
    expect(outer.countParams()).toBe(4 * 3 + 3 + 6 * 2 + 2);
    const text = outer.summary(() => {});
    expect(text).toMatch(/encoder \(Functional\)\s+\[null,3\]\s+15\s+x1\[0\]\[0\]\n\s+x2\[0\]\[0\]/);
    expect(text).toMatch(/head \(Sequential\)\s+\[null,2\]\s+14\s+both\[0\]\[0\]/);
    await outer.save('memory://nested');
    const loaded = await loadModel<Model>('memory://nested');
    const xs = [tensor(values(8, 12), [2, 4]), tensor(values(8, 13), [2, 4])];
    const want = outer.predict(xs) as Tensor;
    const got = loaded.predict(xs) as Tensor;
    expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()));
    for (const t of [...xs, want, got]) t.dispose();
    outer.dispose();
    loaded.dispose();
  });
});

describe('functional models: errors while the graph is written', () => {
  it('an output that depends on an input not listed, a non-input as input, repeated names, a wrong rank, an incompatible merge', () => {
    const before = memory().numTensors;
    const a = input({ shape: [3], name: 'ea' });
    const c = input({ shape: [3], name: 'ec' });
    const out = new Add().apply([new Dense({ units: 2 }).apply(a), new Dense({ units: 2 }).apply(c)]);
    expect(() => model({ inputs: a, outputs: out })).toThrow(/depends on input 'ec', which is not among the model's inputs; add it to inputs/);
    const h = new Dense({ units: 2 }).apply(a);
    expect(() => model({ inputs: h, outputs: h })).toThrow(/inputs\[0\] is the output of dense_\d+ \(Dense\), not of input\(\)/);
    expect(() => model({ inputs: [a, a], outputs: h })).toThrow(/input 'ea' is listed twice/);
    expect(() => model({ inputs: [a], outputs: [new Dense({ units: 2, name: 'twin' }).apply(new Dense({ units: 2, name: 'twin' }).apply(a))] })).toThrow(
      /two layers are named 'twin'/,
    );
    expect(() => new Conv2D({ filters: 2, kernelSize: 3 }).apply(a)).toThrow(/\(Conv2D\): needs NHWC inputs/);
    expect(() => new Add().apply([a, new Dense({ units: 4 }).apply(a)])).toThrow(/input shapes \[null,3\], \[null,4\] do not match on axis 1/);
    expect(() => new Concatenate().apply([input({ shape: [2, 3] }), input({ shape: [3, 3] })])).toThrow(/differ on axis 1, not only on the join axis 2/);
    expect(() => new Add().apply(a)).toThrow(/takes a list of at least 2 inputs, got one tensor \[null,3\]/);
    expect(() => input({ shape: [0] })).toThrow(/input: shape must be a non-empty array of positive integers/);
    expect(memory().numTensors).toBe(before); // writing a graph allocates nothing until model() builds it
  });

  it('a saved graph with a cycle, or a reference to nothing, fails to load naming it, before any weight is allocated', async () => {
    const x = input({ shape: [2], name: 'cx' });
    const m = model({ inputs: x, outputs: new Dense({ units: 2, name: 'p' }).apply(new Dense({ units: 2, name: 'q' }).apply(x)), name: 'cyc' });
    const art = m.toArtifacts();
    m.dispose();
    const cfg = art.modelTopology.config as unknown as { layers: Array<{ name: string; inboundNodes: unknown[][] }> };
    const q = cfg.layers.find((l) => l.name === 'q')!;
    const before = memory().numTensors;
    q.inboundNodes = [[['p', 0, 0]]]; // q takes p's output, p takes q's: a cycle
    await expect(loadModel(art)).rejects.toThrow(
      /functional graph is invalid: .*node 0 of layer '[pq]' takes [pq]\[0\]\[0\], which no layer call computes before it \(a cycle/,
    );
    q.inboundNodes = [[['nowhere', 0, 0]]];
    await expect(loadModel(art)).rejects.toThrow(/names layer 'nowhere', which is not in the layers list/);
    expect(memory().numTensors).toBe(before);
  });
});

/** y = x · alpha, one learned scale per feature: a user's own layer. */
class Scale extends Layer {
  static readonly className: string = 'Scale';
  private alpha: Tensor | null = null;
  constructor(readonly args: { name?: string; init?: number } = {}) {
    super(args);
  }
  override weightShapes(inputShape: Shape) {
    return [{ name: 'alpha', shape: [inputShape[inputShape.length - 1] as number] }];
  }
  override build(inputShape: Shape): void {
    this.alpha = this.addWeight('alpha', this.weightShapes(inputShape)[0]!.shape, { className: 'Constant', config: { value: this.args.init ?? 2 } });
    super.build(inputShape);
  }
  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }
  protected call(x: Tensor): Tensor {
    return mul(x, this.alpha!);
  }
  getConfig(): LayerConfig {
    return { name: this.name, init: this.args.init ?? 2 };
  }
}

describe('custom layers', () => {
  it('unregistered: save fails naming registerLayer; a file naming an unknown class fails to load before anything is allocated', async () => {
    class Unregistered extends Scale {
      static override readonly className: string = 'Unregistered';
    }
    const m = new Sequential({ layers: [new Unregistered({ name: 'u' })] });
    m.build([null, 3]);
    expect(() => m.toArtifacts()).toThrow(/layer 'u' is a Unregistered, which is not registered; call registerLayer\(Unregistered\) before saving/);
    m.dispose();
    const ok = new Sequential({ layers: [new Dense({ units: 2, inputShape: [3], name: 'd' })] });
    const art = ok.toArtifacts();
    ok.dispose();
    (art.modelTopology.config.layers[0] as { className: string }).className = 'Scale2';
    const before = memory().numTensors;
    await expect(loadModel(art)).rejects.toThrow(
      /unknown layer class "Scale2"; known: Dense, .*If it is your own layer class, call registerLayer\(TheClass\) before loading/,
    );
    expect(memory().numTensors).toBe(before);
  });

  it('registered: a model holding it saves and loads with bit-identical predictions, in Sequential and functional models', async () => {
    registerLayer(Scale);
    registerLayer(Scale); // registering again is harmless
    const seq = new Sequential({ layers: [new Dense({ units: 3, inputShape: [2], name: 'd' }), new Scale({ name: 's', init: 3 })] });
    const x = input({ shape: [2] });
    const fn = model({ inputs: x, outputs: new Scale({ name: 'fs', init: -1 }).apply(new Dense({ units: 3, name: 'fd' }).apply(x)) });
    const data = tensor(values(6, 14), [3, 2]);
    for (const m of [seq, fn]) {
      await m.save('memory://custom');
      const loaded = await loadModel('memory://custom');
      const want = m.predict(data) as Tensor;
      const got = loaded.predict(data);
      expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()));
      expect(loaded.layers.some((l) => l instanceof Scale)).toBe(true);
      want.dispose();
      got.dispose();
      loaded.dispose();
      m.dispose();
    }
    data.dispose();
  });

  it('registerLayer refuses a class without its own className, and a built-in name', () => {
    class NoName extends Layer {
      computeOutputShape(s: Shape): Shape {
        return s;
      }
      protected call(x: Tensor): Tensor {
        return x;
      }
      getConfig(): LayerConfig {
        return {};
      }
    }
    expect(() => registerLayer(NoName as never)).toThrow(/class NoName needs its own static className/);
    class FakeDense extends Scale {
      static override readonly className: string = 'Dense';
    }
    expect(() => registerLayer(FakeDense)).toThrow(/'Dense' is a built-in layer class; give your class another static className/);
  });
});

describe('custom losses, metrics and initializers', () => {
  it('registered by name: a model compiled with them saves their names and loads compiled; unregistered ones fail clearly', async () => {
    const { abs, mean, sub, registerLoss, registerMetric, registerInitializer } = await import('./helpers.js');
    const meanAbs = (yTrue: Tensor, yPred: Tensor): Tensor => mean(abs(sub(yTrue, yPred)));
    const bias = (yTrue: Tensor, yPred: Tensor): Tensor => mean(sub(yPred, yTrue));
    registerLoss('myMeanAbs', meanAbs);
    registerMetric('myBias', bias);
    expect(() => registerLoss('mse', meanAbs)).toThrow(/'mse' is a built-in loss; register yours under another name/);
    expect(() => registerMetric('myBias', meanAbs)).toThrow(/another function is already registered as 'myBias'/);
    /** Every value `step` more than the last: a user's own initializer. */
    class Ramp {
      readonly className = 'Ramp';
      constructor(readonly step: number) {}
      apply(shape: readonly number[]): Tensor {
        const n = shape.reduce((a, b) => a * b, 1);
        return tensor(
          Array.from({ length: n }, (_, i) => i * this.step),
          shape as number[],
        );
      }
      getConfig() {
        return { step: this.step };
      }
    }
    const unregistered = new Sequential({ layers: [new Dense({ units: 2, inputShape: [3], kernelInitializer: new Ramp(0.5) as never, name: 'r' })] });
    unregistered.build();
    expect(() => unregistered.toArtifacts()).toThrow(/initializer class 'Ramp' is not registered.*call registerInitializer\('Ramp'/);
    unregistered.dispose();
    registerInitializer('Ramp', (c) => new Ramp(c['step'] as number) as never);
    const m = new Sequential({ layers: [new Dense({ units: 2, inputShape: [3], kernelInitializer: new Ramp(0.25) as never, name: 'r' })] });
    m.build();
    m.compile({ optimizer: 'sgd', loss: meanAbs, metrics: [bias] }); // registered functions save under their names
    expect(Array.from(m.weights[0]!.variable.dataSync())).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25]);
    const art = m.toArtifacts();
    expect(art.trainingConfig).toMatchObject({ loss: 'myMeanAbs', metrics: ['myBias'] });
    expect(art.modelTopology.config.layers[0]!.config['kernelInitializer']).toEqual({ className: 'Ramp', config: { step: 0.25 } });
    const loaded = await loadModel(art);
    const x = tensor(values(6, 15), [2, 3]);
    const y = tensor(values(4, 16), [2, 2]);
    expect(loaded.evaluate(x, y)).toEqual(m.evaluate(x, y));
    for (const t of [x, y]) t.dispose();
    m.dispose();
    loaded.dispose();
  });
});
