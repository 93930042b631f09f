// Compile settings in a saved model: written by toArtifacts, read back by
// loadModel so a loaded model trains and evaluates as the saved one did.
import { PolytensorError } from '../../errors.js';
import { getLoss, type LossInfo } from '../losses.js';
import { getMetric, type MetricFn } from '../metrics.js';
import { Adagrad, Adam, Momentum, type Optimizer, RMSprop, SGD } from '../optimizers/index.js';
import type { TrainingConfig } from './types.js';

type Hyper = number | boolean;

/** Each built-in optimizer: its hyperparameters in constructor order and how to construct it from them. */
const OPTIMIZERS: ReadonlyMap<string, { keys: readonly string[]; make: (v: Hyper[]) => Optimizer }> = new Map([
  ['SGD', { keys: ['learningRate'], make: (v: Hyper[]) => new SGD(v[0] as number) }],
  ['Momentum', { keys: ['learningRate', 'momentum', 'useNesterov'], make: (v: Hyper[]) => new Momentum(v[0] as number, v[1] as number, v[2] as boolean) }],
  ['Adam', { keys: ['learningRate', 'beta1', 'beta2', 'epsilon'], make: (v: Hyper[]) => new Adam(...(v as [number, number, number, number])) }],
  [
    'RMSprop',
    {
      keys: ['learningRate', 'rho', 'momentum', 'epsilon', 'centered'],
      make: (v: Hyper[]) => new RMSprop(...(v as [number, number, number, number, boolean])),
    },
  ],
  ['Adagrad', { keys: ['learningRate', 'initialAccumulatorValue', 'epsilon'], make: (v: Hyper[]) => new Adagrad(...(v as [number, number, number])) }],
]);

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
  const optimizerSpec = { className: optimizer.className, config: { ...optimizer.getConfig() } };
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
  const extra = Object.keys(config).filter((k) => !keys.includes(k));
  if (extra.length)
    bad('optimizer.config', `has ${extra.map((k) => `'${k}'`).join(', ')}, which ${tc.optimizer.className} does not take (it takes ${keys.join(', ')})`);
  const values = keys.map((k) => {
    if (!Object.hasOwn(config, k)) bad('optimizer.config', `lacks '${k}' (${tc.optimizer.className} takes ${keys.join(', ')})`);
    return config[k]!;
  });
  let optimizer: Optimizer;
  try {
    optimizer = make(values);
  } catch (e) {
    return bad('optimizer.config', `is invalid: ${(e as Error).message}`);
  }
  const drift = keys.filter((k) => optimizer.getConfig()[k] !== config[k]);
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
