// Which converter writes each built-in layer class, by its saved className.
import * as act from './activation.js';
import * as conv from './conv.js';
import * as merge from './merge.js';
import * as norm from './normalization.js';
import * as pool from './pooling.js';
import * as rec from './recurrent.js';
import * as shape from './shape.js';
import type { Converter } from './types.js';
import { timeDistributed } from './wrappers.js';

export const CONVERTERS: ReadonlyMap<string, Converter> = new Map<string, Converter>([
  ['InputLayer', shape.identity],
  ['Dense', conv.dense],
  ['Conv1D', conv.conv1d],
  ['Conv2D', conv.conv2d],
  ['Conv2DTranspose', conv.conv2dTranspose],
  ['DepthwiseConv2D', conv.depthwiseConv2d],
  ['SeparableConv2D', conv.separableConv2d],
  ['MaxPooling1D', pool.maxPooling1d],
  ['AveragePooling1D', pool.averagePooling1d],
  ['MaxPooling2D', pool.maxPooling2d],
  ['AveragePooling2D', pool.averagePooling2d],
  ['GlobalAveragePooling1D', pool.globalAveragePooling],
  ['GlobalAveragePooling2D', pool.globalAveragePooling],
  ['GlobalMaxPooling1D', pool.globalMaxPooling],
  ['GlobalMaxPooling2D', pool.globalMaxPooling],
  ['Dropout', shape.identity],
  ['Flatten', shape.flatten],
  ['Reshape', shape.reshapeLayer],
  ['Permute', shape.permute],
  ['RepeatVector', shape.repeatVector],
  ['ZeroPadding2D', shape.zeroPadding2d],
  ['Cropping2D', shape.cropping2d],
  ['UpSampling2D', shape.upSampling2d],
  ['Activation', act.activationLayer],
  ['ReLU', act.relu],
  ['LeakyReLU', act.leakyRelu],
  ['PReLU', act.prelu],
  ['ELU', act.elu],
  ['ThresholdedReLU', act.thresholdedRelu],
  ['Softmax', act.softmax],
  ['BatchNormalization', norm.batchNormalization],
  ['LayerNormalization', norm.layerNormalization],
  ['Embedding', norm.embedding],
  ['SimpleRNN', rec.recurrent],
  ['LSTM', rec.recurrent],
  ['GRU', rec.recurrent],
  ['Bidirectional', rec.bidirectional],
  ['TimeDistributed', timeDistributed],
  ['Add', merge.add],
  ['Subtract', merge.subtract],
  ['Multiply', merge.multiply],
  ['Average', merge.average],
  ['Maximum', merge.maximum],
  ['Minimum', merge.minimum],
  ['Concatenate', merge.concatenate],
  ['Dot', merge.dot],
]);
