import { PolytensorError } from '../errors.js';
import { Callback, type Logs } from './callbacks.js';

export interface ReduceLROnPlateauArgs {
  /** The log to watch. Default 'val_loss'. */
  monitor?: string;
  /** Multiply the learning rate by this when `monitor` stalls, in (0, 1). Default 0.1. */
  factor?: number;
  /** Epochs without improvement before reducing. Default 10. */
  patience?: number;
  /** 'min': lower is better; 'max': higher; 'auto': 'max' for accuracies, else 'min'. Default 'auto'. */
  mode?: 'min' | 'max' | 'auto';
  /** Smallest change that counts as an improvement. Default 1e-4. */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting stalls again. Default 0. */
  cooldown?: number;
  /** Never reduce below this. Default 0. */
  minLr?: number;
}

const OPTIONS = ['monitor', 'factor', 'patience', 'mode', 'minDelta', 'cooldown', 'minLr'] as const;

/**
 * Lowers the optimizer's learning rate when `monitor` stops improving (Keras'
 * ReduceLROnPlateau): after `patience` epochs without an improvement of more
 * than `minDelta`, `lr = max(lr · factor, minLr)`, then `cooldown` epochs pass
 * before stalls count again. The optimizer needs a fixed learning rate (not a schedule).
 * @example
 * await model.fit(x, y, { epochs: 50, validationSplit: 0.2, callbacks: [new ReduceLROnPlateau({ factor: 0.5, patience: 3 })] });
 */
export class ReduceLROnPlateau extends Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly mode: 'min' | 'max';
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  private best = Infinity;
  private wait = 0;
  private cooldownLeft = 0;

  constructor(args: ReduceLROnPlateauArgs = {}) {
    super();
    const op = 'ReduceLROnPlateau';
    if (args === null || typeof args !== 'object') throw new PolytensorError(`${op}: expected an object of options (${OPTIONS.join(', ')})`);
    const extra = Object.keys(args).filter((k) => !(OPTIONS as readonly string[]).includes(k));
    if (extra.length) throw new PolytensorError(`${op}: unknown option ${extra.map((k) => `'${k}'`).join(', ')}; options are ${OPTIONS.join(', ')}`);
    const num = (name: string, v: number, ok: (v: number) => boolean, range: string): number => {
      if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new PolytensorError(`${op}: ${name} must be ${range}, got ${String(v)}`);
      return v;
    };
    this.monitor = args.monitor ?? 'val_loss';
    if (typeof this.monitor !== 'string' || this.monitor === '') throw new PolytensorError(`${op}: monitor must be the name of a log, e.g. 'val_loss'`);
    this.factor = num('factor', args.factor ?? 0.1, (v) => v > 0 && v < 1, 'a number in (0, 1) (the learning rate is multiplied by it)');
    this.patience = num('patience', args.patience ?? 10, (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0');
    this.minDelta = Math.abs(num('minDelta', args.minDelta ?? 1e-4, () => true, 'a finite number'));
    this.cooldown = num('cooldown', args.cooldown ?? 0, (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0');
    this.minLr = num('minLr', args.minLr ?? 0, (v) => v >= 0, 'a finite number ≥ 0');
    const mode = args.mode ?? 'auto';
    if (mode !== 'min' && mode !== 'max' && mode !== 'auto') throw new PolytensorError(`${op}: mode must be 'min', 'max' or 'auto', got ${String(mode)}`);
    this.mode = mode === 'auto' ? (/acc/.test(this.monitor) ? 'max' : 'min') : mode;
  }

  override onTrainBegin(): void {
    this.best = Infinity;
    this.wait = 0;
    this.cooldownLeft = 0;
    const opt = this.model?.optimizer;
    if (opt?.learningRateSchedule) {
      throw new PolytensorError(
        `ReduceLROnPlateau: the optimizer's learning rate follows the schedule ${opt.learningRateSchedule.className}; ` +
          'use one or the other (compile with a fixed learning rate to use this callback)',
      );
    }
  }

  override onEpochEnd(_epoch: number, logs: Logs): void {
    const raw = logs[this.monitor];
    if (raw === undefined) {
      throw new PolytensorError(`ReduceLROnPlateau: '${this.monitor}' is not in the logs (have ${Object.keys(logs).join(', ')}); monitor one of those`);
    }
    const opt = this.model?.optimizer;
    if (!opt) return;
    // Compared as "lower is better": an improvement beats the best by more than minDelta.
    const value = this.mode === 'min' ? raw : -raw;
    if (this.cooldownLeft > 0) {
      this.cooldownLeft--;
      this.wait = 0;
    }
    if (value < this.best - this.minDelta) {
      this.best = value;
      this.wait = 0;
    } else if (this.cooldownLeft === 0 && ++this.wait >= this.patience) {
      const lr = opt.learningRate;
      if (lr > this.minLr) {
        // The optimizer's learning rate must stay > 0; minLr 0 with a tiny rate keeps the rate.
        const next = Math.max(lr * this.factor, this.minLr);
        if (next > 0) opt.learningRate = next;
        this.cooldownLeft = this.cooldown;
        this.wait = 0;
      }
    }
  }
}
