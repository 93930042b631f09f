// Learning-rate schedules (Keras 3's `keras.optimizers.schedules`): a function of the
// optimizer's step, evaluated on the host before each update, so every optimizer (and
// every backend's fused update) takes them without change.
import { PolytensorError } from '../../errors.js';

/** A schedule's hyperparameters, as saved: numbers, booleans and number lists. */
export type ScheduleConfig = Record<string, number | boolean | number[]>;

/**
 * A learning rate that depends on the step: pass one as the learningRate of
 * any optimizer. `at(step)` is evaluated with the number of updates done so
 * far (0 for the first update), as Keras calls `schedule(iterations)`.
 * Subclass it (at, getConfig, className) for your own schedule; a model
 * saved with one saves its current rate as a fixed learning rate.
 */
export abstract class LearningRateSchedule {
  /** Class name for serialization. */
  abstract readonly className: string;
  /** The learning rate at `step` (0-based count of updates done). */
  abstract at(step: number): number;
  /** Hyperparameters, as the constructor takes them. */
  abstract getConfig(): ScheduleConfig;
}

function checkNumber(op: string, name: string, v: unknown, { min = -Infinity, minInclusive = true, integer = false } = {}): number {
  const ok = typeof v === 'number' && Number.isFinite(v) && (minInclusive ? v >= min : v > min) && (!integer || Number.isInteger(v));
  if (!ok) {
    throw new PolytensorError(
      `${op}: ${name} must be a finite ${integer ? 'integer' : 'number'} ${minInclusive ? '≥' : '>'} ${min}, got ${typeof v === 'number' ? v : JSON.stringify(v)}`,
    );
  }
  return v as number;
}

function checkArgs(op: string, args: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (args === null || typeof args !== 'object' || Array.isArray(args))
    throw new PolytensorError(`${op}: expected an object of options (${allowed.join(', ')})`);
  const extra = Object.keys(args).filter((k) => !allowed.includes(k));
  if (extra.length) throw new PolytensorError(`${op}: unknown option ${extra.map((k) => `'${k}'`).join(', ')}; options are ${allowed.join(', ')}`);
  return args as Record<string, unknown>;
}

export interface ExponentialDecayArgs {
  initialLearningRate: number;
  /** Steps per decay period (> 0). */
  decaySteps: number;
  /** Factor per period (> 0). */
  decayRate: number;
  /** Decay in whole periods (a step function) instead of continuously. Default false. */
  staircase?: boolean;
}

/**
 * `initialLearningRate · decayRate^(step / decaySteps)`; with staircase the
 * exponent is floored, giving a step decay.
 * @example new Adam(new ExponentialDecay({ initialLearningRate: 0.01, decaySteps: 1000, decayRate: 0.5, staircase: true }))
 */
export class ExponentialDecay extends LearningRateSchedule {
  readonly className = 'ExponentialDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;

  constructor(args: ExponentialDecayArgs) {
    super();
    const op = 'ExponentialDecay';
    const a = checkArgs(op, args, ['initialLearningRate', 'decaySteps', 'decayRate', 'staircase']);
    this.initialLearningRate = checkNumber(op, 'initialLearningRate', a['initialLearningRate'], { min: 0, minInclusive: false });
    this.decaySteps = checkNumber(op, 'decaySteps', a['decaySteps'], { min: 0, minInclusive: false });
    this.decayRate = checkNumber(op, 'decayRate', a['decayRate'], { min: 0, minInclusive: false });
    if (a['staircase'] !== undefined && typeof a['staircase'] !== 'boolean') throw new PolytensorError(`${op}: staircase must be true or false`);
    this.staircase = (a['staircase'] as boolean | undefined) ?? false;
  }

  at(step: number): number {
    const p = step / this.decaySteps;
    return this.initialLearningRate * this.decayRate ** (this.staircase ? Math.floor(p) : p);
  }

  getConfig(): ScheduleConfig {
    return { initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps, decayRate: this.decayRate, staircase: this.staircase };
  }
}

export interface PiecewiseConstantDecayArgs {
  /** Increasing step counts where the rate changes. */
  boundaries: number[];
  /** One more rate than boundaries: values[i] applies while step ≤ boundaries[i] (and above boundaries[i-1]). */
  values: number[];
}

/**
 * A step schedule: `values[0]` up to and including step `boundaries[0]`,
 * `values[1]` up to `boundaries[1]`, …, the last value after the last boundary.
 * @example new SGD(new PiecewiseConstantDecay({ boundaries: [100, 200], values: [0.1, 0.01, 0.001] }))
 */
export class PiecewiseConstantDecay extends LearningRateSchedule {
  readonly className = 'PiecewiseConstantDecay';
  readonly boundaries: readonly number[];
  readonly values: readonly number[];

  constructor(args: PiecewiseConstantDecayArgs) {
    super();
    const op = 'PiecewiseConstantDecay';
    const a = checkArgs(op, args, ['boundaries', 'values']);
    const b = a['boundaries'];
    const v = a['values'];
    if (!Array.isArray(b) || !Array.isArray(v)) throw new PolytensorError(`${op}: boundaries and values must be arrays of numbers`);
    b.forEach((x, i) => checkNumber(op, `boundaries[${i}]`, x, { min: 0 }));
    v.forEach((x, i) => checkNumber(op, `values[${i}]`, x, { min: 0, minInclusive: false }));
    for (let i = 1; i < b.length; i++) {
      if (!((b[i] as number) > (b[i - 1] as number))) throw new PolytensorError(`${op}: boundaries must increase, got [${b.join(', ')}]`);
    }
    if (v.length !== b.length + 1) {
      throw new PolytensorError(`${op}: values must have one more entry than boundaries, got ${v.length} values for ${b.length} boundaries`);
    }
    this.boundaries = Object.freeze([...(b as number[])]);
    this.values = Object.freeze([...(v as number[])]);
  }

  at(step: number): number {
    let i = 0;
    while (i < this.boundaries.length && step > this.boundaries[i]!) i++;
    return this.values[i]!;
  }

  getConfig(): ScheduleConfig {
    return { boundaries: [...this.boundaries], values: [...this.values] };
  }
}

export interface CosineDecayArgs {
  initialLearningRate: number;
  /** Steps of the cosine decay (> 0), after the warm-up. */
  decaySteps: number;
  /** The final rate as a fraction of the decay's starting rate. Default 0. */
  alpha?: number;
  /** Warm up linearly from initialLearningRate to this rate, then decay from it. Default: no warm-up. */
  warmupTarget?: number;
  /** Steps of the warm-up. Default 0. */
  warmupSteps?: number;
}

/**
 * Cosine decay with an optional linear warm-up, as Keras 3: for `step <
 * warmupSteps`, `initial + (warmupTarget − initial)·step/warmupSteps`; then
 * `from·((1 − alpha)·½(1 + cos(π·s/decaySteps)) + alpha)` with `s` the steps
 * since the warm-up (capped at decaySteps) and `from` the warm-up target (or
 * the initial rate without warm-up).
 * @example new AdamW(new CosineDecay({ initialLearningRate: 0, warmupTarget: 1e-3, warmupSteps: 100, decaySteps: 1000 }))
 */
export class CosineDecay extends LearningRateSchedule {
  readonly className = 'CosineDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly alpha: number;
  readonly warmupTarget: number | null;
  readonly warmupSteps: number;

  constructor(args: CosineDecayArgs) {
    super();
    const op = 'CosineDecay';
    const a = checkArgs(op, args, ['initialLearningRate', 'decaySteps', 'alpha', 'warmupTarget', 'warmupSteps']);
    this.initialLearningRate = checkNumber(op, 'initialLearningRate', a['initialLearningRate'], { min: 0 });
    this.decaySteps = checkNumber(op, 'decaySteps', a['decaySteps'], { min: 0, minInclusive: false });
    this.alpha = checkNumber(op, 'alpha', a['alpha'] ?? 0, { min: 0 });
    this.warmupTarget = a['warmupTarget'] === undefined ? null : checkNumber(op, 'warmupTarget', a['warmupTarget'], { min: 0, minInclusive: false });
    this.warmupSteps = checkNumber(op, 'warmupSteps', a['warmupSteps'] ?? 0, { min: 0 });
    if (this.warmupTarget === null && this.warmupSteps > 0)
      throw new PolytensorError(`${op}: warmupSteps ${this.warmupSteps} needs a warmupTarget to warm up to`);
    if (this.warmupTarget === null && this.initialLearningRate === 0) {
      throw new PolytensorError(`${op}: initialLearningRate is 0 and there is no warmupTarget, so the rate would stay 0`);
    }
  }

  at(step: number): number {
    const decay = (s: number, from: number): number => from * ((1 - this.alpha) * 0.5 * (1 + Math.cos((Math.PI * s) / this.decaySteps)) + this.alpha);
    if (this.warmupTarget === null) return decay(Math.min(step, this.decaySteps), this.initialLearningRate);
    const s = Math.min(step, this.decaySteps + this.warmupSteps);
    if (s < this.warmupSteps) return (this.warmupTarget - this.initialLearningRate) * (s / this.warmupSteps) + this.initialLearningRate;
    return decay(s - this.warmupSteps, this.warmupTarget);
  }

  getConfig(): ScheduleConfig {
    return {
      initialLearningRate: this.initialLearningRate,
      decaySteps: this.decaySteps,
      alpha: this.alpha,
      ...(this.warmupTarget === null ? {} : { warmupTarget: this.warmupTarget }),
      warmupSteps: this.warmupSteps,
    };
  }
}

/** The built-in schedules by class name, for loading a saved model. */
const SCHEDULES: Readonly<Record<string, (config: ScheduleConfig) => LearningRateSchedule>> = {
  ExponentialDecay: (c) => new ExponentialDecay(c as unknown as ExponentialDecayArgs),
  PiecewiseConstantDecay: (c) => new PiecewiseConstantDecay(c as unknown as PiecewiseConstantDecayArgs),
  CosineDecay: (c) => new CosineDecay(c as unknown as CosineDecayArgs),
};

/** Class names of the schedules a saved model can name. */
export const serializableSchedules = (): string[] => Object.keys(SCHEDULES);

/** A built-in schedule from its saved class name and config (validated by its constructor). */
export function scheduleFromConfig(className: string, config: ScheduleConfig): LearningRateSchedule {
  const make = Object.hasOwn(SCHEDULES, className) ? SCHEDULES[className] : undefined;
  if (!make) throw new PolytensorError(`'${className}' is not a built-in schedule (${serializableSchedules().join(', ')})`);
  return make(config);
}
