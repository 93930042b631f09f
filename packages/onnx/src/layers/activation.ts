// The Activation layer and the activation layers with arguments.
import type { Activation, ELU, LeakyReLU, PReLU, ReLU, Softmax, ThresholdedReLU } from '@polytensor/core';
import { activation } from '../activations.js';
import { float } from '../graph.js';
import { weightOf } from '../ops.js';
import type { Converter, LayerCall } from './types.js';

export const activationLayer: Converter = ({ g, layer, inputs }: LayerCall<Activation>) => {
  const y = activation(g, layer.activation, inputs[0]!, layer.name);
  // 'linear' writes no node: an Identity keeps the layer a node of its own.
  return [y === inputs[0] ? g.op1('Identity', [y], layer.name) : y];
};

/** x above the threshold, negativeSlope·(x − threshold) at or below it, capped at maxValue. */
export const relu: Converter = ({ g, layer, inputs }: LayerCall<ReLU>) => {
  const p = layer.name;
  const x = inputs[0]!;
  let y =
    layer.negativeSlope === 0 && layer.threshold === 0
      ? g.op1('Relu', [x], p)
      : g.op1(
          'Where',
          [
            g.op1('Greater', [x, g.scalar(layer.threshold)], p),
            x,
            g.op1('Mul', [g.op1('Sub', [x, g.scalar(layer.threshold)], p), g.scalar(layer.negativeSlope)], p),
          ],
          p,
        );
  if (layer.maxValue !== null) y = g.op1('Min', [y, g.scalar(layer.maxValue)], p);
  return [y];
};

export const leakyRelu: Converter = ({ g, layer, inputs }: LayerCall<LeakyReLU>) => [
  g.op1('LeakyRelu', [inputs[0]!], layer.name, { alpha: float(layer.alpha) }),
];

/** The learned slopes, shaped like an example (1 on shared axes), broadcast over the batch. */
export const prelu: Converter = ({ g, layer, inputs }: LayerCall<PReLU>) => {
  const a = weightOf(layer, 'alpha');
  return [g.op1('PRelu', [inputs[0]!, g.initializer(`${layer.name}/alpha`, a.data, a.shape)], layer.name)];
};

export const elu: Converter = ({ g, layer, inputs }: LayerCall<ELU>) => [g.op1('Elu', [inputs[0]!], layer.name, { alpha: float(layer.alpha) })];

export const thresholdedRelu: Converter = ({ g, layer, inputs }: LayerCall<ThresholdedReLU>) => [
  g.op1('ThresholdedRelu', [inputs[0]!], layer.name, { alpha: float(layer.theta) }),
];

export const softmax: Converter = ({ g, layer, inputs, shapes }: LayerCall<Softmax>) => {
  const rank = shapes[0]!.length;
  return [g.op1('Softmax', [inputs[0]!], layer.name, { axis: layer.axis < 0 ? rank + layer.axis : layer.axis })];
};
