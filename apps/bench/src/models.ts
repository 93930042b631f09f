/**
 * The seed models the bench trains, from @polytensor/models (defined once for
 * the whole repository). The polytensor side runs the zoo's own `Sequential`;
 * for the tfjs program (tfjs_model.ts) and the float64 reference step
 * (reference_model.ts) this module derives a `ModelSpec` from the zoo model's
 * layer configs and its recipe. Initial weights are the zoo model's own
 * (its initializers, seeded), read once and shared by all three programs.
 */
import * as pt from '@polytensor/core';
import { RECIPES, type Recipe, type RecipeName } from '@polytensor/models';
import { labels, uniform } from './rng.js';

export type ModelName = RecipeName;

export type Activation = 'linear' | 'relu' | 'sigmoid' | 'softmax';

/** The layers the tfjs program and the float64 reference implement. */
export type LayerSpec =
  | { kind: 'dense'; units: number; activation: Activation }
  /** Stride 1, SAME padding, a square odd filter, with bias. */
  | { kind: 'conv'; filters: number; size: number; activation: Activation }
  /** Square windows, stride = size, VALID padding. */
  | { kind: 'avgpool'; size: number }
  | { kind: 'dropout'; rate: number }
  | { kind: 'flatten' };

export type OptimizerSpec = { kind: 'sgd'; learningRate: number } | { kind: 'adam'; learningRate: number; beta1: number; beta2: number; epsilon: number };

export type LossName = 'sparseSoftmaxCrossEntropy' | 'sparseCategoricalCrossentropy';

export interface ModelSpec {
  name: ModelName;
  /** The layers in a line, e.g. "784 → 64 sigmoid → 10". */
  summary: string;
  inputShape: number[];
  layers: LayerSpec[];
  /** sparseSoftmaxCrossEntropy from logits, or Keras' sparse categorical cross-entropy on probabilities. */
  loss: LossName;
  optimizer: OptimizerSpec;
  classes: number;
  /** The recipe's batch size. */
  batchSize: number;
}

/** Initial weights in Sequential order (kernel, bias per layer), with their shapes. */
export interface Weights {
  values: Float32Array[];
  shapes: number[][];
}

const ACTIVATIONS: readonly Activation[] = ['linear', 'relu', 'sigmoid', 'softmax'];
const LOSSES: readonly LossName[] = ['sparseSoftmaxCrossEntropy', 'sparseCategoricalCrossentropy'];

type Config = Record<string, unknown>;
const pair = (v: unknown): [number, number] | null => (Array.isArray(v) && v.length === 2 ? [Number(v[0]), Number(v[1])] : null);
const same = (v: unknown, n: number): boolean => pair(v)?.every((d) => d === n) ?? false;

/** One zoo layer as the tfjs program and the reference know it; a clear error for anything else. */
function layerSpec(model: string, layer: pt.Layer): LayerSpec {
  const c: Config = layer.getConfig();
  const fail = (what: string): Error =>
    new Error(
      `bench: ${model}'s layer '${layer.name}' (${layer.className}) ${what}; the bench's tfjs program and float64 reference ` +
        'support Dense, Conv2D (stride 1, SAME, square odd filter), AveragePooling2D (stride = pool size, VALID), Dropout and Flatten ' +
        `with activations ${ACTIVATIONS.join(', ')}: extend apps/bench/src/models.ts to benchmark it`,
    );
  const activation = (): Activation => {
    const a = c['activation'];
    if (!ACTIVATIONS.includes(a as Activation)) throw fail(`has activation ${JSON.stringify(a)}`);
    return a as Activation;
  };
  switch (layer.className) {
    case 'Dense':
      if (c['useBias'] !== true) throw fail('has no bias');
      return { kind: 'dense', units: Number(c['units']), activation: activation() };
    case 'Conv2D': {
      const k = pair(c['kernelSize']);
      if (!k || k[0] !== k[1] || k[0] % 2 === 0) throw fail(`has kernelSize ${JSON.stringify(c['kernelSize'])}`);
      if (!same(c['strides'], 1) || !same(c['dilationRate'], 1))
        throw fail(`has strides ${JSON.stringify(c['strides'])}, dilationRate ${JSON.stringify(c['dilationRate'])}`);
      if (c['padding'] !== 'same') throw fail(`has padding ${JSON.stringify(c['padding'])}`);
      if (c['useBias'] !== true) throw fail('has no bias');
      return { kind: 'conv', filters: Number(c['filters']), size: k[0], activation: activation() };
    }
    case 'AveragePooling2D': {
      const p = pair(c['poolSize']);
      if (!p || p[0] !== p[1] || !same(c['strides'], p[0]) || c['padding'] !== 'valid') {
        throw fail(`has poolSize ${JSON.stringify(c['poolSize'])}, strides ${JSON.stringify(c['strides'])}, padding ${JSON.stringify(c['padding'])}`);
      }
      return { kind: 'avgpool', size: p[0] };
    }
    case 'Dropout':
      return { kind: 'dropout', rate: Number(c['rate']) };
    case 'Flatten':
      return { kind: 'flatten' };
    default:
      throw fail('is not supported');
  }
}

/** The recipe's optimizer as core builds it, with every hyperparameter the tfjs program and the reference need. */
function optimizerSpec(name: string, recipe: RecipeLike): OptimizerSpec {
  const { optimizer, learningRate } = recipe.compile;
  const o = pt.getOptimizer(optimizer, learningRate);
  const cfg = o.getConfig() as Record<string, number>;
  if (o.className === 'SGD') return { kind: 'sgd', learningRate: o.learningRate };
  if (o.className === 'Adam') return { kind: 'adam', learningRate: o.learningRate, beta1: cfg['beta1']!, beta2: cfg['beta2']!, epsilon: cfg['epsilon']! };
  throw new Error(`bench: ${name}'s recipe trains with ${o.className}; the bench's tfjs program and float64 reference support SGD and Adam`);
}

/** "784 → 64 sigmoid → 10" or "28×28×1 → conv64 relu ×2 → avgpool 2 → …": the layers, repeats folded. */
function summarize(spec: Omit<ModelSpec, 'summary'>): string {
  const parts: string[] = [spec.inputShape.join('×')];
  const act = (a: Activation): string => (a === 'linear' ? '' : ` ${a}`);
  for (const l of spec.layers) {
    if (l.kind === 'flatten') continue;
    const text =
      l.kind === 'dense'
        ? `${l.units}${act(l.activation)}`
        : l.kind === 'conv'
          ? `conv${l.filters} ${l.size}×${l.size}${act(l.activation)}`
          : l.kind === 'avgpool'
            ? `avgpool ${l.size}`
            : `dropout ${l.rate}`;
    const last = parts[parts.length - 1]!;
    const m = /^(.*) ×(\d+)$/.exec(last);
    if (last === text) parts[parts.length - 1] = `${text} ×2`;
    else if (m && m[1] === text) parts[parts.length - 1] = `${text} ×${Number(m[2]) + 1}`;
    else parts.push(text);
  }
  return parts.join(' → ');
}

/** "SGD 0.5", "Adam 0.001". */
export const optimizerText = (o: OptimizerSpec): string => `${o.kind === 'sgd' ? 'SGD' : 'Adam'} ${o.learningRate}`;

/** What `deriveSpec` reads from a recipe (the zoo's `Recipe`). */
export type RecipeLike = Pick<Recipe, 'inputShape' | 'compile' | 'batchSize'>;

/**
 * The spec of `model` trained by `recipe`: what the tfjs program and the
 * float64 reference need to run it. Throws, naming the layer, for anything
 * they do not implement.
 */
export function deriveSpec(name: ModelName, model: pt.Sequential, recipe: RecipeLike): ModelSpec {
  const where = model.name === name ? name : `${name} (${model.name})`;
  const loss = recipe.compile.loss;
  if (!LOSSES.includes(loss as LossName)) throw new Error(`bench: ${where}'s recipe uses the loss ${JSON.stringify(loss)}; supported: ${LOSSES.join(', ')}`);
  const layers = model.layers.map((l) => layerSpec(where, l));
  const last = layers[layers.length - 1];
  if (last?.kind !== 'dense') throw new Error(`bench: ${where} must end in a Dense layer (its units are the classes)`);
  const base = {
    name,
    inputShape: [...recipe.inputShape],
    layers,
    loss: loss as LossName,
    optimizer: optimizerSpec(where, recipe),
    classes: last.units,
    batchSize: recipe.batchSize,
  };
  return { ...base, summary: summarize(base) };
}

const specs = new Map<ModelName, ModelSpec>();

/** The spec of the zoo model `name` with its recipe (derived once). */
export function modelSpec(name: ModelName): ModelSpec {
  let spec = specs.get(name);
  if (!spec) {
    const model = RECIPES[name].build(); // unbuilt: no weights allocated
    try {
      spec = deriveSpec(name, model, RECIPES[name]);
    } finally {
      model.dispose();
    }
    specs.set(name, spec);
  }
  return spec;
}

/** The same spec with every dropout rate 0: the gate's deterministic twin (dropout masks come from each library's own RNG). */
export function withoutDropout(spec: ModelSpec): ModelSpec {
  return { ...spec, layers: spec.layers.map((l) => (l.kind === 'dropout' ? { kind: 'dropout', rate: 0 } : l)) };
}

export const hasDropout = (spec: ModelSpec): boolean => spec.layers.some((l) => l.kind === 'dropout' && l.rate > 0);

/**
 * The zoo model's initial weights for `seed` (its own initializers; core draws
 * them from its seeded host RNG, so every backend gets the same values). Needs
 * an active polytensor backend to build on; the values are copied out.
 */
export function initialWeights(name: ModelName, seed: number): Weights {
  pt.setSeed(seed);
  const model = RECIPES[name].build();
  try {
    model.build();
    return { values: model.getWeightValues(), shapes: model.namedWeights.map((w) => [...w.variable.shape]) };
  } finally {
    model.dispose();
  }
}

/** A batch: pixel-like inputs in [0, 1) and class ids. */
export function batchData(spec: ModelSpec, batch: number, seed: number): { x: Float32Array; y: Int32Array; xShape: number[] } {
  const xShape = [batch, ...spec.inputShape];
  const n = xShape.reduce((a, b) => a * b, 1);
  return { x: uniform(n, seed, 0, 1), y: labels(batch, spec.classes, seed + 1), xShape };
}

/** The zoo model with its dropout layers at rate 0 (rebuilt from the layer configs). */
function dropoutOff(model: pt.Sequential): pt.Sequential {
  const layers = model.layers.map((l) =>
    pt.deserializeLayer({ className: l.className, config: l.className === 'Dropout' ? { ...l.getConfig(), rate: 0 } : l.getConfig() }),
  );
  model.dispose();
  return new pt.Sequential({ name: model.name, layers });
}

/** The zoo model `name`, compiled with its recipe and set to `weights`; `dropout: false` gives the gate's twin. */
export function ptModel(name: ModelName, weights: Weights, dropout = true): pt.Sequential {
  const recipe = RECIPES[name];
  const model = dropout ? recipe.build() : dropoutOff(recipe.build());
  model.compile(recipe.compile);
  model.build();
  model.setWeightValues(weights.values);
  return model;
}
