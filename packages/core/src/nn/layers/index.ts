import { BatchNormalization, type BatchNormalizationArgs } from './batch_norm.js';
import { Activation, Dropout, Flatten, Reshape, type ActivationArgs, type DropoutArgs, type ReshapeArgs } from './basic.js';
import { Conv2D, type Conv2DArgs } from './conv2d.js';
import { Dense, type DenseArgs } from './dense.js';
import type { LayerArgs } from './layer.js';
import { input, type InputArgs } from './input_layer.js';
import type { SymbolicTensor } from './symbolic.js';
import { AveragePooling2D, MaxPooling2D, type Pooling2DArgs } from './pooling.js';
import { Lambda, type LambdaArgs } from './lambda.js';
import {
  AveragePooling1D,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  MaxPooling1D,
  type GlobalPoolingArgs,
  type Pooling1DArgs,
} from './pooling1d.js';
import {
  Cropping2D,
  Permute,
  RepeatVector,
  UpSampling2D,
  ZeroPadding2D,
  type Cropping2DArgs,
  type PermuteArgs,
  type RepeatVectorArgs,
  type Spatial2DArgs,
  type UpSampling2DArgs,
  type ZeroPadding2DArgs,
} from './reshaping.js';
import { Conv1D, type Conv1DArgs } from './conv1d.js';
import {
  Conv2DTranspose,
  DepthwiseConv2D,
  SeparableConv2D,
  type Conv2DTransposeArgs,
  type DepthwiseConv2DArgs,
  type SeparableConv2DArgs,
} from './conv_variants.js';
import { LayerNormalization, type LayerNormalizationArgs } from './layer_norm.js';
import {
  ELU,
  LeakyReLU,
  PReLU,
  ReLU,
  Softmax,
  ThresholdedReLU,
  type ELUArgs,
  type LeakyReLUArgs,
  type PReLUArgs,
  type ReLUArgs,
  type SoftmaxArgs,
  type ThresholdedReLUArgs,
} from './advanced_activations.js';
import { Embedding, type EmbeddingArgs } from './embedding.js';
import { GRU, LSTM, RNN, SimpleRNN, type GRUArgs, type LSTMArgs, type RNNArgs } from './recurrent.js';
import { Bidirectional, TimeDistributed, type BidirectionalArgs, type TimeDistributedArgs } from './wrappers.js';
import { Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract, type ConcatenateArgs, type DotArgs } from './merge.js';

export {
  Layer,
  ShapePreservingLayer,
  type LayerArgs,
  type LayerConfig,
  type Shape,
  type Shapes,
  type LayerClass,
  type CallOptions,
  type NamedWeight,
  type WeightShape,
  type DataFormat,
  formatShape,
  isShapeList,
  shapeList,
  shapeFits,
  singleShape,
} from './layer.js';
export { SymbolicTensor, LayerNode } from './symbolic.js';
export { InputLayer, input, type InputArgs } from './input_layer.js';
export { registerLayer, deserializeLayer, layerClassNames, layerClass, assertSerializable } from './registry.js';
export { KernelBiasLayer, type KernelBiasArgs } from './kernel_bias.js';
export { Dense, Conv2D, MaxPooling2D, AveragePooling2D, Dropout, Flatten, Activation, Reshape, BatchNormalization };
export { Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot, Lambda, Embedding, RNN, SimpleRNN, LSTM, GRU, Bidirectional, TimeDistributed };
export { MaxPooling1D, AveragePooling1D, GlobalAveragePooling1D, GlobalMaxPooling1D, GlobalAveragePooling2D, GlobalMaxPooling2D };
export { ZeroPadding2D, Cropping2D, UpSampling2D, RepeatVector, Permute, Conv1D, LayerNormalization, ReLU, LeakyReLU, PReLU, ELU, ThresholdedReLU, Softmax };
export type { Pooling1DArgs, ZeroPadding2DArgs, Cropping2DArgs, UpSampling2DArgs, RepeatVectorArgs, PermuteArgs, Conv1DArgs, LayerNormalizationArgs };
export { Conv2DTranspose, DepthwiseConv2D, SeparableConv2D };
export type { Conv2DTransposeArgs, DepthwiseConv2DArgs, SeparableConv2DArgs };
export type { ReLUArgs, LeakyReLUArgs, PReLUArgs, ELUArgs, ThresholdedReLUArgs, SoftmaxArgs };
export type { GlobalPoolingArgs, Spatial2DArgs };
export type { EmbeddingArgs, RNNArgs, LSTMArgs, GRUArgs, BidirectionalArgs, TimeDistributedArgs };
export type { LambdaArgs };
export type { ConcatenateArgs, DotArgs };
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
  add: (args: LayerArgs = {}): Add => new Add(args),
  subtract: (args: LayerArgs = {}): Subtract => new Subtract(args),
  multiply: (args: LayerArgs = {}): Multiply => new Multiply(args),
  average: (args: LayerArgs = {}): Average => new Average(args),
  maximum: (args: LayerArgs = {}): Maximum => new Maximum(args),
  minimum: (args: LayerArgs = {}): Minimum => new Minimum(args),
  concatenate: (args: ConcatenateArgs = {}): Concatenate => new Concatenate(args),
  dot: (args: DotArgs): Dot => new Dot(args),
  lambda: (args: LambdaArgs): Lambda => new Lambda(args),
  embedding: (args: EmbeddingArgs): Embedding => new Embedding(args),
  simpleRNN: (args: RNNArgs): SimpleRNN => new SimpleRNN(args),
  lstm: (args: LSTMArgs): LSTM => new LSTM(args),
  gru: (args: GRUArgs): GRU => new GRU(args),
  bidirectional: (args: BidirectionalArgs): Bidirectional => new Bidirectional(args),
  timeDistributed: (args: TimeDistributedArgs): TimeDistributed => new TimeDistributed(args),
  maxPooling1d: (args: Pooling1DArgs = {}): MaxPooling1D => new MaxPooling1D(args),
  averagePooling1d: (args: Pooling1DArgs = {}): AveragePooling1D => new AveragePooling1D(args),
  globalAveragePooling1d: (args: GlobalPoolingArgs = {}): GlobalAveragePooling1D => new GlobalAveragePooling1D(args),
  globalMaxPooling1d: (args: GlobalPoolingArgs = {}): GlobalMaxPooling1D => new GlobalMaxPooling1D(args),
  globalAveragePooling2d: (args: GlobalPoolingArgs = {}): GlobalAveragePooling2D => new GlobalAveragePooling2D(args),
  globalMaxPooling2d: (args: GlobalPoolingArgs = {}): GlobalMaxPooling2D => new GlobalMaxPooling2D(args),
  zeroPadding2d: (args: ZeroPadding2DArgs = {}): ZeroPadding2D => new ZeroPadding2D(args),
  cropping2D: (args: Cropping2DArgs = {}): Cropping2D => new Cropping2D(args),
  upSampling2d: (args: UpSampling2DArgs = {}): UpSampling2D => new UpSampling2D(args),
  repeatVector: (args: RepeatVectorArgs): RepeatVector => new RepeatVector(args),
  permute: (args: PermuteArgs): Permute => new Permute(args),
  conv1d: (args: Conv1DArgs): Conv1D => new Conv1D(args),
  conv2dTranspose: (args: Conv2DTransposeArgs): Conv2DTranspose => new Conv2DTranspose(args),
  depthwiseConv2d: (args: DepthwiseConv2DArgs): DepthwiseConv2D => new DepthwiseConv2D(args),
  separableConv2d: (args: SeparableConv2DArgs): SeparableConv2D => new SeparableConv2D(args),
  layerNormalization: (args: LayerNormalizationArgs = {}): LayerNormalization => new LayerNormalization(args),
  reLU: (args: ReLUArgs = {}): ReLU => new ReLU(args),
  leakyReLU: (args: LeakyReLUArgs = {}): LeakyReLU => new LeakyReLU(args),
  prelu: (args: PReLUArgs = {}): PReLU => new PReLU(args),
  elu: (args: ELUArgs = {}): ELU => new ELU(args),
  thresholdedReLU: (args: ThresholdedReLUArgs = {}): ThresholdedReLU => new ThresholdedReLU(args),
  softmax: (args: SoftmaxArgs = {}): Softmax => new Softmax(args),
  /** An input of a functional model (the same as input()). */
  input: (args: InputArgs): SymbolicTensor => input(args),
};
