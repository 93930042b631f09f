import type { Sequential } from './model.js';

/** Scalars of one epoch or batch: loss, metrics, val_loss, val_<metric>. */
export type Logs = Record<string, number>;

/** Hooks into fit(). Each may be async; fit awaits epoch-level hooks. */
export abstract class Callback {
  model: Sequential | null = null;
  params: { epochs: number; samples: number; batchSize: number; steps: number } | null = null;
  setModel(model: Sequential): void {
    this.model = model;
  }
  onTrainBegin(_logs?: Logs): void | Promise<void> {}
  onTrainEnd(_logs?: Logs): void | Promise<void> {}
  onEpochBegin(_epoch: number, _logs?: Logs): void | Promise<void> {}
  onEpochEnd(_epoch: number, _logs: Logs): void | Promise<void> {}
  onBatchBegin(_batch: number, _logs?: Logs): void {}
  onBatchEnd(_batch: number, _logs: Logs): void {}
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

/** Calls the functions you give it (the quick way to watch training). */
export class LambdaCallback extends Callback {
  constructor(private readonly fns: { onEpochEnd?: (epoch: number, logs: Logs) => void | Promise<void>; onBatchEnd?: (batch: number, logs: Logs) => void }) {
    super();
  }
  override onEpochEnd(epoch: number, logs: Logs): void | Promise<void> {
    return this.fns.onEpochEnd?.(epoch, logs);
  }
  override onBatchEnd(batch: number, logs: Logs): void {
    this.fns.onBatchEnd?.(batch, logs);
  }
}
