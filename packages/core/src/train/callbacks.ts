import { PolytensorError } from '../errors.js';
import type { LayersModel } from './layers_model.js';
import { checkOptions } from './options.js';

/** Scalars of one epoch or batch: loss, metrics, val_loss, val_<metric>. */
export type Logs = Record<string, number>;

/** Hooks into fit(). Each may be async; fit awaits epoch-level hooks. */
export abstract class Callback {
  model: LayersModel | null = null;
  /** What fit() says of the run; fitDataset leaves samples and batchSize (and steps, without batchesPerEpoch) undefined. */
  params: { epochs: number; samples?: number | undefined; batchSize?: number | undefined; steps?: number | undefined } | null = null;
  setModel(model: LayersModel): void {
    this.model = model;
  }
  onTrainBegin(_logs?: Logs): void | Promise<void> {}
  onTrainEnd(_logs?: Logs): void | Promise<void> {}
  onEpochBegin(_epoch: number, _logs?: Logs): void | Promise<void> {}
  onEpochEnd(_epoch: number, _logs: Logs): void | Promise<void> {}
  /** Batch-level hooks may return a Promise; fit awaits it only then. */
  onBatchBegin(_batch: number, _logs?: Logs): void | Promise<void> {}
  onBatchEnd(_batch: number, _logs: Logs): void | Promise<void> {}
}

/** Records every epoch's logs; fit() returns it. */
export class History extends Callback {
  readonly epoch: number[] = [];
  readonly history: Record<string, number[]> = {};
  override onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }
}

export interface EarlyStoppingArgs {
  monitor?: string;
  minDelta?: number;
  patience?: number;
  mode?: 'min' | 'max' | 'auto';
  /** Put back the weights of the best epoch when stopping. */
  restoreBestWeights?: boolean;
}

/** Stops training when `monitor` has not improved for `patience` epochs. */
export class EarlyStopping extends Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly mode: 'min' | 'max';
  readonly restoreBestWeights: boolean;
  private best = Infinity;
  private wait = 0;
  private bestWeights: Float32Array[] | null = null;
  stoppedEpoch = -1;

  constructor(args: EarlyStoppingArgs = {}) {
    super();
    this.monitor = args.monitor ?? 'val_loss';
    this.minDelta = Math.abs(args.minDelta ?? 0);
    this.patience = args.patience ?? 0;
    const auto = /acc/.test(this.monitor) ? 'max' : 'min';
    this.mode = args.mode === undefined || args.mode === 'auto' ? auto : args.mode;
    this.restoreBestWeights = args.restoreBestWeights ?? false;
  }

  override onTrainBegin(): void {
    this.best = Infinity;
    this.wait = 0;
    this.stoppedEpoch = -1;
    this.bestWeights = null;
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const raw = logs[this.monitor];
    if (raw === undefined) {
      throw new Error(`EarlyStopping: '${this.monitor}' is not in the logs (have ${Object.keys(logs).join(', ')}); monitor one of those`);
    }
    const value = this.mode === 'min' ? raw : -raw;
    if (value < this.best - this.minDelta) {
      this.best = value;
      this.wait = 0;
      if (this.restoreBestWeights && this.model) this.bestWeights = this.model.getWeightValues();
    } else if (++this.wait > this.patience && this.model) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
      if (this.bestWeights) this.model.setWeightValues(this.bestWeights);
    }
  }
}

export interface ModelCheckpointArgs {
  /** Destination for model.save(); `{epoch}` is replaced by the epoch number (1-based). */
  path: string;
  monitor?: string;
  saveBestOnly?: boolean;
  mode?: 'min' | 'max';
}

/** Saves the model after epochs (every epoch, or only when `monitor` improves). */
export class ModelCheckpoint extends Callback {
  private best = Infinity;
  readonly saved: string[] = [];
  constructor(readonly args: ModelCheckpointArgs) {
    super();
  }
  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (!this.model) return;
    const { monitor = 'val_loss', saveBestOnly = false } = this.args;
    if (saveBestOnly) {
      const raw = logs[monitor];
      if (raw === undefined) throw new Error(`ModelCheckpoint: '${monitor}' is not in the logs (have ${Object.keys(logs).join(', ')})`);
      const mode = this.args.mode ?? (/acc/.test(monitor) ? 'max' : 'min');
      const value = mode === 'min' ? raw : -raw;
      if (!(value < this.best)) return;
      this.best = value;
    }
    const dest = this.args.path.replace('{epoch}', String(epoch + 1));
    await this.model.save(dest);
    this.saved.push(dest);
  }
}

/**
 * Hooks as a plain object, as tfjs and Keras users write them:
 * `fit(x, y, { callbacks: { onEpochEnd: (epoch, logs) => … } })`.
 */
export interface CallbackHooks {
  onTrainBegin?: (logs?: Logs) => void | Promise<void>;
  onTrainEnd?: (logs?: Logs) => void | Promise<void>;
  onEpochBegin?: (epoch: number, logs?: Logs) => void | Promise<void>;
  onEpochEnd?: (epoch: number, logs: Logs) => void | Promise<void>;
  onBatchBegin?: (batch: number, logs?: Logs) => void | Promise<void>;
  onBatchEnd?: (batch: number, logs: Logs) => void | Promise<void>;
}

const HOOK_NAMES = ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd'] as const;

/** Calls the functions you give it (the quick way to watch training). */
export class LambdaCallback extends Callback {
  private readonly fns: CallbackHooks;
  constructor(fns: CallbackHooks) {
    super();
    if (fns === null || typeof fns !== 'object') throw new PolytensorError(`LambdaCallback: expected an object of hooks (${HOOK_NAMES.join(', ')})`);
    checkOptions('callbacks', fns, HOOK_NAMES);
    for (const name of HOOK_NAMES) {
      const f = fns[name];
      if (f !== undefined && typeof f !== 'function') throw new PolytensorError(`callbacks: '${name}' must be a function, got ${typeof f}`);
    }
    this.fns = { ...fns };
  }
  override onTrainBegin(logs?: Logs): void | Promise<void> {
    return this.fns.onTrainBegin?.(logs);
  }
  override onTrainEnd(logs?: Logs): void | Promise<void> {
    return this.fns.onTrainEnd?.(logs);
  }
  override onEpochBegin(epoch: number, logs?: Logs): void | Promise<void> {
    return this.fns.onEpochBegin?.(epoch, logs);
  }
  override onEpochEnd(epoch: number, logs: Logs): void | Promise<void> {
    return this.fns.onEpochEnd?.(epoch, logs);
  }
  override onBatchBegin(batch: number, logs?: Logs): void | Promise<void> {
    return this.fns.onBatchBegin?.(batch, logs);
  }
  override onBatchEnd(batch: number, logs: Logs): void | Promise<void> {
    return this.fns.onBatchEnd?.(batch, logs);
  }
}

/** What `fit({ callbacks })` accepts: Callback instances and plain hook objects, alone or in an array. */
export type CallbackArg = Callback | CallbackHooks | ReadonlyArray<Callback | CallbackHooks>;

/** Normalise `fit`'s callbacks option to Callback instances. */
export function toCallbacks(fn: string, arg: CallbackArg | undefined): Callback[] {
  if (arg === undefined) return [];
  const list: ReadonlyArray<unknown> = Array.isArray(arg) ? arg : [arg];
  return list.map((c, i) => {
    if (c instanceof Callback) return c;
    if (c !== null && typeof c === 'object' && !Array.isArray(c)) return new LambdaCallback(c as CallbackHooks);
    throw new PolytensorError(
      `${fn}: callbacks${Array.isArray(arg) ? `[${i}]` : ''} must be a Callback or an object of hooks (${HOOK_NAMES.join(', ')}), got ${c === null ? 'null' : typeof c}`,
    );
  });
}

/**
 * Stops training at the first batch whose loss is NaN or infinite (Keras'
 * TerminateOnNaN). The weights are those after that batch's update.
 */
export class TerminateOnNaN extends Callback {
  /** Where training stopped, or null if it did not. */
  stoppedAt: { epoch: number; batch: number; loss: number } | null = null;
  private epoch = 0;
  constructor(private readonly log: (line: string) => void = (line) => console.warn(line)) {
    super();
  }
  override onTrainBegin(): void {
    this.stoppedAt = null;
  }
  override onEpochBegin(epoch: number): void {
    this.epoch = epoch;
  }
  override onBatchEnd(batch: number, logs: Logs): void {
    const loss = logs['loss'];
    if (loss !== undefined && !Number.isFinite(loss) && this.model) {
      this.stoppedAt = { epoch: this.epoch, batch, loss };
      this.model.stopTraining = true;
      this.log(`TerminateOnNaN: epoch ${this.epoch + 1}, batch ${batch}: loss is ${loss}; training stopped`);
    }
  }
}
