// TimeDistributed: time folds into the batch around one call of the wrapped layer.
import { PolytensorError, formatShape, singleShape, type TimeDistributed } from '@polytensor/core';
import { reshape } from '../ops.js';
import type { Converter, LayerCall } from './types.js';

export const timeDistributed: Converter = ({ g, layer, inputs, shapes, convert }: LayerCall<TimeDistributed>) => {
  const p = layer.name;
  const x = inputs[0]!;
  const shape = shapes[0]!;
  const step = [null, ...shape.slice(2)];
  const stepOut = singleShape(layer.layer.computeOutputShape(step), layer.layer.name);
  if (step.slice(1).some((d) => d === null) || stepOut.slice(1).some((d) => d === null)) {
    throw new PolytensorError(
      `exportOnnx: ${p} (TimeDistributed): needs the step's shape known after the time axis, got input ${formatShape(shape)} and step output ${formatShape(stepOut)}`,
    );
  }
  const folded = reshape(g, x, [-1, ...(step.slice(1) as number[])], p);
  const [y] = convert(layer.layer, [folded], [step]);
  // [batch, time] from the input's shape, then the step's output dimensions.
  const batchTime = g.op1('Slice', [g.op1('Shape', [x], p), g.ints([0]), g.ints([2]), g.ints([0])], p);
  const target = g.op1('Concat', [batchTime, g.ints(stepOut.slice(1) as number[])], p, { axis: 0 });
  return [g.op1('Reshape', [y!, target], p)];
};
