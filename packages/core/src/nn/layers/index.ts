import { PolytensorError } from '../../errors.js';
import { BatchNormalization, type BatchNormalizationArgs } from './batch_norm.js';
import { Activation, Dropout, Flatten, Reshape, type ActivationArgs, type DropoutArgs, type ReshapeArgs } from './basic.js';
import { Conv2D, type Conv2DArgs } from './conv2d.js';
import { Dense, type DenseArgs } from './dense.js';
import type { Layer, LayerArgs, LayerConfig } from './layer.js';
import { AveragePooling2D, MaxPooling2D, type Pooling2DArgs } from './pooling.js';

export {
  Layer,
  ShapePreservingLayer,
  type LayerArgs,
  type LayerConfig,
  type Shape,
  type CallOptions,
  type NamedWeight,
  type WeightShape,
  formatShape,
} from './layer.js';
export { KernelBiasLayer, type KernelBiasArgs } from './kernel_bias.js';
export { Dense, Conv2D, MaxPooling2D, AveragePooling2D, Dropout, Flatten, Activation, Reshape, BatchNormalization };
export type { DenseArgs, Conv2DArgs, Pooling2DArgs, DropoutArgs, ActivationArgs, ReshapeArgs, BatchNormalizationArgs };

/** Keras-style factories: layers.dense({ units: 10 }). */
export const layers = {
  dense: (args: DenseArgs): Dense => new Dense(args),
  conv2d: (args: Conv2DArgs): Conv2D => new Conv2D(args),
  maxPooling2d: (args: Pooling2DArgs = {}): MaxPooling2D => new MaxPooling2D(args),
  averagePooling2d: (args: Pooling2DArgs = {}): AveragePooling2D => new AveragePooling2D(args),
  dropout: (args: DropoutArgs): Dropout => new Dropout(args),
  flatten: (args: LayerArgs = {}): Flatten => new Flatten(args),
  activation: (args: ActivationArgs): Activation => new Activation(args),
  reshape: (args: ReshapeArgs): Reshape => new Reshape(args),
  batchNormalization: (args: BatchNormalizationArgs = {}): BatchNormalization => new BatchNormalization(args),
};

type LayerCtor = new (config: never) => Layer;
// A Map, not an object: a saved class name like 'constructor' or '__proto__' must not reach Object.prototype.
const CLASSES: ReadonlyMap<string, LayerCtor> = new Map<string, LayerCtor>([
  ['Dense', Dense],
  ['Conv2D', Conv2D],
  ['MaxPooling2D', MaxPooling2D],
  ['AveragePooling2D', AveragePooling2D],
  ['Dropout', Dropout],
  ['Flatten', Flatten],
  ['Activation', Activation],
  ['Reshape', Reshape],
  ['BatchNormalization', BatchNormalization],
]);

/** Class names deserializeLayer knows. */
export const layerClassNames = (): string[] => [...CLASSES.keys()];

/** Rebuild a layer from { className, config } (model loading). Allocates nothing: weights come with build(). */
export function deserializeLayer(spec: { className: string; config: LayerConfig }): Layer {
  const Ctor = typeof spec.className === 'string' ? CLASSES.get(spec.className) : undefined;
  if (!Ctor) throw new PolytensorError(`unknown layer class ${JSON.stringify(spec.className)}; known: ${layerClassNames().join(', ')}`);
  return new Ctor(spec.config as never);
}
