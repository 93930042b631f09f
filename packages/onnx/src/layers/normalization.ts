// Normalization layers as elementwise ops over the channels-last layout
// (ONNX's BatchNormalization wants channels at axis 1), and Embedding.
import type { BatchNormalization, Embedding, LayerNormalization } from '@polytensor/core';
import { hasWeight, reduce, weightOf } from '../ops.js';
import type { Converter, LayerCall } from './types.js';

/** At inference: (x − movingMean)·(gamma/√(movingVariance + ε)) + beta, the scale folded on the host in float64. */
export const batchNormalization: Converter = ({ g, layer, inputs }: LayerCall<BatchNormalization>) => {
  const p = layer.name;
  const mean = weightOf(layer, 'movingMean');
  const variance = weightOf(layer, 'movingVariance');
  const gamma = hasWeight(layer, 'gamma') ? weightOf(layer, 'gamma').data : null;
  const scale = variance.data.map((v, i) => (gamma ? gamma[i]! : 1) / Math.sqrt(v + layer.epsilon));
  let y = g.op1('Sub', [inputs[0]!, g.initializer(`${p}/movingMean`, mean.data, mean.shape)], p);
  y = g.op1('Mul', [y, g.initializer(`${p}/scale`, scale, mean.shape)], p);
  if (hasWeight(layer, 'beta')) {
    const beta = weightOf(layer, 'beta');
    y = g.op1('Add', [y, g.initializer(`${p}/beta`, beta.data, beta.shape)], p);
  }
  return [y];
};

/** Mean and variance over the layer's axes, composed (ONNX's LayerNormalization op only normalizes trailing axes, from opset 17). */
export const layerNormalization: Converter = ({ g, layer, inputs, shapes }: LayerCall<LayerNormalization>) => {
  const p = layer.name;
  const shape = shapes[0]!;
  const rank = shape.length;
  const axes = layer.axis.map((a) => (a < 0 ? rank + a : a)).sort((a, b) => a - b);
  const x = inputs[0]!;
  const centered = g.op1('Sub', [x, reduce(g, 'ReduceMean', x, axes, true, p)], p);
  const variance = reduce(g, 'ReduceMean', g.op1('Mul', [centered, centered], p), axes, true, p);
  const inv = g.op1('Reciprocal', [g.op1('Sqrt', [g.op1('Add', [variance, g.scalar(layer.epsilon)], p)], p)], p);
  let y = g.op1('Mul', [centered, inv], p);
  // gamma and beta span the normalized axes: shaped [1, ..., d, ..., 1] to broadcast.
  const broadcast = shape.map((d, i) => (axes.includes(i) ? (d as number) : 1));
  if (hasWeight(layer, 'gamma')) y = g.op1('Mul', [y, g.initializer(`${p}/gamma`, weightOf(layer, 'gamma').data, broadcast)], p);
  if (hasWeight(layer, 'beta')) y = g.op1('Add', [y, g.initializer(`${p}/beta`, weightOf(layer, 'beta').data, broadcast)], p);
  return [y];
};

/** A Gather of table rows; float ids are cast to int32 first (Gather takes integer indices). */
export const embedding: Converter = ({ g, layer, inputs }: LayerCall<Embedding>) => {
  const p = layer.name;
  const table = weightOf(layer, 'embeddings');
  let ids = inputs[0]!;
  if (g.typeOf(ids) !== 'int32' && g.typeOf(ids) !== 'int64') {
    ids = g.op1('Cast', [ids], p, { to: 6 });
    g.setType(ids, 'int32');
  }
  return [g.op1('Gather', [g.initializer(`${p}/embeddings`, table.data, table.shape), ids], p, { axis: 0 })];
};
