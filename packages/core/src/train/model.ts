import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import { concat } from '../ops/concat.js';
import { tensor } from '../ops/convert.js';
import { gather } from '../ops/gather.js';
import { slice } from '../ops/slice.js';
import { shuffle } from '../random/random.js';
import { Tensor } from '../tensor.js';
import type { Variable } from '../variable.js';
import { formatShape, singleShape, type Layer, type Shape } from '../nn/layers/index.js';
import { History, toCallbacks, type Callback, type CallbackArg, type Logs } from './callbacks.js';
import { ProgressBar, type ProgressSink } from './progress.js';
import { getLoss, type LossFn, type LossInfo, type LossName } from './losses.js';
import { getMetric, type MetricFn, type MetricName } from './metrics.js';
import { getOptimizer, type Optimizer, type OptimizerName } from './optimizers/index.js';
import { checkOptions } from './options.js';
import { resolveLimits } from './io/limits.js';
import { MODEL_FORMAT, MODEL_VERSION } from './io/model_json.js';
import { prepareModel } from './io/prepare.js';
import { loadArtifacts, saveArtifacts } from './io/router.js';
import { trainingConfigOf } from './io/training_config.js';
import type { IOHandler, LoadOptions, ModelArtifacts, SaveOptions, SaveResult } from './io/types.js';
import { checkInputShape, validateTrainingData } from './validate.js';

/** A loss by name (editors complete them; case and '_' are ignored at run time) or your own function. */
export type LossIdentifier = LossName | 'mse' | LossFn | LossInfo;
/** A metric by name (any loss name works too) or your own function (reported under its name). */
export type MetricIdentifier = MetricName | 'acc' | LossName | 'mse' | MetricFn;
/** An optimizer by name (with Keras' defaults) or an instance. */
export type OptimizerIdentifier = OptimizerName | Optimizer;

export interface CompileArgs {
  optimizer: OptimizerIdentifier;
  loss: LossIdentifier;
  metrics?: readonly MetricIdentifier[];
  /** Learning rate when `optimizer` is a name. */
  learningRate?: number;
}

const COMPILE_OPTIONS = ['optimizer', 'loss', 'metrics', 'learningRate'] as const;
const FIT_OPTIONS = ['batchSize', 'epochs', 'initialEpoch', 'shuffle', 'validationData', 'validationSplit', 'callbacks', 'verbose', 'progressSink'] as const;
const BATCH_OPTIONS = ['batchSize'] as const;

export interface FitArgs {
  batchSize?: number;
  /** Train until this epoch (exclusive upper bound of the epoch index). Default 1. */
  epochs?: number;
  /**
   * The epoch to start from (Keras' initialEpoch): resuming a run that
   * stopped after `initialEpoch` epochs. Default 0. With the model's weights,
   * the optimizer's state (getWeights/setWeights) and the random state
   * (setRandomState) restored, the resumed run equals the uninterrupted one.
   */
  initialEpoch?: number;
  /** Shuffle examples every epoch (seeded host RNG). Default true. */
  shuffle?: boolean;
  validationData?: [Tensor, Tensor];
  /** Fraction of the data, taken from the end before shuffling, held out for validation. */
  validationSplit?: number;
  /** Callback instances and/or plain objects of hooks (`{ onEpochEnd(epoch, logs) {…} }`), alone or in an array. */
  callbacks?: CallbackArg;
  /** 0: silent, 1: progress bar. Default 1. */
  verbose?: 0 | 1;
  /** Where the progress bar writes (stdout by default). */
  progressSink?: ProgressSink;
}

interface CompiledState {
  optimizer: Optimizer;
  loss: LossInfo;
  metricNames: string[];
  metricFns: Array<(yTrue: Tensor, yPred: Tensor) => Tensor>;
}

/**
 * A linear stack of layers with Keras' training API.
 * @example
 * const model = new Sequential({ layers: [new Dense({ units: 10, inputShape: [4] })] });
 * model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
 * await model.fit(xs, ys, { epochs: 5 });
 */
export class Sequential {
  readonly name: string;
  readonly layers: Layer[] = [];
  /** Set by callbacks (EarlyStopping) to end fit() after the current epoch. */
  stopTraining = false;
  private compiled: CompiledState | null = null;
  /** True while a fit() call runs: a second one would interleave updates and share stopTraining. */
  private fitting = false;
  private builtInputShape: Shape | null = null;

  constructor(args: { layers?: Layer[]; name?: string } = {}) {
    this.name = args.name ?? 'sequential';
    for (const l of args.layers ?? []) this.add(l);
  }

  add(layer: Layer): void {
    if (this.layers.some((l) => l.name === layer.name)) {
      throw new PolytensorError(`Sequential.add: a layer named '${layer.name}' is already in the model; layer names must be unique`);
    }
    this.layers.push(layer);
  }

  /** Input shape with a null batch dimension, if known. */
  get inputShape(): Shape | null {
    return this.layers[0]?.batchInputShape ?? this.builtInputShape;
  }

  /** Create all weights for inputs of `inputShape` (batch first; defaults to the first layer's inputShape). */
  build(inputShape?: Shape): void {
    let shape = inputShape ?? this.inputShape;
    if (!shape) throw new PolytensorError(`${this.name}: cannot build without an input shape; give the first layer an inputShape`);
    this.builtInputShape = shape;
    for (const layer of this.layers) {
      if (!layer.built) layer.build(shape);
      shape = singleShape(layer.computeOutputShape(shape), layer.name);
    }
  }

  get outputShape(): Shape {
    this.ensureBuilt();
    let shape = this.inputShape!;
    for (const l of this.layers) shape = singleShape(l.computeOutputShape(shape), l.name);
    return shape;
  }

  private ensureBuilt(): void {
    if (this.layers.length === 0) throw new PolytensorError(`${this.name}: the model has no layers; add some first`);
    if (!this.layers.every((l) => l.built)) this.build();
  }

  /** Forward pass. */
  apply(x: Tensor, options = { training: false }): Tensor {
    this.ensureBuilt();
    return ENGINE.tidy(() => {
      let y = x;
      for (const layer of this.layers) y = layer.apply(y, options);
      return y;
    });
  }

  get trainableWeights(): Variable[] {
    return this.layers.flatMap((l) => l.trainableWeights);
  }

  /** Every weight, with names `layer/weight` as saved. */
  get namedWeights(): Array<{ name: string; variable: Variable }> {
    return this.layers.flatMap((l) => l.weights.map((w) => ({ name: `${l.name}/${w.name}`, variable: w.variable })));
  }

  countParams(): { total: number; trainable: number } {
    this.ensureBuilt();
    let total = 0;
    let trainable = 0;
    for (const { variable } of this.namedWeights) {
      total += variable.size;
      if (variable.trainable) trainable += variable.size;
    }
    return { total, trainable };
  }

  /** Host copies of every weight, in order. */
  getWeightValues(): Float32Array[] {
    return this.namedWeights.map(({ variable }) => Float32Array.from(variable.dataSync()));
  }

  setWeightValues(values: readonly Float32Array[]): void {
    const ws = this.namedWeights;
    if (values.length !== ws.length) throw new PolytensorError(`setWeightValues: the model has ${ws.length} weights, got ${values.length} arrays`);
    ws.forEach(({ name, variable }, i) => {
      if (values[i]!.length !== variable.size) {
        throw new PolytensorError(`setWeightValues: weight '${name}' has ${variable.size} values, got ${values[i]!.length}`);
      }
    });
    ws.forEach(({ variable }, i) => {
      const t = tensor(values[i]!, variable.shape, variable.dtype);
      variable.assign(t);
      t.dispose();
    });
  }

  compile(args: CompileArgs): void {
    if (!args || typeof args !== 'object') throw new PolytensorError(`${this.name}.compile: pass { optimizer, loss, metrics? }`);
    checkOptions('compile', args, COMPILE_OPTIONS);
    if (args.optimizer === undefined)
      throw new PolytensorError(`compile: 'optimizer' is required, e.g. compile({ optimizer: 'adam', loss: 'meanSquaredError' })`);
    if (args.loss === undefined) throw new PolytensorError(`compile: 'loss' is required, e.g. compile({ optimizer: 'adam', loss: 'meanSquaredError' })`);
    if (args.metrics !== undefined && !Array.isArray(args.metrics)) {
      throw new PolytensorError(`compile: 'metrics' must be an array of names or functions, e.g. metrics: ['accuracy']`);
    }
    const loss = getLoss(args.loss);
    const optimizer = getOptimizer(args.optimizer, args.learningRate);
    const metrics = (args.metrics ?? []).map((m) => getMetric(m));
    this.compiled = { optimizer, loss, metricNames: metrics.map((m) => m.name), metricFns: metrics.map((m) => m.fn) };
  }

  get optimizer(): Optimizer | null {
    return this.compiled?.optimizer ?? null;
  }

  private requireCompiled(op: string): CompiledState {
    if (!this.compiled) throw new PolytensorError(`${this.name}.${op}: call compile({ optimizer, loss }) first`);
    return this.compiled;
  }

  /** One optimizer step on a batch; returns the loss and metrics on it. */
  trainOnBatch(x: Tensor, y: Tensor): Logs & { readonly loss: number } {
    const c = this.requireCompiled('trainOnBatch');
    this.assertNotFitting('trainOnBatch');
    this.ensureBuilt();
    validateTrainingData('trainOnBatch', this, c.loss, x, y);
    return this.step(c, x, y);
  }

  private step(c: CompiledState, x: Tensor, y: Tensor): Logs & { readonly loss: number } {
    const logs: Logs = {};
    const cost = c.optimizer.minimize(
      () => {
        const pred = this.apply(x, { training: true });
        c.metricFns.forEach((fn, i) => {
          logs[c.metricNames[i]!] = ENGINE.tidy(() => fn(y, pred)).dataSync()[0]!;
        });
        return c.loss.fn(y, pred);
      },
      true,
      this.trainableWeights,
    );
    const loss = cost!.dataSync()[0]!;
    cost!.dispose();
    return { loss, ...logs };
  }

  /**
   * Train for `epochs` over (x, y). Everything is validated before the first
   * step; nothing is updated if the data is bad.
   */
  async fit(x: Tensor, y: Tensor, args: FitArgs = {}): Promise<History> {
    const c = this.requireCompiled('fit');
    this.assertNotFitting('fit');
    checkOptions('fit', args, FIT_OPTIONS);
    // Claimed before the first await, so a second call made meanwhile fails.
    this.fitting = true;
    try {
      return await this.fitLoop(c, x, y, args);
    } finally {
      this.fitting = false;
    }
  }

  private assertNotFitting(op: string): void {
    if (this.fitting) {
      throw new PolytensorError(
        `${op}: ${this.name} is already training (a fit() call has not finished); await it first, or train another model. ` +
          'Concurrent calls would interleave weight updates and share stopTraining',
      );
    }
  }

  private async fitLoop(c: CompiledState, x: Tensor, y: Tensor, args: FitArgs): Promise<History> {
    const batchSize = args.batchSize ?? 32;
    const epochs = args.epochs ?? 1;
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new PolytensorError(`fit: batchSize must be a positive integer, got ${batchSize}`);
    if (!Number.isInteger(epochs) || epochs <= 0) throw new PolytensorError(`fit: epochs must be a positive integer, got ${epochs}`);
    const initialEpoch = args.initialEpoch ?? 0;
    if (!Number.isInteger(initialEpoch) || initialEpoch < 0 || initialEpoch >= epochs) {
      throw new PolytensorError(`fit: initialEpoch must be an integer in [0, epochs) = [0, ${epochs}), got ${initialEpoch}`);
    }
    const split = args.validationSplit ?? 0;
    if (!(split >= 0 && split < 1)) throw new PolytensorError(`fit: validationSplit must be in [0, 1), got ${split}`);
    if (args.validationData && split > 0) throw new PolytensorError('fit: give validationData or validationSplit, not both');
    this.ensureBuildFor(x);
    validateTrainingData('fit', this, c.loss, x, y);
    if (args.validationData) {
      const [vx, vy] = args.validationData;
      validateTrainingData('fit (validationData)', this, c.loss, vx, vy);
    }

    const n = x.shape[0]!;
    const nTrain = split > 0 ? n - Math.floor(n * split) : n;
    if (nTrain <= 0) throw new PolytensorError(`fit: validationSplit ${split} leaves no training examples out of ${n}`);
    const [tx, ty] = split > 0 ? [slice(x, 0, [nTrain]), slice(y, 0, [nTrain])] : [x, y];
    const [vx, vy] = args.validationData ?? (split > 0 ? [slice(x, nTrain, [n - nTrain]), slice(y, nTrain, [n - nTrain])] : [null, null]);

    const history = new History();
    const callbacks: Callback[] = [...(args.verbose === 0 ? [] : [new ProgressBar(args.progressSink)]), ...toCallbacks('fit', args.callbacks), history];
    const steps = Math.ceil(nTrain / batchSize);
    for (const cb of callbacks) {
      cb.setModel(this);
      cb.params = { epochs, samples: nTrain, batchSize, steps };
    }
    this.stopTraining = false;
    try {
      for (const cb of callbacks) await cb.onTrainBegin();
      for (let epoch = initialEpoch; epoch < epochs && !this.stopTraining; epoch++) {
        for (const cb of callbacks) await cb.onEpochBegin(epoch);
        const order = args.shuffle === false ? null : shuffle(nTrain);
        const sums: Logs = {};
        let trained = 0;
        for (let b = 0; b < steps && !this.stopTraining; b++) {
          const start = b * batchSize;
          const size = Math.min(batchSize, nTrain - start);
          for (const cb of callbacks) {
            const r = cb.onBatchBegin(b);
            if (r) await r; // only asynchronous hooks cost a turn of the event loop
          }
          const [bx, by] = batchOf(tx, ty, order, start, size);
          const logs = this.step(c, bx, by);
          bx.dispose();
          by.dispose();
          for (const [k, v] of Object.entries(logs)) sums[k] = (sums[k] ?? 0) + v * size;
          trained += size;
          for (const cb of callbacks) {
            const r = cb.onBatchEnd(b, { ...logs, batch: b, size });
            if (r) await r;
          }
        }
        const epochLogs: Logs = {};
        for (const [k, v] of Object.entries(sums)) epochLogs[k] = v / trained;
        if (vx && vy) {
          for (const [k, v] of Object.entries(this.evaluate(vx, vy, { batchSize }))) epochLogs[`val_${k}`] = v;
        }
        for (const cb of callbacks) await cb.onEpochEnd(epoch, epochLogs);
        // Let timers and I/O run between epochs (browsers stay responsive).
        await new Promise((r) => setTimeout(r, 0));
      }
      for (const cb of callbacks) await cb.onTrainEnd();
    } finally {
      if (split > 0) {
        tx.dispose();
        ty.dispose();
        vx?.dispose();
        vy?.dispose();
      }
    }
    return history;
  }

  private ensureBuildFor(x: Tensor): void {
    if (!(x instanceof Tensor)) throw new PolytensorError(`${this.name}: inputs must be a Tensor, got ${typeof x}`);
    if (this.layers.length === 0) throw new PolytensorError(`${this.name}: the model has no layers; add some first`);
    if (!this.layers.every((l) => l.built)) this.build(this.inputShape ?? [null, ...x.shape.slice(1)]);
  }

  /** Loss and metrics over (x, y), in batches, without training. */
  evaluate(x: Tensor, y: Tensor, args: { batchSize?: number } = {}): Logs {
    const c = this.requireCompiled('evaluate');
    checkOptions('evaluate', args, BATCH_OPTIONS);
    const batchSize = args.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new PolytensorError(`evaluate: batchSize must be a positive integer, got ${batchSize}`);
    this.ensureBuildFor(x);
    validateTrainingData('evaluate', this, c.loss, x, y);
    const n = x.shape[0]!;
    const sums: Logs = { loss: 0 };
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      ENGINE.tidy(() => {
        const bx = slice(x, start, [size]);
        const by = slice(y, start, [size]);
        const pred = this.apply(bx, { training: false });
        sums['loss']! += c.loss.fn(by, pred).dataSync()[0]! * size;
        c.metricFns.forEach((fn, i) => {
          const k = c.metricNames[i]!;
          sums[k] = (sums[k] ?? 0) + fn(by, pred).dataSync()[0]! * size;
        });
      });
    }
    const out: Logs = {};
    for (const [k, v] of Object.entries(sums)) out[k] = v / n;
    return out;
  }

  /** Outputs for x, computed in batches. */
  predict(x: Tensor, args: { batchSize?: number } = {}): Tensor {
    checkOptions('predict', args, BATCH_OPTIONS);
    const batchSize = args.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new PolytensorError(`predict: batchSize must be a positive integer, got ${batchSize}`);
    this.ensureBuildFor(x);
    checkInputShape('predict', this, x);
    const n = x.shape[0]!;
    if (n <= batchSize) return this.apply(x);
    return ENGINE.tidy(() => {
      const parts: Tensor[] = [];
      for (let start = 0; start < n; start += batchSize) parts.push(this.apply(slice(x, start, [Math.min(batchSize, n - start)])));
      return concat(parts, 0);
    });
  }

  /** Outputs for one batch, computed in one pass (no splitting into batches). */
  predictOnBatch(x: Tensor): Tensor {
    this.ensureBuildFor(x);
    checkInputShape('predictOnBatch', this, x);
    return this.apply(x);
  }

  /** Keras-style table: layer (type), output shape, params; then totals. */
  summary(print: (line: string) => void = console.log): string {
    this.ensureBuilt();
    const rows: string[][] = [];
    let shape = this.inputShape!;
    for (const l of this.layers) {
      shape = singleShape(l.computeOutputShape(shape), l.name);
      rows.push([`${l.name} (${l.className})`, formatShape(shape), String(l.countParams())]);
    }
    const header = ['Layer (type)', 'Output shape', 'Param #'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)) + 2);
    const line = (cells: string[]): string =>
      cells
        .map((c, i) => c.padEnd(widths[i]!))
        .join('')
        .trimEnd();
    const total = widths.reduce((a, b) => a + b, 0);
    const { total: params, trainable } = this.countParams();
    const text = [
      `Model: "${this.name}"`,
      '_'.repeat(total),
      line(header),
      '='.repeat(total),
      ...rows.flatMap((r, i) => [line(r), i < rows.length - 1 ? '_'.repeat(total) : '='.repeat(total)]),
      `Total params: ${params.toLocaleString('en-US')}`,
      `Trainable params: ${trainable.toLocaleString('en-US')}`,
      `Non-trainable params: ${(params - trainable).toLocaleString('en-US')}`,
      '_'.repeat(total),
    ].join('\n');
    print(text);
    return text;
  }

  /** Topology, weights (JSON + one float32 buffer) and, when compiled, the compile settings (not the optimizer's state). */
  toArtifacts(): ModelArtifacts {
    this.ensureBuilt();
    const ws = this.namedWeights;
    const total = ws.reduce((s, w) => s + w.variable.size, 0);
    const data = new Float32Array(total);
    let offset = 0;
    const weightSpecs = ws.map(({ name, variable }) => {
      data.set(variable.dataSync(), offset);
      offset += variable.size;
      return { name, shape: [...variable.shape], dtype: variable.dtype };
    });
    const c = this.compiled;
    return {
      format: MODEL_FORMAT,
      version: MODEL_VERSION,
      modelTopology: {
        className: 'Sequential',
        config: {
          name: this.name,
          inputShape: this.inputShape ? (this.inputShape.slice(1) as number[]) : null,
          layers: this.layers.map((l) => ({ className: l.className, config: l.getConfig() })),
        },
      },
      weightSpecs,
      ...(c
        ? {
            trainingConfig: trainingConfigOf(
              c.optimizer,
              c.loss,
              c.metricNames.map((name, i) => ({ name, fn: c.metricFns[i]! })),
            ),
          }
        : {}),
      weightData: data.buffer,
    };
  }

  /**
   * Save topology, weights and compile settings to 'file://dir' (Node),
   * 'indexeddb://name', 'localstorage://name', 'downloads://name' (browser),
   * 'http(s)://url' (POST), 'memory://name', or a custom IOHandler.
   */
  save(destination: string | IOHandler, options: SaveOptions = {}): Promise<SaveResult> {
    return saveArtifacts(destination, this.toArtifacts(), options);
  }

  /** Free every weight and the optimizer's state. */
  dispose(): void {
    for (const l of this.layers) l.dispose();
    this.compiled?.optimizer.dispose();
  }
}

function batchOf(x: Tensor, y: Tensor, order: Int32Array | null, start: number, size: number): [Tensor, Tensor] {
  if (!order) return [slice(x, start, [size]), slice(y, start, [size])];
  return ENGINE.tidy(() => {
    const idx = tensor(order.subarray(start, start + size), [size], 'int32');
    return [gather(x, idx, 0), gather(y, idx, 0)] as [Tensor, Tensor];
  });
}

/**
 * Rebuild a Sequential model from a saved location, an IOHandler or artifacts.
 * Everything in the file is checked (structure, limits, the weights against
 * the topology) before any weight is allocated. A model saved compiled comes
 * back compiled with the same optimizer settings, loss and metrics (a fresh
 * optimizer state); `{ compile: false }` loads it uncompiled.
 */
export async function loadSequential(source: string | IOHandler | ModelArtifacts, options: LoadOptions = {}): Promise<Sequential> {
  if (options === null || typeof options !== 'object')
    throw new PolytensorError(`loadModel: options must be an object, got ${options === null ? 'null' : typeof options}`);
  const limits = resolveLimits(options);
  const { artifacts, where } = await loadArtifacts(source, { limits, requestInit: options.requestInit, fetch: options.fetch });
  const p = prepareModel(artifacts, where, limits, options.compile !== false);
  const model = new Sequential({ name: p.name, layers: p.layers });
  try {
    model.build(p.inputShape);
    model.setWeightValues(p.values);
    if (p.training) model.compile(p.training);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}
