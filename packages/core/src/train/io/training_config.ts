// Compile settings in a saved model: written by toArtifacts, read back by
// loadModel so a loaded model trains and evaluates as the saved one did.
import { PolytensorError } from '../../errors.js';
import { getLoss, type LossInfo } from '../losses.js';
import { getMetric, type MetricFn } from '../metrics.js';
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  type LearningRateSchedule,
  Momentum,
  Nadam,
  type Optimizer,
  type OptimizerOptions,
  RMSprop,
  SGD,
} from '../optimizers/index.js';
import { clipKeys } from '../optimizers/clipping.js';
import { scheduleFromConfig } from '../optimizers/schedules.js';
import type { TrainingConfig } from './types.js';

type Hyper = number | boolean;
type LR = number | LearningRateSchedule;
type Make = (lr: LR, v: Hyper[], options: OptimizerOptions) => Optimizer;
const n = (v: Hyper | undefined): number => v as number;
const b = (v: Hyper | undefined): boolean => v as boolean;

/**
 * Each built-in optimizer: its hyperparameters after learningRate, in
 * constructor order, and how to construct it from them (plus the clipping
 * option, which every optimizer takes as its last argument).
 */
const OPTIMIZERS: ReadonlyMap<string, { keys: readonly string[]; make: Make }> = new Map<string, { keys: readonly string[]; make: Make }>([
  ['SGD', { keys: [], make: (lr, _v, o) => new SGD(lr, o) }],
  ['Momentum', { keys: ['momentum', 'useNesterov'], make: (lr, v, o) => new Momentum(lr, n(v[0]), b(v[1]), o) }],
  ['Adam', { keys: ['beta1', 'beta2', 'epsilon'], make: (lr, v, o) => new Adam(lr, n(v[0]), n(v[1]), n(v[2]), o) }],
  ['RMSprop', { keys: ['rho', 'momentum', 'epsilon', 'centered'], make: (lr, v, o) => new RMSprop(lr, n(v[0]), n(v[1]), n(v[2]), b(v[3]), o) }],
  ['Adagrad', { keys: ['initialAccumulatorValue', 'epsilon'], make: (lr, v, o) => new Adagrad(lr, n(v[0]), n(v[1]), o) }],
  ['Adadelta', { keys: ['rho', 'epsilon'], make: (lr, v, o) => new Adadelta(lr, n(v[0]), n(v[1]), o) }],
  ['Adamax', { keys: ['beta1', 'beta2', 'epsilon'], make: (lr, v, o) => new Adamax(lr, n(v[0]), n(v[1]), n(v[2]), o) }],
  ['Nadam', { keys: ['beta1', 'beta2', 'epsilon'], make: (lr, v, o) => new Nadam(lr, n(v[0]), n(v[1]), n(v[2]), o) }],
  ['AdamW', { keys: ['weightDecay', 'beta1', 'beta2', 'epsilon'], make: (lr, v, o) => new AdamW(lr, n(v[0]), n(v[1]), n(v[2]), n(v[3]), o) }],
]);

/** Whether a schedule is one of the built-in classes (not a subclass of your own), so it can be saved. */
function isBuiltInSchedule(schedule: LearningRateSchedule): boolean {
  try {
    return scheduleFromConfig(schedule.className, schedule.getConfig()).constructor === schedule.constructor;
  } catch {
    return false;
  }
}

/** Class names of the optimizers a saved model can name. */
export const serializableOptimizers = (): string[] => [...OPTIMIZERS.keys()];

/**
 * Prefix of a custom (user function) loss or metric's name in a saved file: a
 * function cannot be saved, and its name must never resolve to a built-in
 * (loading then asks for `{ compile: false }`).
 */
export const CUSTOM_PREFIX = 'custom:';

/** The name under which `fn` is saved: its built-in name if `fn` is that built-in, else the custom marker. */
function savedName(name: string, fn: unknown, lookup: (name: string) => { fn: unknown }): string {
  try {
    if (lookup(name).fn === fn) return name;
  } catch {
    // not a built-in name
  }
  return `${CUSTOM_PREFIX}${name}`;
}

/** The settings of a compiled model, as saved: one loss and metric list for a one-output model, records by output name for several. */
export function trainingConfigOf(
  optimizer: Optimizer,
  outputs: ReadonlyArray<{ loss: LossInfo; weight: number; metricNames: readonly string[]; metricFns: readonly MetricFn[] }>,
  outputNames: readonly string[],
): TrainingConfig {
  const metricsOf = (o: (typeof outputs)[number]): string[] => o.metricNames.map((name, i) => savedName(name, o.metricFns[i], getMetric));
  const optimizerSpec: TrainingConfig['optimizer'] = { className: optimizer.className, config: { ...optimizer.getConfig() } };
  const schedule = optimizer.learningRateSchedule;
  // Only a built-in schedule is saved (a subclass of your own would load as something else).
  if (schedule && isBuiltInSchedule(schedule)) optimizerSpec.learningRateSchedule = { className: schedule.className, config: schedule.getConfig() };
  if (outputs.length === 1 && outputs[0]!.weight === 1) {
    return { optimizer: optimizerSpec, loss: savedName(outputs[0]!.loss.name, outputs[0]!.loss.fn, getLoss), metrics: metricsOf(outputs[0]!) };
  }
  const byName = <T>(f: (o: (typeof outputs)[number]) => T): Record<string, T> => Object.fromEntries(outputs.map((o, i) => [outputNames[i]!, f(o)]));
  return {
    optimizer: optimizerSpec,
    loss: byName((o) => savedName(o.loss.name, o.loss.fn, getLoss)),
    metrics: byName(metricsOf),
    lossWeights: byName((o) => o.weight),
  };
}

/** What compile() needs, rebuilt from saved settings (checked: nothing is left to a default). */
export interface RestoredTraining {
  optimizer: Optimizer;
  loss: LossInfo | Record<string, LossInfo>;
  metrics: MetricFn[] | Record<string, MetricFn[]>;
  lossWeights?: Record<string, number>;
}

/**
 * Rebuild the optimizer (fresh state) and check the loss and metric names.
 * Allocates nothing: an optimizer creates its slots on its first step.
 */
export function trainingFromConfig(tc: TrainingConfig, where: string): RestoredTraining {
  const hint = 'or load it uncompiled with loadModel(source, { compile: false }) and compile it yourself';
  const bad = (field: string, problem: string): never => {
    throw new PolytensorError(`loadModel: ${where}: trainingConfig.${field} ${problem}; ${hint}`);
  };
  const entry = OPTIMIZERS.get(tc.optimizer.className);
  if (!entry)
    bad('optimizer.className', `names ${JSON.stringify(tc.optimizer.className)}, which is not a built-in optimizer (${serializableOptimizers().join(', ')})`);
  const { keys, make } = entry!;
  const config = tc.optimizer.config;
  const clips = clipKeys();
  const allowed = ['learningRate', ...keys, ...clips];
  const extra = Object.keys(config).filter((k) => !allowed.includes(k));
  if (extra.length)
    bad('optimizer.config', `has ${extra.map((k) => `'${k}'`).join(', ')}, which ${tc.optimizer.className} does not take (it takes ${allowed.join(', ')})`);
  const [learningRate, ...values] = ['learningRate', ...keys].map((k) => {
    if (!Object.hasOwn(config, k)) bad('optimizer.config', `lacks '${k}' (${tc.optimizer.className} takes ${allowed.join(', ')})`);
    return config[k]!;
  });
  const options: Record<string, number> = {};
  for (const k of clips) if (Object.hasOwn(config, k)) options[k] = config[k] as number;
  let optimizer: Optimizer;
  try {
    const s = tc.optimizer.learningRateSchedule;
    optimizer = make(s ? scheduleFromConfig(s.className, s.config) : (learningRate as number), values, options);
  } catch (e) {
    return bad(tc.optimizer.learningRateSchedule ? 'optimizer' : 'optimizer.config', `is invalid: ${(e as Error).message}`);
  }
  // With a schedule, learningRate is the value when saved: the schedule restarts from the optimizer's step 0.
  const drift = [...(tc.optimizer.learningRateSchedule ? [] : ['learningRate']), ...keys, ...clips.filter((k) => Object.hasOwn(config, k))].filter(
    (k) => optimizer.getConfig()[k] !== config[k],
  );
  if (drift.length) bad('optimizer.config', `has ${drift.map((k) => `${k}: ${JSON.stringify(config[k])}`).join(', ')} of the wrong type`);
  const custom = (field: string, name: string): void => {
    if (name.startsWith(CUSTOM_PREFIX))
      bad(field, `is your own function '${name.slice(CUSTOM_PREFIX.length)}', which a file cannot hold; load with { compile: false } and compile with it`);
  };
  const lossOf = (field: string, name: string): LossInfo => {
    custom(field, name);
    try {
      return getLoss(name);
    } catch (e) {
      return bad(field, `is invalid: ${(e as Error).message}`);
    }
  };
  const metricsOf = (field: string, names: readonly string[]): MetricFn[] =>
    names.map((m, i) => {
      custom(`${field}[${i}]`, m);
      try {
        return getMetric(m).fn;
      } catch (e) {
        return bad(`${field}[${i}]`, `is invalid: ${(e as Error).message}`);
      }
    });
  if (typeof tc.loss === 'string') {
    if (!Array.isArray(tc.metrics)) bad('metrics', 'must be an array of names when loss is one name');
    return { optimizer, loss: lossOf('loss', tc.loss), metrics: metricsOf('metrics', tc.metrics as string[]) };
  }
  const loss: Record<string, LossInfo> = {};
  for (const [k, v] of Object.entries(tc.loss)) Object.defineProperty(loss, k, { value: lossOf(`loss.${k}`, v), enumerable: true });
  const metrics: Record<string, MetricFn[]> = {};
  if (Array.isArray(tc.metrics)) bad('metrics', 'must be a record by output name when loss is');
  for (const [k, v] of Object.entries(tc.metrics as Record<string, string[]>))
    Object.defineProperty(metrics, k, { value: metricsOf(`metrics.${k}`, v), enumerable: true });
  return { optimizer, loss, metrics, ...(tc.lossWeights ? { lossWeights: tc.lossWeights } : {}) };
}
