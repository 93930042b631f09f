// Small emitters shared by the layer converters: ops whose form changed
// between opsets (reductions), layout moves, and host-side weight reads.
import { PolytensorError, type Layer } from '@polytensor/core';
import type { GraphBuilder } from './graph.js';

/** ReduceMean/ReduceMax/ReduceSum over `axes`: axes an attribute before opset 18 (13 for ReduceSum), an input from then on. */
export function reduce(
  g: GraphBuilder,
  op: 'ReduceMean' | 'ReduceMax' | 'ReduceSum',
  x: string,
  axes: readonly number[],
  keepdims: boolean,
  prefix: string,
): string {
  const asInput = op === 'ReduceSum' || g.opset >= 18;
  return asInput ? g.op1(op, [x, g.ints(axes)], prefix, { keepdims: keepdims ? 1 : 0 }) : g.op1(op, [x], prefix, { axes, keepdims: keepdims ? 1 : 0 });
}

export const unsqueeze = (g: GraphBuilder, x: string, axes: readonly number[], prefix: string): string => g.op1('Unsqueeze', [x, g.ints(axes)], prefix);
export const squeeze = (g: GraphBuilder, x: string, axes: readonly number[], prefix: string): string => g.op1('Squeeze', [x, g.ints(axes)], prefix);
export const transpose = (g: GraphBuilder, x: string, perm: readonly number[], prefix: string): string => g.op1('Transpose', [x], prefix, { perm });
/** Reshape to `shape` (0 copies the input's dimension, -1 is inferred). */
export const reshape = (g: GraphBuilder, x: string, shape: readonly number[], prefix: string): string => g.op1('Reshape', [x, g.ints(shape)], prefix);

/** Channels-last [N, ...spatial, C] to channels-first [N, C, ...spatial], for ONNX's Conv and pools. */
export const toChannelsFirst = (g: GraphBuilder, x: string, rank: number, prefix: string): string =>
  transpose(g, x, [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)], prefix);
/** Channels-first back to channels-last. */
export const toChannelsLast = (g: GraphBuilder, x: string, rank: number, prefix: string): string =>
  transpose(g, x, [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1], prefix);

/** A weight's host values and shape. */
export interface HostTensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

/** The layer's weight named `name` ('kernel', 'movingMean'...), read back from the backend. */
export function weightOf(layer: Layer, name: string): HostTensor {
  const w = layer.weights.find((x) => x.name === name);
  if (!w) throw new PolytensorError(`exportOnnx: layer '${layer.name}' (${layer.className}) has no weight '${name}'; is it built?`);
  return { data: Float32Array.from(w.variable.dataSync() as Float32Array), shape: w.variable.shape };
}

/** Whether the layer has a weight of that name (a bias is optional). */
export const hasWeight = (layer: Layer, name: string): boolean => layer.weights.some((w) => w.name === name);

/** `t` with its axes permuted on the host (weights change layout once, at export). */
export function permuteHost(t: HostTensor, perm: readonly number[]): HostTensor {
  const rank = t.shape.length;
  const shape = perm.map((p) => t.shape[p]!);
  const inStrides = new Array<number>(rank);
  for (let i = rank - 1, s = 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= t.shape[i]!;
  }
  const out = new Float32Array(t.data.length);
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let i = 0; i < rank; i++) src += idx[i]! * inStrides[perm[i]!]!;
    out[o] = t.data[src]!;
    for (let i = rank - 1; i >= 0; i--) {
      if (++idx[i]! < shape[i]!) break;
      idx[i] = 0;
    }
  }
  return { data: out, shape };
}

/**
 * The padding attributes of a convolution or pool: TensorFlow's 'same' as
 * explicit pads (the smaller half before) where the sizes are known: ONNX
 * Runtime refuses auto_pad with dilation; SAME_UPPER where a size is unknown.
 */
export function paddingAttrs(
  padding: string,
  sizes: ReadonlyArray<number | null>,
  kernel: readonly number[],
  strides: readonly number[],
  dilations: readonly number[] = kernel.map(() => 1),
): { pads: number[] } | { auto_pad: string } {
  if (padding !== 'same') return { pads: [...kernel.map(() => 0), ...kernel.map(() => 0)] };
  if (sizes.some((n) => n === null)) return { auto_pad: 'SAME_UPPER' };
  const begin: number[] = [];
  const end: number[] = [];
  sizes.forEach((n, i) => {
    const s = strides[i]!;
    const total = Math.max((Math.ceil(n! / s) - 1) * s + (kernel[i]! - 1) * dilations[i]! + 1 - n!, 0);
    begin.push(Math.floor(total / 2));
    end.push(total - Math.floor(total / 2));
  });
  return { pads: [...begin, ...end] };
}
