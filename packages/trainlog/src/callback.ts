import { Callback, Tensor, tidy, type Layer, type Logs } from '@polytensor/core';
import { histogramOf, type HistogramKind, type LogRecord } from './records.js';
import { MemoryWriter, type LogWriter } from './writer.js';

/** Which epochs get histograms: 'firstLast' (default), 'all', 'none', a list of 0-based epochs, or a predicate. */
export type HistogramSchedule = 'firstLast' | 'all' | 'none' | readonly number[] | ((epoch: number, epochs: number) => boolean);

export interface TrainingLogOptions {
  /** Where records go (default: a MemoryWriter). */
  writer?: LogWriter;
  /** Name of this run in the log (default 'run'). */
  run?: string;
  /** Record batch scalars every N optimizer steps (default 1; 0 turns them off). */
  batchEvery?: number;
  /** Epochs after which to record histograms (default 'firstLast'). */
  histograms?: HistogramSchedule;
  /** Also record histograms before the first step, at step 0 (default true). */
  histogramsAtStart?: boolean;
  /** A fixed batch whose layer outputs are histogrammed; without it only weights are. The caller owns it. */
  probe?: Tensor | null;
  /** Histogram each layer's weights (default true). */
  weights?: boolean;
  /** Which layers' outputs to histogram (default: every layer except Dropout, Flatten and Reshape). */
  activationLayers?: (layer: Layer) => boolean;
  /** Bins per histogram (default 30). */
  bins?: number;
  /** Written as a meta record when training begins (with fit's params). */
  meta?: Record<string, unknown>;
  /**
   * Optimizer steps already taken when fit begins (default 0): a run resumed
   * from a checkpoint numbers its batch records after the earlier ones.
   */
  initialStep?: number;
}

const PASS_THROUGH = new Set(['Dropout', 'Flatten', 'Reshape']);

/**
 * Records a run as it trains: batch and epoch scalars from fit's logs, and at
 * chosen epochs histograms of every layer's weights and of every layer's
 * output on a fixed probe batch (layers applied in order, not training, inside
 * `tidy`, so nothing leaks). Use it as a `fit` callback, or call `scalar`,
 * `scalars`, `histogram` and `layerHistograms` from an explicit training loop.
 * @example
 * const log = new TrainingLog({ writer: await JsonLinesWriter.open('run.jsonl'), run: 'mlp', probe: xTest.slice(0, 256) });
 * await model.fit(x, y, { epochs: 5, callbacks: [log] });
 * writeFileSync('report.html', await renderReport(log.records, { title: 'MLP' }));
 */
export class TrainingLog extends Callback {
  readonly writer: LogWriter;
  readonly run: string;
  private readonly opts: TrainingLogOptions;
  private globalStep = 0;

  constructor(options: TrainingLogOptions = {}) {
    super();
    this.opts = options;
    this.writer = options.writer ?? new MemoryWriter();
    this.run = options.run ?? 'run';
    const every = options.batchEvery ?? 1;
    if (!Number.isInteger(every) || every < 0) throw new Error(`TrainingLog: batchEvery must be a non-negative integer, got ${every}`);
    const first = options.initialStep ?? 0;
    if (!Number.isInteger(first) || first < 0) throw new Error(`TrainingLog: initialStep must be a non-negative integer, got ${first}`);
  }

  /** Everything written so far (the writer's in-memory copy). */
  get records(): readonly LogRecord[] {
    return this.writer.records;
  }

  /** Optimizer steps seen so far (fit's batches, or what `step()` counted). */
  get steps(): number {
    return this.globalStep;
  }

  // ---- manual API (explicit loops) ------------------------------------------

  meta(data: Record<string, unknown>): void {
    this.writer.write({ type: 'meta', run: this.run, time: new Date().toISOString(), data });
  }

  scalar(tag: string, value: number, step: number, scope = 'epoch'): void {
    this.writer.write({ type: 'scalar', run: this.run, scope, tag, step, value });
  }

  /** Every finite-or-not number in `logs` except fit's bookkeeping keys (batch, size). */
  scalars(logs: Logs, step: number, scope = 'epoch'): void {
    for (const [tag, value] of Object.entries(logs)) {
      if (tag === 'batch' || tag === 'size') continue;
      this.scalar(tag, value, step, scope);
    }
  }

  /** Count one optimizer step of an explicit loop and record its logs (every `batchEvery` steps). */
  step(logs: Logs): void {
    this.globalStep++;
    const every = this.opts.batchEvery ?? 1;
    if (every > 0 && this.globalStep % every === 0) this.scalars(logs, this.globalStep, 'batch');
  }

  /** Histogram of a tensor's (or array's) values. */
  histogram(tag: string, values: Tensor | ArrayLike<number>, step: number, kind: HistogramKind = 'activations'): void {
    const data = values instanceof Tensor ? values.dataSync() : values;
    this.writer.write({ type: 'histogram', run: this.run, kind, tag, step, ...histogramOf(data as ArrayLike<number>, this.opts.bins ?? 30) });
  }

  /** Weights of each layer, and (with a probe) each layer's output, applied in order with training off. */
  layerHistograms(layers: readonly Layer[], step: number, probe: Tensor | null = this.opts.probe ?? null): void {
    if (this.opts.weights ?? true) {
      for (const layer of layers) {
        for (const w of layer.weights) this.histogram(`weights/${layer.name}/${w.name}`, w.variable, step, 'weights');
      }
    }
    if (!probe) return;
    const keepLayer = this.opts.activationLayers ?? ((l: Layer) => !PASS_THROUGH.has(l.className));
    tidy(() => {
      let y = probe;
      for (const layer of layers) {
        y = layer.apply(y, { training: false });
        if (keepLayer(layer)) this.histogram(`activations/${layer.name}`, y, step, 'activations');
      }
      return [];
    });
  }

  // ---- Callback hooks (fit) --------------------------------------------------

  override onTrainBegin(): void {
    this.globalStep = this.opts.initialStep ?? 0;
    this.meta({ ...(this.params ?? {}), ...(this.opts.meta ?? {}) });
    if ((this.opts.histogramsAtStart ?? true) && this.model) this.layerHistograms(this.model.layers, 0);
  }

  override onBatchEnd(_batch: number, logs: Logs): void {
    this.step(logs);
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    this.scalars(logs, epoch + 1, 'epoch');
    const epochs = this.params?.epochs ?? epoch + 1;
    if (this.model && wantsHistograms(this.opts.histograms ?? 'firstLast', epoch, epochs)) this.layerHistograms(this.model.layers, epoch + 1);
  }
}

function wantsHistograms(s: HistogramSchedule, epoch: number, epochs: number): boolean {
  if (typeof s === 'function') return s(epoch, epochs);
  if (s === 'all') return true;
  if (s === 'none') return false;
  if (s === 'firstLast') return epoch === 0 || epoch === epochs - 1;
  return s.includes(epoch);
}
