/**
 * E1: the two-layer perceptron on MNIST at three API levels
 * (seeds/002-tensorflow-apis-mnist-mlp.txt).
 *
 * 784 → 64 sigmoid → 10 (softmax in the loss); weights truncated-normal
 * (stddev 0.1), biases zero; plain SGD 0.5; minibatches of 64 reshuffled each
 * epoch; 20 epochs; test loss and accuracy after every epoch. Written three
 * times: (a) raw ops and an explicit loop, (b) Dense layers and the same loop,
 * (c) Sequential + compile + fit. With one seed the three give the same weights:
 *
 * - same initial weights: each level creates W1, b1, W2, b2 in that order with
 *   the same initializers right after setSeed(seed), so each truncated normal
 *   draws the same Philox stream (zeros draw nothing);
 * - same batches: each epoch draws `shuffle(n)` from the global stream, as
 *   Sequential.fit does, and gathers rows `order[b·64 .. b·64+64)` (the last
 *   batch shorter);
 * - same step: sparseSoftmaxCrossEntropy (mean over the batch), SGD(0.5)
 *   through Optimizer.minimize over [W1, b1, W2, b2].
 * - same kernels: Dense computes act(x·W + b) with core's `fusedMatMul` (one
 *   rounding to float32). The raw level does too by default (`rawOps:
 *   'fused'`); `rawOps: 'composite'` writes it as matMul → add → sigmoid as in
 *   the article, which rounds after each op, so its weights then differ from
 *   (b)/(c) in the last bits (the test states the tolerance).
 */
import {
  Dense,
  SGD,
  add,
  fusedMatMul,
  initializers,
  matMul,
  setSeed,
  shuffle,
  sigmoid,
  slice,
  sparseSoftmaxCrossEntropy,
  tensor,
  tidy,
  truncatedNormal,
  variable,
  zeros,
  type Tensor,
  type Variable,
} from '@polytensor/core';
import { seedMlp } from '@polytensor/models';
import { loadMnistSplits } from '@polytensor/datasets';
import { TrainingLog, histogramChartSpec, scalarChartSpec, terminalView, type LogRecord } from '@polytensor/trainlog';
import { UsageError, intOptions, listOption, numberOption, experimentCli } from './cli.js';
import { Outputs, provenance, evaluateLogits, gatherBatch, pct, since, useBackend, type ResultRow, type Summary } from './common.js';

export const E1_LEVELS = ['raw', 'layers', 'fit'] as const;
export type E1Level = (typeof E1_LEVELS)[number];

export interface E1Options {
  backend?: string;
  seed?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  hidden?: number;
  /** First N examples of the 55,000 training images (default all). */
  trainLimit?: number;
  /** First N of the 10,000 test images (default all). */
  testLimit?: number;
  levels?: readonly E1Level[];
  /** 'fused' (default: the kernel Dense uses, so weights match bit for bit) or 'composite' (matMul → add → sigmoid). */
  rawOps?: 'fused' | 'composite';
  /** Where to write outputs; null writes nothing (tests of the training itself). */
  outDir?: string | null;
  /** A reduced configuration (labelled as such in the summary). */
  quick?: boolean;
  log?: (line: string) => void;
  /** Arguments as typed, for the summary. */
  argv?: readonly string[];
}

export interface E1LevelResult {
  level: E1Level;
  /** W1, b1, W2, b2 after training (host copies). */
  weights: Float32Array[];
  history: Array<{ epoch: number; trainLoss: number; testLoss: number; testAccuracy: number }>;
  seconds: number;
  records: readonly LogRecord[];
}

interface Data {
  x: Tensor;
  y: Tensor;
  xTest: Tensor;
  yTest: Tensor;
  probe: Tensor;
}

let rawCounter = 0;

const LEVEL_NAMES: Record<E1Level, string> = { raw: '(a) raw ops + explicit loop', layers: '(b) layers + explicit loop', fit: '(c) Sequential.fit' };

/** Train one level; the caller has loaded the data and chosen the backend. */
export async function trainLevel(
  level: E1Level,
  data: Data,
  o: Required<Pick<E1Options, 'seed' | 'epochs' | 'batchSize' | 'learningRate' | 'hidden' | 'rawOps'>>,
): Promise<E1LevelResult> {
  const log = new TrainingLog({ run: LEVEL_NAMES[level], batchEvery: 50, probe: data.probe });
  const history: E1LevelResult['history'] = [];
  const n = data.x.shape[0]!;
  const steps = Math.ceil(n / o.batchSize);
  const init = (): ReturnType<typeof initializers.truncatedNormal> => initializers.truncatedNormal({ stddev: 0.1 });
  setSeed(o.seed);
  const t0 = performance.now();

  if (level === 'fit') {
    const model = seedMlp({ hidden: o.hidden, name: 'e1_mlp' });
    try {
      model.compile({ optimizer: new SGD(o.learningRate), loss: 'sparseSoftmaxCrossEntropy', metrics: ['accuracy'] });
      const h = await model.fit(data.x, data.y, {
        epochs: o.epochs,
        batchSize: o.batchSize,
        verbose: 0,
        validationData: [data.xTest, data.yTest],
        callbacks: [log],
      });
      h.epoch.forEach((e, i) =>
        history.push({ epoch: e + 1, trainLoss: h.history['loss']![i]!, testLoss: h.history['val_loss']![i]!, testAccuracy: h.history['val_accuracy']![i]! }),
      );
      return { level, weights: model.getWeightValues(), history, seconds: since(t0), records: log.records };
    } finally {
      model.dispose();
    }
  }

  // (a) and (b): the same explicit loop around a forward function and its variables.
  let forward: (x: Tensor) => Tensor;
  let vars: Variable[];
  let layerHist: (step: number) => void;
  let cleanup: () => void;
  if (level === 'raw') {
    const make = (t: Tensor, name: string): Variable => {
      const v = variable(t, true, `e1_raw/${name}#${rawCounter++}`);
      t.dispose();
      return v;
    };
    const W1 = make(truncatedNormal([784, o.hidden], 0, 0.1), 'W1');
    const b1 = make(zeros([o.hidden]), 'b1');
    const W2 = make(truncatedNormal([o.hidden, 10], 0, 0.1), 'W2');
    const b2 = make(zeros([10]), 'b2');
    vars = [W1, b1, W2, b2];
    const hiddenOf = (x: Tensor): Tensor =>
      o.rawOps === 'fused' ? fusedMatMul({ a: x, b: W1, bias: b1, activation: 'sigmoid' }) : sigmoid(add(matMul(x, W1), b1));
    const logitsOf = (h: Tensor): Tensor => (o.rawOps === 'fused' ? fusedMatMul({ a: h, b: W2, bias: b2 }) : add(matMul(h, W2), b2));
    forward = (x) => tidy(() => logitsOf(hiddenOf(x)));
    layerHist = (step) => {
      for (const [name, v] of [
        ['W1', W1],
        ['b1', b1],
        ['W2', W2],
        ['b2', b2],
      ] as const)
        log.histogram(`weights/${name}`, v, step, 'weights');
      tidy(() => {
        const h = hiddenOf(data.probe);
        log.histogram('activations/hidden', h, step);
        log.histogram('activations/logits', logitsOf(h), step);
        return [];
      });
    };
    cleanup = () => vars.forEach((v) => v.dispose());
  } else {
    const l1 = new Dense({ units: o.hidden, activation: 'sigmoid', kernelInitializer: init() });
    const l2 = new Dense({ units: 10, kernelInitializer: init() });
    l1.build([null, 784]);
    l2.build([null, o.hidden]);
    vars = [...l1.trainableWeights, ...l2.trainableWeights];
    forward = (x) => tidy(() => l2.apply(l1.apply(x, { training: true }), { training: true }));
    layerHist = (step) => log.layerHistograms([l1, l2], step);
    cleanup = () => {
      l1.dispose();
      l2.dispose();
    };
  }
  const optimizer = new SGD(o.learningRate);
  try {
    log.meta({ epochs: o.epochs, samples: n, batchSize: o.batchSize, steps });
    layerHist(0);
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const order = shuffle(n);
      let lossSum = 0;
      for (let b = 0; b < steps; b++) {
        const start = b * o.batchSize;
        const size = Math.min(o.batchSize, n - start);
        const [bx, by] = gatherBatch(data.x, data.y, order, start, size);
        const cost = optimizer.minimize(() => sparseSoftmaxCrossEntropy(by, forward(bx)), true, vars);
        const loss = cost.dataSync()[0]!;
        cost.dispose();
        bx.dispose();
        by.dispose();
        lossSum += loss * size;
        log.step({ loss });
      }
      const test = evaluateLogits(forward, data.xTest, data.yTest, 1000);
      log.scalars({ loss: lossSum / n, val_loss: test.loss, val_accuracy: test.accuracy }, epoch + 1);
      history.push({ epoch: epoch + 1, trainLoss: lossSum / n, testLoss: test.loss, testAccuracy: test.accuracy });
      if (epoch === 0 || epoch === o.epochs - 1) layerHist(epoch + 1);
      await new Promise((r) => setTimeout(r, 0));
    }
    return { level, weights: vars.map((v) => Float32Array.from(v.dataSync())), history, seconds: since(t0), records: log.records };
  } finally {
    optimizer.dispose();
    cleanup();
  }
}

/** Largest |a - b| over all weights (0 when bit-identical apart from signed zeros). */
export function maxAbsDiff(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  let m = 0;
  a.forEach((w, i) => w.forEach((v, j) => (m = Math.max(m, Math.abs(v - b[i]![j]!)))));
  return m;
}

/** True when every weight has the same bits. */
export function bitIdentical(a: readonly Float32Array[], b: readonly Float32Array[]): boolean {
  return (
    a.length === b.length &&
    a.every((w, i) => {
      const u = new Uint32Array(w.buffer, w.byteOffset, w.length);
      const v = new Uint32Array(b[i]!.buffer, b[i]!.byteOffset, b[i]!.length);
      return u.length === v.length && u.every((x, j) => x === v[j]);
    })
  );
}

export async function loadE1Data(trainLimit?: number, testLimit?: number): Promise<Data> {
  const { train, test } = await loadMnistSplits();
  const n = Math.min(trainLimit ?? train.numExamples, train.numExamples);
  const m = Math.min(testLimit ?? test.numExamples, test.numExamples);
  const x = tensor(train.features.subarray(0, n * 784), [n, 784]);
  const y = tensor(train.labels.subarray(0, n), [n], 'int32');
  const xTest = tensor(test.features.subarray(0, m * 784), [m, 784]);
  const yTest = tensor(test.labels.subarray(0, m), [m], 'int32');
  const probe = slice(xTest, 0, [Math.min(256, m)]);
  return { x, y, xTest, yTest, probe };
}

export function disposeData(d: Data): void {
  for (const t of [d.x, d.y, d.xTest, d.yTest, d.probe]) t.dispose();
}

export async function run(opts: E1Options = {}): Promise<{ summary: Summary; levels: E1LevelResult[] }> {
  const say = opts.log ?? (() => {});
  const quick = opts.quick ?? false;
  const o = {
    seed: opts.seed ?? 1,
    epochs: opts.epochs ?? (quick ? 2 : 20),
    batchSize: opts.batchSize ?? 64,
    learningRate: opts.learningRate ?? 0.5,
    hidden: opts.hidden ?? 64,
    rawOps: opts.rawOps ?? 'fused',
  };
  const trainLimit = opts.trainLimit ?? (quick ? 512 : undefined);
  const testLimit = opts.testLimit ?? (quick ? 500 : undefined);
  const levels = opts.levels ?? E1_LEVELS;
  const backend = await useBackend(opts.backend);
  const started = new Date().toISOString();
  const t0 = performance.now();
  const data = await loadE1Data(trainLimit, testLimit);
  const nTrain = data.x.shape[0]!;
  const nTest = data.xTest.shape[0]!;
  say(`E1 on backend '${backend}', seed ${o.seed}: ${nTrain} training / ${nTest} test images, ${o.epochs} epochs, batch ${o.batchSize}, SGD ${o.learningRate}`);
  const results: E1LevelResult[] = [];
  try {
    for (const level of levels) {
      const r = await trainLevel(level, data, o);
      const last = r.history[r.history.length - 1]!;
      say(`  ${LEVEL_NAMES[level]}: test accuracy ${pct(last.testAccuracy)}, test loss ${last.testLoss.toFixed(4)}, ${r.seconds.toFixed(1)} s`);
      results.push(r);
    }
  } finally {
    disposeData(data);
  }

  const reduced = nTrain < 55000 || nTest < 10000 || o.epochs < 20;
  const rows: ResultRow[] = [];
  for (const r of results) {
    const last = r.history[r.history.length - 1]!;
    rows.push({
      name: `${LEVEL_NAMES[r.level]}: test accuracy`,
      published: '> 97%',
      ours: pct(last.testAccuracy),
      value: last.testAccuracy,
      target: '≥ 97%',
      met: last.testAccuracy >= 0.97,
    });
  }
  const fitRun = results.find((r) => r.level === 'fit') ?? results[0];
  if (fitRun) {
    const last = fitRun.history[fitRun.history.length - 1]!;
    rows.push({ name: 'test cross-entropy', published: '≈ 0.08', ours: last.testLoss.toFixed(4), value: last.testLoss });
    rows.push({
      name: `training time per level (${o.epochs} epochs)`,
      published: '≈ 20 s (TensorFlow, 2017 laptop)',
      ours: `${results.map((r) => `${r.level} ${r.seconds.toFixed(0)} s`).join(', ')} on ${backend}`,
    });
  }
  const identity: Record<string, { bitIdentical: boolean; maxAbsDiff: number }> = {};
  for (let i = 1; i < results.length; i++) {
    const a = results[0]!;
    const b = results[i]!;
    identity[`${a.level} vs ${b.level}`] = { bitIdentical: bitIdentical(a.weights, b.weights), maxAbsDiff: maxAbsDiff(a.weights, b.weights) };
  }
  if (results.length > 1) {
    const all = Object.values(identity).every((v) => v.bitIdentical);
    rows.push({
      name: 'same weights for the same seed',
      published: '(not claimed: "small differences due to different initializations")',
      ours: all
        ? `bit-identical (${Object.keys(identity).join(', ')})`
        : Object.entries(identity)
            .map(([k, v]) => `${k}: max |Δ| ${v.maxAbsDiff.toExponential(2)}`)
            .join('; '),
      target: 'identical',
      met: all,
    });
  }
  const records = results.flatMap((r) => r.records);
  const summary: Summary = {
    experiment: 'e1',
    title: 'E1. Two-layer perceptron on MNIST, three API levels',
    backend,
    seed: o.seed,
    reduced,
    ...(reduced ? { reducedNote: `${nTrain} training / ${nTest} test images, ${o.epochs} epochs` } : {}),
    ...provenance('e1', opts.argv ?? [], backend),
    started,
    seconds: since(t0),
    results: rows,
    figures: [],
    notes: [
      `Training set: the 55,000-image train split of read_data_sets (as the article's mnist.train); test: the 10,000 test images.`,
      `Raw ops use ${o.rawOps === 'fused' ? "core's fusedMatMul (act(x·W + b), the kernel Dense uses)" : 'matMul → add → sigmoid'}; see the E1 test for the composite variant's tolerance.`,
    ],
    details: { ...o, trainExamples: nTrain, testExamples: nTest, identity, history: Object.fromEntries(results.map((r) => [r.level, r.history])) },
  };
  if (opts.outDir !== null) {
    const out = await Outputs.forExperiment('e1', opts.outDir);
    await out.log('log.jsonl', records);
    await out.svg(
      'accuracy.svg',
      scalarChartSpec(records, { tags: ['val_accuracy'], title: 'E1: test accuracy per epoch (three API levels)', yTitle: 'test accuracy' }),
      'Test accuracy after each epoch for the three API levels (identical weights, so the lines coincide).',
    );
    await out.svg(
      'loss.svg',
      scalarChartSpec(records, { tags: ['val_loss'], title: 'E1: test cross-entropy per epoch', yTitle: 'test loss' }),
      'Test cross-entropy after each epoch.',
    );
    const fitName = LEVEL_NAMES[fitRun?.level ?? 'fit'];
    await out.svg(
      'histograms.svg',
      histogramChartSpec(records, { run: fitName, title: `E1 ${fitName}: weights and hidden activations (epoch 0, 1, last)` }),
      'Histograms of weights and of layer outputs on a fixed probe batch of 256 test images, before training, after epoch 1 and after the last epoch.',
    );
    await out.finish(records, summary);
  }
  say(
    terminalView(
      records.filter((r) => r.run === LEVEL_NAMES['fit'] || results.length === 1),
      { width: 50, height: 6 },
    ),
  );
  return { summary, levels: results };
}

export async function main(argv: readonly string[]): Promise<void> {
  const cli = experimentCli('e1', 'E1: the MNIST MLP at three API levels (raw ops, layers, Sequential.fit); the same seed gives the same weights.', argv, {
    epochs: { type: 'string', help: 'epochs (default 20; --quick: 2)' },
    'train-limit': { type: 'string', help: 'use the first N of the 55,000 training images' },
    'test-limit': { type: 'string', help: 'use the first N of the 10,000 test images' },
    levels: { type: 'string', help: 'comma-separated subset of raw,layers,fit (default all)' },
    'raw-ops': { type: 'string', help: 'fused (default, bit-identical to Dense) | composite (matMul → add → sigmoid)' },
    lr: { type: 'string', help: 'learning rate (default 0.5)' },
  });
  if (!cli) return; // --help
  const { values } = cli;
  const opts: E1Options = cli.options;
  const rawOps = values['raw-ops'];
  if (rawOps !== undefined && rawOps !== 'fused' && rawOps !== 'composite')
    throw new UsageError(`--raw-ops must be fused or composite, got '${String(rawOps)}'`);
  intOptions(values, opts, { epochs: 'epochs', 'train-limit': 'trainLimit', 'test-limit': 'testLimit' });
  const levels = listOption(values, 'levels', E1_LEVELS);
  const lr = numberOption(values, 'lr');
  if (levels) opts.levels = levels;
  if (lr !== undefined) opts.learningRate = lr;
  if (rawOps) opts.rawOps = rawOps;
  await run(opts);
}
