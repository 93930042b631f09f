import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import { add, mul } from '../ops/binary.js';
import { cast } from '../ops/cast.js';
import { concat } from '../ops/concat.js';
import { tensor } from '../ops/convert.js';
import { shuffle } from '../random/random.js';
import type { Tensor } from '../tensor.js';
import type { Variable } from '../variable.js';
import { assertSerializable, Layer, type NamedWeight, type Shape, type Shapes, type WeightShape } from '../nn/layers/index.js';
import { Callback, History, toCallbacks, type CallbackArg, type Logs } from './callbacks.js';
import { disposeResult, PendingLogs, readResult, readResultAsync, type BatchResult } from './pending_logs.js';
import { ProgressBar, type ProgressSink } from './progress.js';
import { getLoss, type LossAlias, type LossFn, type LossInfo, type LossName } from './losses.js';
import { getMetric, type MetricFn, type MetricName } from './metrics.js';
import type { Metric } from './stateful_metrics.js';
import { getOptimizer, type Optimizer, type OptimizerName } from './optimizers/index.js';
import { checkOptions } from './options.js';
import { yieldToEventLoop } from './yield.js';
import { MODEL_FORMAT, MODEL_VERSION } from './io/model_json.js';
import { saveArtifacts, saveFormat, saveTfjsArtifacts } from './io/router.js';
import { toTfjsArtifacts } from './io/tfjs/artifacts.js';
import { trainingConfigOf } from './io/training_config.js';
import type { TfjsIOHandler, IOHandler, ModelArtifacts, ModelTopology, SaveOptions, SaveResult } from './io/types.js';
import { inheritRange } from '../util/checked_ranges.js';
import { batchOf, rowsOf, toTensorList, type TensorOrTensors } from './model_io.js';
import { checkInputs, validateTrainingData, type ModelSignature } from './validate.js';

/**
 * A loss by name (editors complete them, and a misspelt name is a type error;
 * case and '_' are ignored at run time) or your own function (registered with
 * registerLoss, it saves under its name).
 */
export type LossIdentifier = LossName | LossAlias | LossFn | LossInfo;
/** A metric by name (any loss name works too) or your own function (reported under its name; registered with registerMetric, it saves under it). */
export type MetricIdentifier = MetricName | 'acc' | 'mae' | LossName | LossAlias | MetricFn | Metric;
/** An optimizer by name (with Keras' defaults) or an instance. */
export type OptimizerIdentifier = OptimizerName | Optimizer;

export interface CompileArgs {
  optimizer: OptimizerIdentifier;
  /** One loss for every output, or one per output: an array in output order or a record by output name. */
  loss: LossIdentifier | readonly LossIdentifier[] | { readonly [output: string]: LossIdentifier };
  /** Metrics for every output, or per output as a record by output name. */
  metrics?: readonly MetricIdentifier[] | { readonly [output: string]: readonly MetricIdentifier[] };
  /** Weights of the outputs' losses in the total (default 1 each): an array in output order or a record by output name. */
  lossWeights?: readonly number[] | { readonly [output: string]: number };
  /** Learning rate when `optimizer` is a name. */
  learningRate?: number;
}

const COMPILE_OPTIONS = ['optimizer', 'loss', 'metrics', 'lossWeights', 'learningRate'] as const;
const FIT_OPTIONS = ['batchSize', 'epochs', 'initialEpoch', 'shuffle', 'validationData', 'validationSplit', 'callbacks', 'verbose', 'progressSink'] as const;
const FIT_DATASET_OPTIONS = [
  'epochs',
  'initialEpoch',
  'batchesPerEpoch',
  'validationData',
  'validationBatches',
  'callbacks',
  'verbose',
  'progressSink',
] as const;
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
  validationData?: [TensorOrTensors, TensorOrTensors];
  /** Fraction of the data, taken from the end before shuffling, held out for validation. */
  validationSplit?: number;
  /** Callback instances and/or plain objects of hooks (`{ onEpochEnd(epoch, logs) {…} }`), alone or in an array. */
  callbacks?: CallbackArg;
  /** 0: silent, 1: progress bar. Default 1. */
  verbose?: 0 | 1;
  /** Where the progress bar writes (stdout by default). */
  progressSink?: ProgressSink;
}

/** One batch of a dataset: inputs and labels, each a tensor, an array or a record by name. */
export interface DatasetBatch {
  readonly xs: TensorOrTensors;
  readonly ys: TensorOrTensors;
}

/**
 * What fitDataset and evaluateDataset read: `@polytensor/datasets`' Dataset,
 * or any async iterable of batches. A dataset with an iterator() method is
 * iterated afresh each epoch.
 */
export type DatasetLike<T = DatasetBatch> = { iterator(): Promise<AsyncIterator<T>> | AsyncIterator<T> } | AsyncIterable<T>;

export interface FitDatasetArgs {
  /** Default 1. */
  epochs?: number;
  initialEpoch?: number;
  /**
   * Batches per epoch. Without it an epoch is one pass over the dataset;
   * with it, epochs take this many batches each from one continuing pass
   * (for infinite or repeated datasets).
   */
  batchesPerEpoch?: number;
  /** Evaluated after each epoch: a dataset of batches, or [x, y] tensors. */
  validationData?: DatasetLike<unknown> | [TensorOrTensors, TensorOrTensors];
  /** Batches of a validation dataset to use (all by default). */
  validationBatches?: number;
  callbacks?: CallbackArg;
  verbose?: 0 | 1;
  progressSink?: ProgressSink;
}

interface OutputTraining {
  loss: LossInfo;
  weight: number;
  metricNames: string[];
  metricFns: MetricFn[];
  /** The Metric accumulating each metric across batches (null for a per-batch mean). */
  stateful: Array<Metric | null>;
}

interface CompiledState {
  optimizer: Optimizer;
  outputs: OutputTraining[];
}

/**
 * What Sequential and functional models share: the layers (a model is a
 * layer too, so models nest), and Keras' training API: compile, fit,
 * fitDataset, evaluate, predict, summary, save.
 */
export abstract class LayersModel extends Layer {
  /** Set by callbacks (EarlyStopping) to end fit() after the current epoch. */
  stopTraining = false;
  private compiled: CompiledState | null = null;
  /** True while a fit() call runs: a second one would interleave updates and share stopTraining. */
  private fitting = false;

  /** Every layer of the model, each once, in the order its weights are listed. */
  abstract get layers(): readonly Layer[];
  /** Names of the inputs (an input layer's name; the first layer's for Sequential). */
  abstract get inputNames(): readonly string[];
  /** Names of the outputs (the producing layer's). */
  abstract get outputNames(): readonly string[];
  /** Input shapes, batch first (null dimensions take any size). */
  abstract get inputShapes(): readonly Shape[];
  /** Output shapes, batch first. */
  abstract get outputShapes(): readonly Shape[];
  /** Input dtypes ('float32' unless an input() said 'int32'). */
  abstract get inputDTypes(): readonly string[];
  /** The topology as saved: className and config. */
  abstract toTopology(): ModelTopology;
  /** Forward pass over one tensor per input; one tensor per output. */
  protected abstract forward(xs: Tensor[], training: boolean): Tensor[];

  /** Create every weight (each layer builds for the shape it takes); models override it. */
  override build(inputShape?: Shapes): void {
    if (!inputShape) throw new PolytensorError(`${this.name}: cannot build without an input shape`);
    super.build(inputShape);
  }

  protected call(inputs: Tensor | Tensor[], options: { training: boolean }): Tensor | Tensor[] {
    const outs = this.forward(Array.isArray(inputs) ? inputs : [inputs], options.training);
    return outs.length === 1 ? outs[0]! : outs;
  }

  /** The first input's shape (the only one, for most models). */
  get inputShape(): Shape | null {
    return this.inputShapes[0] ?? null;
  }

  /** The first output's shape. */
  get outputShape(): Shape {
    return this.outputShapes[0]!;
  }

  private get signature(): ModelSignature {
    return this;
  }

  /** Every weight, named `layer/weight` (`model/layer/weight` in a nested model), in save order. */
  override get weights(): NamedWeight[] {
    return this.layers.flatMap((l) => l.weights.map((w) => ({ name: `${l.name}/${w.name}`, variable: w.variable })));
  }

  /** Alias of weights, under the name earlier versions used. */
  get namedWeights(): NamedWeight[] {
    return this.weights;
  }

  override get trainableWeights(): Variable[] {
    return this.trainable ? this.layers.flatMap((l) => l.trainableWeights) : [];
  }

  override get nonTrainableWeights(): Variable[] {
    return this.trainable ? this.layers.flatMap((l) => l.nonTrainableWeights) : this.weights.map((w) => w.variable);
  }

  /** Every layer's weight penalties (regularizers), summed; null when there are none. */
  override regularizationLoss(): Tensor | null {
    if (!this.trainable) return null;
    let total: Tensor | null = null;
    for (const l of this.layers) {
      const p = l.regularizationLoss();
      if (p) total = total ? add(total, p) : p;
    }
    return total;
  }

  /** Every layer's weight constraints, applied. */
  override applyConstraints(): void {
    for (const l of this.layers) l.applyConstraints();
  }

  /** The weights build() would create, named as `weights` names them, without allocating. */
  override weightShapes(): WeightShape[] {
    return this.layers.flatMap((l) => {
      const shape = l.built ? null : l.pendingInputShape;
      const ws = l.built ? l.weights.map((w) => ({ name: w.name, shape: w.variable.shape })) : shape ? l.weightShapes(shape) : [];
      return ws.map((w) => ({ name: `${l.name}/${w.name}`, shape: w.shape }));
    });
  }

  override countParams(): number {
    return this.weightShapes().reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0);
  }

  /** Total and trainable parameter counts. */
  paramCounts(): { total: number; trainable: number } {
    this.ensureBuilt();
    const total = this.countParams();
    const trainable = this.trainableWeights.reduce((s, v) => s + v.size, 0);
    return { total, trainable };
  }

  protected ensureBuilt(): void {
    if (!this.built) this.build();
  }

  /** Host copies of every weight, in order. */
  getWeightValues(): Float32Array[] {
    this.ensureBuilt();
    return this.weights.map(({ variable }) => Float32Array.from(variable.dataSync()));
  }

  setWeightValues(values: readonly Float32Array[]): void {
    this.ensureBuilt();
    const ws = this.weights;
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
    if (args.metrics !== undefined && (args.metrics === null || typeof args.metrics !== 'object')) {
      throw new PolytensorError(
        `compile: 'metrics' must be an array of names or functions, e.g. metrics: ['accuracy'], or a record of such arrays by output name`,
      );
    }
    const names = this.outputNames;
    const perOutput = <T>(what: string, v: unknown, isOne: (v: unknown) => boolean, fallback: T, required = false): T[] => {
      if (v === undefined) return names.map(() => fallback);
      if (isOne(v)) return names.map(() => v as T);
      if (Array.isArray(v)) {
        if (v.length !== names.length)
          throw new PolytensorError(`compile: '${what}' has ${v.length} entries but the model has ${names.length} outputs (${names.join(', ')})`);
        return v as T[];
      }
      const rec = v as Record<string, T>;
      const extra = Object.keys(rec).filter((k) => !names.includes(k));
      if (extra.length)
        throw new PolytensorError(`compile: '${what}' names ${extra.map((k) => `'${k}'`).join(', ')}, not an output of the model (${names.join(', ')})`);
      return names.map((n) => {
        if (Object.hasOwn(rec, n)) return rec[n]!;
        if (required) throw new PolytensorError(`compile: '${what}' has no entry for output '${n}'; give every output a loss`);
        return fallback;
      });
    };
    const isLoss = (v: unknown): boolean => typeof v === 'string' || typeof v === 'function' || (v !== null && typeof v === 'object' && 'fn' in v);
    const losses = perOutput<LossIdentifier>('loss', args.loss, isLoss, 'meanSquaredError', true).map((l) => getLoss(l));
    const weights = perOutput<number>('lossWeights', args.lossWeights, (v) => typeof v === 'number', 1);
    weights.forEach((w, i) => {
      if (typeof w !== 'number' || !Number.isFinite(w) || w < 0)
        throw new PolytensorError(`compile: lossWeights for output '${names[i]}' must be a finite number ≥ 0, got ${w}`);
    });
    const metrics = perOutput<readonly MetricIdentifier[]>(
      'metrics',
      args.metrics,
      (v) => Array.isArray(v) && (names.length === 1 || !v.every(Array.isArray)),
      [],
    );
    const optimizer = getOptimizer(args.optimizer, args.learningRate);
    // The model owns its optimizer (dispose() frees it): recompiling with another frees the old one's slots and step.
    const previous = this.compiled?.optimizer;
    if (previous && previous !== optimizer) previous.dispose();
    // A Metric instance given for several outputs (or twice) is cloned, so each keeps its own counts.
    const used = new Set<Metric>();
    const own = (m: Metric | null): Metric | null => {
      if (!m) return null;
      if (!used.has(m)) {
        used.add(m);
        return m;
      }
      return m.clone();
    };
    this.compiled = {
      optimizer,
      outputs: losses.map((loss, i) => {
        const ms = (metrics[i] ?? []).map((m) => getMetric(m));
        return {
          loss,
          weight: weights[i]!,
          metricNames: ms.map((m) => m.name),
          metricFns: ms.map((m) => m.fn),
          stateful: ms.map((m) => own(m.create?.() ?? null)),
        };
      }),
    };
  }

  get optimizer(): Optimizer | null {
    return this.compiled?.optimizer ?? null;
  }

  /** The losses compile() resolved, one per output (empty before compile). */
  get compiledLosses(): readonly LossInfo[] {
    return this.compiled?.outputs.map((o) => o.loss) ?? [];
  }

  private requireCompiled(op: string): CompiledState {
    if (!this.compiled) throw new PolytensorError(`${this.name}.${op}: call compile({ optimizer, loss }) first`);
    return this.compiled;
  }

  /** Log key of an output's loss or metric: plain for one output, `<output>_<name>` for several (Keras). */
  private logKey(i: number, name: string): string {
    return this.outputNames.length === 1 ? name : `${this.outputNames[i]}_${name}`;
  }

  private losses(c: CompiledState): LossInfo[] {
    return c.outputs.map((o) => o.loss);
  }

  /** A fresh accumulator of batch logs, the stateful metrics reset (each epoch, each evaluation). */
  private epochLogs(c: CompiledState): EpochLogs {
    const stateful = new Set<string>();
    c.outputs.forEach((o, i) => {
      o.stateful.forEach((m, k) => {
        if (!m) return;
        m.resetState();
        stateful.add(this.logKey(i, o.metricNames[k]!));
      });
    });
    return new EpochLogs(stateful);
  }

  /**
   * Each metric of an output on a batch, appended to `entries`: a stateful one
   * is updated and reports its running result (a number); any other gives a
   * scalar tensor, kept out of every tidy scope and read later.
   */
  private scoreMetrics(entries: Entries, i: number, o: OutputTraining, y: Tensor, pred: Tensor): void {
    o.metricFns.forEach((fn, k) => {
      const m = o.stateful[k];
      const key = this.logKey(i, o.metricNames[k]!);
      if (m) {
        m.updateState(y, pred);
        entries.push([key, m.result()]);
      } else {
        entries.push([key, ENGINE.keep(ENGINE.tidy(() => fn(y, pred)))]);
      }
    });
  }

  /** One optimizer step on a batch; returns the loss and metrics on it (stateful metrics are reset first, as Keras). */
  trainOnBatch(x: TensorOrTensors, y: TensorOrTensors): Logs & { readonly loss: number } {
    const c = this.requireCompiled('trainOnBatch');
    this.assertNotFitting('trainOnBatch');
    const [xs, ys] = this.prepare('trainOnBatch', c, x, y);
    this.epochLogs(c);
    return readResult(this.step(c, xs, ys)) as Logs & { readonly loss: number };
  }

  /**
   * `trainOnBatch` with the loss and metrics read back asynchronously: the same
   * step (the update is applied before it returns a promise) and the same logs.
   * On a GPU backend it awaits the device instead of blocking on it, which lets
   * the browser run the queued work at full speed (tfjs-layers' trainOnBatch
   * is asynchronous for the same reason); on CPU backends the two are alike.
   * @example
   * const { loss, acc } = await model.trainOnBatchAsync(xBatch, yBatch);
   */
  async trainOnBatchAsync(x: TensorOrTensors, y: TensorOrTensors): Promise<Logs & { readonly loss: number }> {
    const c = this.requireCompiled('trainOnBatchAsync');
    this.assertNotFitting('trainOnBatchAsync');
    const [xs, ys] = this.prepare('trainOnBatchAsync', c, x, y);
    this.epochLogs(c);
    return (await readResultAsync(this.step(c, xs, ys))) as Logs & { readonly loss: number };
  }

  /** Inputs and labels as lists, the model built, everything validated. */
  private prepare(op: string, c: CompiledState, x: unknown, y: unknown): [Tensor[], Tensor[]] {
    const xs = toTensorList(op, 'inputs', x, this.inputNames);
    const ys = toTensorList(op, 'labels', y, this.outputNames);
    this.ensureBuildFor(xs);
    validateTrainingData(op, this.signature, this.losses(c), xs, ys);
    return [xs, ys];
  }

  /** One optimizer step on a batch; its loss and metrics, unread (fit reads them in groups). */
  private step(c: CompiledState, xs: Tensor[], ys: Tensor[]): BatchResult {
    const entries: Entries = [];
    const several = c.outputs.length > 1;
    let cost: Tensor;
    try {
      cost = c.optimizer.minimize(
        () => {
          const preds = this.forward(xs, true);
          let total: Tensor | null = null;
          c.outputs.forEach((o, i) => {
            const y = labelsFor(o.loss, ys[i]!);
            const pred = preds[i]!;
            this.scoreMetrics(entries, i, o, y, pred);
            const l = o.loss.fn(y, pred);
            // Several outputs add their losses into a new tensor, so `l` is never the cost itself.
            if (several) entries.push([this.logKey(i, 'loss'), ENGINE.keep(l)]);
            const weighted = o.weight === 1 ? l : mul(l, o.weight);
            total = total ? add(total, weighted) : weighted;
          });
          const penalty = this.regularizationLoss();
          return penalty ? add(total!, penalty) : total!;
        },
        true,
        this.trainableWeights,
      );
    } catch (e) {
      disposeResult(resultOf(entries));
      throw e;
    }
    try {
      this.applyConstraints();
    } catch (e) {
      disposeResult(resultOf([['loss', cost], ...entries]));
      throw e;
    }
    return resultOf([['loss', cost], ...entries]);
  }

  /**
   * Train for `epochs` over (x, y). Everything is validated before the first
   * step; nothing is updated if the data is bad.
   */
  async fit(x: TensorOrTensors, y: TensorOrTensors, args: FitArgs = {}): Promise<History> {
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

  private checkEpochs(op: string, epochs: number, initialEpoch: number): void {
    if (!Number.isInteger(epochs) || epochs <= 0) throw new PolytensorError(`${op}: epochs must be a positive integer, got ${epochs}`);
    if (!Number.isInteger(initialEpoch) || initialEpoch < 0 || initialEpoch >= epochs) {
      throw new PolytensorError(`${op}: initialEpoch must be an integer in [0, epochs) = [0, ${epochs}), got ${initialEpoch}`);
    }
  }

  private async fitLoop(c: CompiledState, x: TensorOrTensors, y: TensorOrTensors, args: FitArgs): Promise<History> {
    const batchSize = args.batchSize ?? 32;
    const epochs = args.epochs ?? 1;
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new PolytensorError(`fit: batchSize must be a positive integer, got ${batchSize}`);
    const initialEpoch = args.initialEpoch ?? 0;
    this.checkEpochs('fit', epochs, initialEpoch);
    const split = args.validationSplit ?? 0;
    if (!(split >= 0 && split < 1)) throw new PolytensorError(`fit: validationSplit must be in [0, 1), got ${split}`);
    if (args.validationData && split > 0) throw new PolytensorError('fit: give validationData or validationSplit, not both');
    const [xs, ys] = this.prepare('fit', c, x, y);
    let validation: [Tensor[], Tensor[]] | null = null;
    if (args.validationData) {
      if (!Array.isArray(args.validationData) || args.validationData.length !== 2) {
        throw new PolytensorError('fit: validationData must be [inputs, labels]');
      }
      validation = this.prepare('fit (validationData)', c, args.validationData[0], args.validationData[1]);
    }

    const n = xs[0]!.shape[0]!;
    const nTrain = split > 0 ? n - Math.floor(n * split) : n;
    if (nTrain <= 0) throw new PolytensorError(`fit: validationSplit ${split} leaves no training examples out of ${n}`);
    const held: Tensor[] = [];
    let [tx, ty] = [xs, ys];
    if (split > 0) {
      [tx, ty] = [rowsOf(xs, 0, nTrain), rowsOf(ys, 0, nTrain)];
      validation = [rowsOf(xs, nTrain, n - nTrain), rowsOf(ys, nTrain, n - nTrain)];
      held.push(...tx, ...ty, ...validation[0], ...validation[1]);
    }
    const steps = Math.ceil(nTrain / batchSize);
    try {
      return await this.trainEpochs(c, args, { epochs, initialEpoch, samples: nTrain, batchSize, steps }, async (_epoch, runBatch) => {
        const order = args.shuffle === false ? null : shuffle(nTrain);
        for (let b = 0; b < steps && !this.stopTraining; b++) {
          const start = b * batchSize;
          const size = Math.min(batchSize, nTrain - start);
          // One index upload for inputs and labels alike.
          const rows = batchOf([...tx, ...ty], order, start, size);
          const [bx, by] = [rows.slice(0, tx.length), rows.slice(tx.length)];
          try {
            await runBatch(b, bx, by, size);
          } finally {
            for (const t of [...bx, ...by]) t.dispose();
          }
        }
        return validation ? this.evaluateLists(c, validation[0], validation[1], batchSize) : null;
      });
    } finally {
      for (const t of held) t.dispose();
    }
  }

  /**
   * The epoch loop fit and fitDataset share: callbacks, progress, logs. `epochBody`
   * runs an epoch's batches through `runBatch` and returns validation logs.
   */
  private async trainEpochs(
    c: CompiledState,
    args: { callbacks?: CallbackArg; verbose?: 0 | 1; progressSink?: ProgressSink },
    params: { epochs: number; initialEpoch: number; samples?: number; batchSize?: number; steps?: number | undefined },
    epochBody: (epoch: number, runBatch: (b: number, bx: Tensor[], by: Tensor[], size: number) => Promise<void>) => Promise<Logs | null>,
  ): Promise<History> {
    const history = new History();
    const callbacks: Callback[] = [...(args.verbose === 0 ? [] : [new ProgressBar(args.progressSink)]), ...toCallbacks('fit', args.callbacks), history];
    for (const cb of callbacks) {
      cb.setModel(this);
      cb.params = { epochs: params.epochs, samples: params.samples, batchSize: params.batchSize, steps: params.steps };
    }
    // Callbacks without a batch-end hook of their own (History) are not called per batch.
    const batchEnd = callbacks.filter((cb) => cb.onBatchEnd !== Callback.prototype.onBatchEnd);
    this.stopTraining = false;
    for (const cb of callbacks) await cb.onTrainBegin();
    for (let epoch = params.initialEpoch; epoch < params.epochs && !this.stopTraining; epoch++) {
      for (const cb of callbacks) await cb.onEpochBegin(epoch);
      const acc = this.epochLogs(c);
      // The batches' losses and metrics stay on the device until a callback reads a batch's logs, PENDING_BATCHES
      // are queued, or the epoch ends: read then, and summed on the host in batch order, they are the numbers
      // reading each batch at once gave (the same float32 values, the same float64 sums).
      const pending = new PendingLogs((logs, size) => acc.add(logs, size));
      const runBatch = async (b: number, bx: Tensor[], by: Tensor[], size: number): Promise<void> => {
        for (const cb of callbacks) {
          const r = cb.onBatchBegin(b);
          if (r) await r; // only asynchronous hooks cost a turn of the event loop
        }
        const entry = pending.push(this.step(c, bx, by), size);
        if (batchEnd.length === 0) return;
        const logs = pending.lazyLogs(entry, { batch: b, size });
        for (const cb of batchEnd) {
          const r = cb.onBatchEnd(b, logs);
          if (r) await r;
        }
      };
      let val: Logs | null;
      try {
        val = await epochBody(epoch, runBatch);
        pending.flush();
      } finally {
        pending.dispose();
      }
      const epochLogs: Logs = acc.result();
      if (val) for (const [k, v] of Object.entries(val)) epochLogs[`val_${k}`] = v;
      for (const cb of callbacks) await cb.onEpochEnd(epoch, epochLogs);
      // Let timers and I/O run between epochs (browsers stay responsive).
      await yieldToEventLoop();
    }
    for (const cb of callbacks) await cb.onTrainEnd();
    return history;
  }

  /**
   * Train on batches from a dataset (`@polytensor/datasets`' Dataset, or any
   * async iterable of `{ xs, ys }`). Each batch is validated before its step;
   * the batches' tensors are disposed after it.
   * @example
   * const ds = fromArray(examples).shuffle(1000, 1).batch(32);
   * await model.fitDataset(ds, { epochs: 5 });
   */
  async fitDataset(dataset: DatasetLike<unknown>, args: FitDatasetArgs = {}): Promise<History> {
    const c = this.requireCompiled('fitDataset');
    this.assertNotFitting('fitDataset');
    checkOptions('fitDataset', args, FIT_DATASET_OPTIONS);
    const epochs = args.epochs ?? 1;
    const initialEpoch = args.initialEpoch ?? 0;
    this.checkEpochs('fitDataset', epochs, initialEpoch);
    const perEpoch = args.batchesPerEpoch;
    if (perEpoch !== undefined && (!Number.isInteger(perEpoch) || perEpoch <= 0)) {
      throw new PolytensorError(`fitDataset: batchesPerEpoch must be a positive integer, got ${perEpoch}`);
    }
    const valBatches = args.validationBatches;
    if (valBatches !== undefined && (!Number.isInteger(valBatches) || valBatches <= 0)) {
      throw new PolytensorError(`fitDataset: validationBatches must be a positive integer, got ${valBatches}`);
    }
    let validation: [Tensor[], Tensor[]] | null = null;
    const vd = args.validationData;
    if (Array.isArray(vd)) {
      if (vd.length !== 2) throw new PolytensorError('fitDataset: validationData must be a dataset or [inputs, labels]');
      validation = this.prepare('fitDataset (validationData)', c, vd[0], vd[1]);
    } else if (vd !== undefined) {
      iteratorOf('fitDataset (validationData)', vd); // checked up front, iterated after each epoch
    }
    this.fitting = true;
    const pass: { shared: AsyncIterator<DatasetBatch> | null } = { shared: null };
    try {
      return await this.trainEpochs(c, args, { epochs, initialEpoch, steps: perEpoch }, async (epoch, runBatch) => {
        // With batchesPerEpoch the epochs share one pass; without, each epoch is a fresh pass.
        const it = perEpoch !== undefined ? (pass.shared ??= await iteratorOf('fitDataset', dataset)) : await iteratorOf('fitDataset', dataset);
        let b = 0;
        for (; (perEpoch === undefined || b < perEpoch) && !this.stopTraining; b++) {
          const next = await it.next();
          if (next.done) {
            if (perEpoch !== undefined) {
              throw new PolytensorError(
                `fitDataset: the dataset ended after ${b} batches of epoch ${epoch + 1}, but batchesPerEpoch is ${perEpoch}; ` +
                  'repeat() the dataset or lower batchesPerEpoch',
              );
            }
            break;
          }
          const [bx, by] = this.batchFromDataset('fitDataset', c, next.value, epoch, b);
          try {
            await runBatch(b, bx, by, bx[0]!.shape[0]!);
          } finally {
            disposeBatch(next.value);
          }
        }
        if (b === 0 && !this.stopTraining) throw new PolytensorError(`fitDataset: the dataset gave no batches in epoch ${epoch + 1}; check its source`);
        if (perEpoch === undefined) await it.return?.();
        if (validation) return this.evaluateLists(c, validation[0], validation[1], 32);
        if (vd !== undefined) return this.evaluateDatasetWith(c, 'fitDataset (validationData)', vd as DatasetLike<unknown>, valBatches);
        return null;
      });
    } finally {
      this.fitting = false;
      await pass.shared?.return?.();
    }
  }

  /** A dataset element checked as a batch: { xs, ys } with tensors the model takes. */
  private batchFromDataset(op: string, c: CompiledState, value: unknown, epoch: number, b: number): [Tensor[], Tensor[]] {
    if (value === null || typeof value !== 'object' || !('xs' in value) || !('ys' in value)) {
      throw new PolytensorError(
        `${op}: batch ${b} of epoch ${epoch + 1} is not { xs, ys }; map the dataset's elements to { xs: inputs, ys: labels } and batch() it`,
      );
    }
    const v = value as DatasetBatch;
    return this.prepare(`${op} (epoch ${epoch + 1}, batch ${b})`, c, v.xs, v.ys);
  }

  /** Loss and metrics over a dataset of { xs, ys } batches (all of it, or its first `batches`). */
  async evaluateDataset(dataset: DatasetLike<unknown>, args: { batches?: number } = {}): Promise<Logs> {
    const c = this.requireCompiled('evaluateDataset');
    checkOptions('evaluateDataset', args, ['batches'] as const);
    if (args.batches !== undefined && (!Number.isInteger(args.batches) || args.batches <= 0)) {
      throw new PolytensorError(`evaluateDataset: batches must be a positive integer, got ${args.batches}`);
    }
    return this.evaluateDatasetWith(c, 'evaluateDataset', dataset, args.batches);
  }

  private async evaluateDatasetWith(c: CompiledState, op: string, dataset: DatasetLike<unknown>, batches: number | undefined): Promise<Logs> {
    const it = await iteratorOf(op, dataset);
    const acc = this.epochLogs(c);
    const pending = new PendingLogs((logs, size) => acc.add(logs, size));
    try {
      for (let b = 0; batches === undefined || b < batches; b++) {
        const next = await it.next();
        if (next.done) break;
        try {
          const [bx, by] = this.batchFromDataset(op, c, next.value, 0, b);
          pending.push(this.evaluateBatch(c, bx, by), bx[0]!.shape[0]!);
        } finally {
          disposeBatch(next.value);
        }
      }
      pending.flush();
    } finally {
      pending.dispose();
      await it.return?.();
    }
    if (acc.count === 0) throw new PolytensorError(`${op}: the dataset gave no batches`);
    return acc.result();
  }

  private ensureBuildFor(xs: readonly Tensor[]): void {
    if (this.built) return;
    // The first layer leaves free what it does not depend on (a sequence's length).
    const first = this.layers[0];
    const shapes = xs.map((x) => (xs.length === 1 && first ? first.relaxShape([null, ...x.shape.slice(1)]) : [null, ...x.shape.slice(1)]));
    this.build(shapes.length === 1 ? shapes[0]! : shapes);
  }

  /** Loss and metrics over (x, y), in batches, without training. */
  evaluate(x: TensorOrTensors, y: TensorOrTensors, args: { batchSize?: number } = {}): Logs {
    const c = this.requireCompiled('evaluate');
    checkOptions('evaluate', args, BATCH_OPTIONS);
    const batchSize = args.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new PolytensorError(`evaluate: batchSize must be a positive integer, got ${batchSize}`);
    const [xs, ys] = this.prepare('evaluate', c, x, y);
    return this.evaluateLists(c, xs, ys, batchSize);
  }

  private evaluateLists(c: CompiledState, xs: Tensor[], ys: Tensor[], batchSize: number): Logs {
    const n = xs[0]!.shape[0]!;
    const acc = this.epochLogs(c);
    const pending = new PendingLogs((logs, size) => acc.add(logs, size));
    try {
      for (let start = 0; start < n; start += batchSize) {
        const size = Math.min(batchSize, n - start);
        ENGINE.tidy(() => {
          pending.push(this.evaluateBatch(c, rowsOf(xs, start, size), rowsOf(ys, start, size)), size);
        });
      }
      pending.flush();
    } finally {
      pending.dispose();
    }
    return acc.result();
  }

  /** Loss (weighted total, and per output for several) and metrics of one batch, unread. */
  private evaluateBatch(c: CompiledState, xs: Tensor[], ys: Tensor[]): BatchResult {
    const entries: Entries = [];
    const losses: Tensor[] = [];
    let penalty: Tensor | null = null;
    try {
      ENGINE.tidy(() => {
        const preds = this.forward(xs, false);
        c.outputs.forEach((o, i) => {
          const y = labelsFor(o.loss, ys[i]!);
          const l = ENGINE.keep(o.loss.fn(y, preds[i]!));
          losses.push(l);
          if (c.outputs.length > 1) entries.push([this.logKey(i, 'loss'), l]);
          this.scoreMetrics(entries, i, o, y, preds[i]!);
        });
        // As in training, the loss includes the weights' penalties.
        const p = this.regularizationLoss();
        if (p) penalty = ENGINE.keep(p);
      });
    } catch (e) {
      for (const t of [...losses, ...(penalty ? [penalty] : [])]) t.dispose();
      disposeResult(resultOf(entries));
      throw e;
    }
    const several = resultOf(entries);
    const owned = [...new Set([...losses, ...several.tensors, ...(penalty ? [penalty] : [])])];
    return {
      tensors: owned,
      keys: ['loss', ...several.keys],
      finish: (value) => {
        // The total as the host summed it batch by batch: Σ weight·loss, then the penalty.
        let loss = 0;
        c.outputs.forEach((o, i) => (loss += o.weight * value(losses[i]!)));
        if (penalty) loss += value(penalty);
        return { loss, ...several.finish(value) };
      },
    };
  }

  /** Outputs for x, computed in batches: one tensor for a one-output model, an array for several. */
  predict(x: TensorOrTensors, args: { batchSize?: number } = {}): Tensor | Tensor[] {
    checkOptions('predict', args, BATCH_OPTIONS);
    const batchSize = args.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new PolytensorError(`predict: batchSize must be a positive integer, got ${batchSize}`);
    const xs = toTensorList('predict', 'inputs', x, this.inputNames);
    this.ensureBuildFor(xs);
    const n = checkInputs('predict', this.signature, xs, false);
    const outs = ENGINE.tidy(() => {
      if (n <= batchSize) return this.forward(xs, false);
      const parts: Tensor[][] = [];
      for (let start = 0; start < n; start += batchSize) parts.push(this.forward(rowsOf(xs, start, Math.min(batchSize, n - start)), false));
      return this.outputNames.map((_, i) =>
        concat(
          parts.map((p) => p[i]!),
          0,
        ),
      );
    });
    return outs.length === 1 ? outs[0]! : outs;
  }

  /** Outputs for one batch, computed in one pass (no splitting into batches). */
  predictOnBatch(x: TensorOrTensors): Tensor | Tensor[] {
    const xs = toTensorList('predictOnBatch', 'inputs', x, this.inputNames);
    this.ensureBuildFor(xs);
    checkInputs('predictOnBatch', this.signature, xs, false);
    const outs = ENGINE.tidy(() => this.forward(xs, false));
    return outs.length === 1 ? outs[0]! : outs;
  }

  /** Every layer, nested models' too, for the serializability check. */
  private allLayers(): Layer[] {
    return this.layers.flatMap((l) => (l instanceof LayersModel ? [l, ...l.allLayers()] : [l]));
  }

  /** Topology, weights (JSON + one float32 buffer) and, when compiled, the compile settings (not the optimizer's state). */
  toArtifacts(): ModelArtifacts {
    this.ensureBuilt();
    // getConfig first: a layer that cannot be saved at all (Lambda) says why. Then, nested models
    // aside (they save as their topology), every layer's class must be registered.
    const topology = this.toTopology();
    for (const l of this.allLayers()) if (!(l instanceof LayersModel)) assertSerializable(l, `${this.name}.save`);
    const ws = this.weights;
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
      modelTopology: topology,
      weightSpecs,
      ...(c ? { trainingConfig: trainingConfigOf(c.optimizer, c.outputs, this.outputNames) } : {}),
      weightData: data.buffer,
    };
  }

  /**
   * Save topology, weights and compile settings to 'file://dir' (Node),
   * 'indexeddb://name', 'localstorage://name', 'downloads://name' (browser),
   * 'http(s)://url' (POST), 'memory://name', or a custom IOHandler.
   * `{ format: 'tfjs' }` writes TensorFlow.js's layers format instead, which
   * `tf.loadLayersModel` reads (file://, http(s)://, downloads:// or an IOHandler).
   * @example
   * await model.save('file://./my-model', { format: 'tfjs' }); // model.json + group1-shard1of1.bin
   */
  save(destination: string | IOHandler, options?: SaveOptions & { format?: 'polytensor' }): Promise<SaveResult>;
  save(destination: string | TfjsIOHandler, options: SaveOptions & { format: 'tfjs' }): Promise<SaveResult>;
  save(destination: string | IOHandler | TfjsIOHandler, options?: SaveOptions): Promise<SaveResult>;
  async save(destination: string | IOHandler | TfjsIOHandler, options: SaveOptions = {}): Promise<SaveResult> {
    if (saveFormat(options) === 'tfjs') {
      const trainable = new Set(this.trainableWeights);
      const nonTrainable = new Set(this.weights.filter((w) => !trainable.has(w.variable)).map((w) => w.name));
      return saveTfjsArtifacts(destination, toTfjsArtifacts(this.toArtifacts(), nonTrainable), options);
    }
    return saveArtifacts(destination, this.toArtifacts(), options);
  }

  /** Free every weight and the optimizer's state. */
  override dispose(): void {
    for (const l of this.layers) l.dispose();
    this.compiled?.optimizer.dispose();
    super.dispose();
  }
}

/**
 * Batch logs summed into epoch logs: a mean over the examples (each batch
 * weighted by its size) for the loss and per-batch metrics; for a stateful
 * metric, its running result after the last batch (the epoch's value).
 */
class EpochLogs {
  private readonly sums: Logs = {};
  private readonly last: Logs = {};
  private readonly keys: string[] = [];
  private n = 0;
  constructor(private readonly stateful: ReadonlySet<string>) {}

  add(logs: Logs, size: number): void {
    for (const [k, v] of Object.entries(logs)) {
      if (!Object.hasOwn(this.sums, k) && !Object.hasOwn(this.last, k)) this.keys.push(k);
      if (this.stateful.has(k)) this.last[k] = v;
      else this.sums[k] = (this.sums[k] ?? 0) + v * size;
    }
    this.n += size;
  }

  /** Examples added. */
  get count(): number {
    return this.n;
  }

  result(): Logs {
    const out: Logs = {};
    for (const k of this.keys) out[k] = this.stateful.has(k) ? this.last[k]! : this.sums[k]! / this.n;
    return out;
  }
}

/** A batch's logs in the making: numbers (stateful metrics) and scalar tensors (read later), in log order. */
type Entries = Array<[string, number | Tensor]>;

/** Entries as a BatchResult that owns their tensors. */
function resultOf(entries: Entries): BatchResult {
  return {
    tensors: entries.flatMap(([, v]) => (typeof v === 'number' ? [] : [v])),
    keys: entries.map(([k]) => k),
    finish: (value) => Object.fromEntries(entries.map(([k, v]) => [k, typeof v === 'number' ? v : value(v)])),
  };
}

/**
 * Class ids for a sparse loss: float32 labels (a dataset's batches of numbers,
 * already checked to be integers in range) as int32, as Keras takes them.
 */
function labelsFor(loss: LossInfo, y: Tensor): Tensor {
  if (!(loss.sparseLabels && y.dtype === 'float32')) return y;
  const ids = cast(y, 'int32');
  inheritRange(y, ids);
  return ids;
}

/** A dataset's iterator: its iterator() method (a fresh pass), else its async iterator. */
async function iteratorOf(op: string, ds: unknown): Promise<AsyncIterator<DatasetBatch>> {
  if (ds !== null && typeof ds === 'object') {
    const d = ds as { iterator?: unknown; [Symbol.asyncIterator]?: unknown };
    if (typeof d.iterator === 'function') return (await (d.iterator as () => unknown)()) as AsyncIterator<DatasetBatch>;
    if (typeof d[Symbol.asyncIterator] === 'function') return (d[Symbol.asyncIterator] as () => AsyncIterator<DatasetBatch>)();
  }
  throw new PolytensorError(
    `${op}: expected a dataset (an object with iterator(), or an async iterable of { xs, ys } batches), got ${ds === null ? 'null' : typeof ds}`,
  );
}

/** Dispose every tensor of a { xs, ys } batch (the consumer owns what a dataset gives it). */
function disposeBatch(value: unknown): void {
  const visit = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    if (typeof (v as { dispose?: unknown }).dispose === 'function' && 'shape' in v) {
      (v as Tensor).dispose();
      return;
    }
    for (const x of Array.isArray(v) ? v : Object.values(v)) visit(x);
  };
  visit(value);
}
