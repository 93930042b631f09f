// Pools: channels-first in ONNX, so wrapped in layout Transposes like the
// convolutions. Average pools leave padding out of the count (count_include_pad
// 0, TensorFlow's rule); global pools are reductions over the spatial axes.
import type { AveragePooling1D, AveragePooling2D, Layer, MaxPooling1D, MaxPooling2D } from '@polytensor/core';
import { paddingAttrs, reduce, toChannelsFirst, toChannelsLast } from '../ops.js';
import type { Converter, LayerCall } from './types.js';

const pool2d =
  (opType: 'MaxPool' | 'AveragePool'): Converter =>
  ({ g, layer, inputs, shapes }: LayerCall<MaxPooling2D | AveragePooling2D>) => {
    const p = layer.name;
    const attrs = {
      kernel_shape: layer.poolSize,
      strides: layer.strides,
      ...paddingAttrs(layer.padding, shapes[0]!.slice(1, 3), layer.poolSize, layer.strides),
    };
    const y = g.op1(opType, [toChannelsFirst(g, inputs[0]!, 4, p)], p, opType === 'AveragePool' ? { ...attrs, count_include_pad: 0 } : attrs);
    return [toChannelsLast(g, y, 4, p)];
  };

const pool1d =
  (opType: 'MaxPool' | 'AveragePool'): Converter =>
  ({ g, layer, inputs, shapes }: LayerCall<MaxPooling1D | AveragePooling1D>) => {
    const p = layer.name;
    const attrs = {
      kernel_shape: [layer.poolSize],
      strides: [layer.strides],
      ...paddingAttrs(layer.padding, [shapes[0]![1]!], [layer.poolSize], [layer.strides]),
    };
    const y = g.op1(opType, [toChannelsFirst(g, inputs[0]!, 3, p)], p, opType === 'AveragePool' ? { ...attrs, count_include_pad: 0 } : attrs);
    return [toChannelsLast(g, y, 3, p)];
  };

const globalPool =
  (op: 'ReduceMean' | 'ReduceMax'): Converter =>
  ({ g, layer, inputs, shapes }: LayerCall<Layer>) => {
    const rank = shapes[0]!.length;
    return [
      reduce(
        g,
        op,
        inputs[0]!,
        Array.from({ length: rank - 2 }, (_, i) => i + 1),
        false,
        layer.name,
      ),
    ];
  };

export const maxPooling2d = pool2d('MaxPool');
export const averagePooling2d = pool2d('AveragePool');
export const maxPooling1d = pool1d('MaxPool');
export const averagePooling1d = pool1d('AveragePool');
export const globalAveragePooling = globalPool('ReduceMean');
export const globalMaxPooling = globalPool('ReduceMax');
