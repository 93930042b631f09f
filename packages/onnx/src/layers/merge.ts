// Merge layers. Sums and products are chained pairwise, left to right, as
// polytensor computes them (a variadic Sum could add in another order).
import type { Concatenate, Dot, Layer } from '@polytensor/core';
import type { GraphBuilder } from '../graph.js';
import { reduce, reshape, transpose, unsqueeze } from '../ops.js';
import type { Converter, LayerCall } from './types.js';

const chain = (g: GraphBuilder, op: string, xs: readonly string[], prefix: string): string => xs.slice(1).reduce((a, b) => g.op1(op, [a, b], prefix), xs[0]!);

const chained =
  (op: string): Converter =>
  ({ g, layer, inputs }: LayerCall<Layer>) => [chain(g, op, inputs, layer.name)];

export const add = chained('Add');
export const multiply = chained('Mul');
export const maximum = chained('Max');
export const minimum = chained('Min');
export const subtract: Converter = ({ g, layer, inputs }) => [g.op1('Sub', [inputs[0]!, inputs[1]!], layer.name)];
export const average: Converter = ({ g, layer, inputs }) => [g.op1('Div', [chain(g, 'Add', inputs, layer.name), g.scalar(inputs.length)], layer.name)];

export const concatenate: Converter = ({ g, layer, inputs, shapes }: LayerCall<Concatenate>) => {
  const rank = shapes[0]!.length;
  return [g.op1('Concat', [...inputs], layer.name, { axis: layer.axis < 0 ? rank + layer.axis : layer.axis })];
};

/** x / √max(Σx², 1e-12) along `axis`, as Dot's normalize. */
function l2Normalize(g: GraphBuilder, x: string, axis: number, prefix: string): string {
  const ss = reduce(g, 'ReduceSum', g.op1('Mul', [x, x], prefix), [axis], true, prefix);
  const inv = g.op1('Reciprocal', [g.op1('Sqrt', [g.op1('Max', [ss, g.scalar(1e-12)], prefix)], prefix)], prefix);
  return g.op1('Mul', [x, inv], prefix);
}

/** A batched MatMul with a's contracted axis last and b's first; rank-2 inputs gain a unit axis, dropped again by the final Reshape. */
export const dot: Converter = ({ g, layer, inputs, shapes }: LayerCall<Dot>) => {
  const p = layer.name;
  const [sa, sb] = shapes as [(typeof shapes)[0], (typeof shapes)[0]];
  const [ka, kb] = layer.axes.map((a, i) => (a < 0 ? [sa, sb][i]!.length + a : a)) as [number, number];
  let [a, b] = inputs as [string, string];
  if (layer.normalize) {
    a = l2Normalize(g, a, ka, p);
    b = l2Normalize(g, b, kb, p);
  }
  if (sa.length === 2 && sb.length === 2) return [reduce(g, 'ReduceSum', g.op1('Mul', [a, b], p), [1], true, p)];
  const a3 = sa.length === 2 ? unsqueeze(g, a, [1], p) : ka === 1 ? transpose(g, a, [0, 2, 1], p) : a;
  const b3 = sb.length === 2 ? unsqueeze(g, b, [2], p) : kb === 2 ? transpose(g, b, [0, 2, 1], p) : b;
  const out = layer.computeOutputShape([sa, sb]);
  const rest = out.slice(1).map((d) => d ?? -1);
  return [reshape(g, g.op1('MatMul', [a3, b3], p), [0, ...rest], p)];
};
