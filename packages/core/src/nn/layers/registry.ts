// Which class a saved className names. Built-in layers sit in a static table
// built from imports, not from registration calls: a bundler drops a
// side-effect-only call in a package marked sideEffects: false, but keeps
// every class this table names, so a loaded model never meets a class
// tree-shaken away. A user's own layers join through registerLayer.
import { PolytensorError } from '../../errors.js';
import { Activation, Dropout, Flatten, Reshape } from './basic.js';
import { BatchNormalization } from './batch_norm.js';
import { Conv2D } from './conv2d.js';
import { Dense } from './dense.js';
import { InputLayer } from './input_layer.js';
import type { Layer, LayerClass, LayerConfig } from './layer.js';
import { Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract } from './merge.js';
import { AveragePooling2D, MaxPooling2D } from './pooling.js';
import { GRU, LSTM, SimpleRNN } from './recurrent.js';
import { Bidirectional, TimeDistributed } from './wrappers.js';
import { AveragePooling1D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPooling1D } from './pooling1d.js';
import { Cropping2D, Permute, RepeatVector, UpSampling2D, ZeroPadding2D } from './reshaping.js';
import { Conv1D } from './conv1d.js';
import { Conv2DTranspose, DepthwiseConv2D, SeparableConv2D } from './conv_variants.js';
import { LayerNormalization } from './layer_norm.js';
import { ELU, LeakyReLU, PReLU, ReLU, Softmax, ThresholdedReLU } from './advanced_activations.js';
import { Embedding } from './embedding.js';

const BUILT_IN: readonly LayerClass[] = [
  Dense,
  Conv2D,
  MaxPooling2D,
  AveragePooling2D,
  Dropout,
  Flatten,
  Activation,
  Reshape,
  BatchNormalization,
  InputLayer,
  Add,
  Subtract,
  Multiply,
  Average,
  Maximum,
  Minimum,
  Concatenate,
  Dot,
  Embedding,
  SimpleRNN,
  LSTM,
  GRU,
  Bidirectional,
  TimeDistributed,
  MaxPooling1D,
  AveragePooling1D,
  GlobalAveragePooling1D,
  GlobalMaxPooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling2D,
  ZeroPadding2D,
  Cropping2D,
  UpSampling2D,
  RepeatVector,
  Permute,
  Conv1D,
  LayerNormalization,
  ReLU,
  LeakyReLU,
  PReLU,
  ELU,
  ThresholdedReLU,
  Softmax,
  Conv2DTranspose,
  DepthwiseConv2D,
  SeparableConv2D,
];

// Maps, not objects: a saved class name like 'constructor' or '__proto__' must not reach Object.prototype.
const builtIns = new Map<string, LayerClass>(BUILT_IN.map((c) => [c.className, c]));
const registered = new Map<string, LayerClass>();

/**
 * Register your own layer class so models holding it save and load. The class
 * needs a `static readonly className` (the name saved in files: a literal,
 * since bundlers rename classes), a constructor taking its getConfig() (or a
 * static fromConfig), and getConfig() returning JSON values.
 * @example
 * class Scale extends Layer {
 *   static readonly className: string = 'Scale';
 *   ...
 * }
 * registerLayer(Scale);
 */
export function registerLayer(cls: LayerClass): void {
  if (typeof cls !== 'function') throw new PolytensorError(`registerLayer: pass a layer class, got ${cls === null ? 'null' : typeof cls}`);
  const name = Object.hasOwn(cls, 'className') ? cls.className : undefined;
  if (typeof name !== 'string' || !/^[A-Za-z_][\w.:-]*$/.test(name)) {
    throw new PolytensorError(
      `registerLayer: class ${cls.name} needs its own static className, a name saved in model files ` +
        `(e.g. static readonly className: string = '${cls.name || 'MyLayer'}'); got ${JSON.stringify(name)}`,
    );
  }
  if (builtIns.has(name)) throw new PolytensorError(`registerLayer: '${name}' is a built-in layer class; give your class another static className`);
  const prior = registered.get(name);
  if (prior && prior !== cls) {
    throw new PolytensorError(`registerLayer: another class is already registered as '${name}'; give one of them another static className`);
  }
  registered.set(name, cls);
}

/** The class saved as `className`, or undefined. */
export function layerClass(className: string): LayerClass | undefined {
  return builtIns.get(className) ?? registered.get(className);
}

/** Class names deserializeLayer knows: the built-ins, then registered ones. */
export const layerClassNames = (): string[] => [...builtIns.keys(), ...registered.keys()];

/**
 * Throw unless `layer` can be saved: its class must be the one its className
 * names (a built-in or registered). Checked before a model is saved, so an
 * unregistered custom layer fails there rather than on loading.
 */
export function assertSerializable(layer: Layer, op: string): void {
  const ctor = layer.constructor as Partial<LayerClass>;
  // By name, not identity: two copies of core in one app hold different but equivalent classes.
  const own = Object.hasOwn(ctor, 'className');
  if (!own || !layerClass(layer.className)) {
    throw new PolytensorError(
      `${op}: layer '${layer.name}' is a ${layer.constructor.name}, which is not registered` +
        (own
          ? `; call registerLayer(${layer.constructor.name}) before saving`
          : `; give it a static className and call registerLayer(${layer.constructor.name})`),
    );
  }
}

/** Rebuild a layer from { className, config } (model loading). Allocates nothing: weights come with build(). */
export function deserializeLayer(spec: { className: string; config: LayerConfig }): Layer {
  const cls = typeof spec.className === 'string' ? layerClass(spec.className) : undefined;
  if (!cls) {
    throw new PolytensorError(
      `unknown layer class ${JSON.stringify(spec.className)}; known: ${layerClassNames().join(', ')}. ` +
        'If it is your own layer class, call registerLayer(TheClass) before loading',
    );
  }
  // Wrappers (Bidirectional, TimeDistributed) hold a layer in their config: rebuild it first.
  const nested = (cls as { nestedLayers?: readonly string[] }).nestedLayers ?? [];
  const config: LayerConfig = { ...spec.config };
  for (const key of nested) {
    const inner = config[key] as { className?: unknown; config?: unknown } | undefined;
    if (inner === null || typeof inner !== 'object' || typeof inner.className !== 'string' || typeof inner.config !== 'object' || inner.config === null) {
      throw new PolytensorError(`${spec.className}: config.${key} must be a saved layer { className, config }, got ${JSON.stringify(inner)?.slice(0, 60)}`);
    }
    config[key] = deserializeLayer({ className: inner.className, config: inner.config as LayerConfig });
  }
  return cls.fromConfig ? cls.fromConfig(config) : new cls(config);
}
