// Dense and the convolutions. Convolutions take channels-first data in ONNX:
// each is wrapped in Transposes from and back to polytensor's channels-last
// layout (runtimes cancel the back-to-back pairs between layers), and each
// kernel is permuted once, on the host, to ONNX's [out, in, ...window] layout.
import type { Conv1D, Conv2D, Conv2DTranspose, Dense, DepthwiseConv2D, SeparableConv2D } from '@polytensor/core';
import { activation } from '../activations.js';
import type { GraphBuilder } from '../graph.js';
import { hasWeight, paddingAttrs, permuteHost, toChannelsFirst, toChannelsLast, weightOf, type HostTensor } from '../ops.js';
import type { Converter, LayerCall } from './types.js';

const init = (g: GraphBuilder, layer: string, name: string, t: HostTensor): string => g.initializer(`${layer}/${name}`, t.data, t.shape);

/** y = activation(x·kernel + bias) over the last axis (MatMul broadcasts over any leading axes). */
export const dense: Converter = ({ g, layer, inputs }: LayerCall<Dense>) => {
  const p = layer.name;
  let y = g.op1('MatMul', [inputs[0]!, init(g, p, 'kernel', weightOf(layer, 'kernel'))], p);
  if (hasWeight(layer, 'bias')) y = g.op1('Add', [y, init(g, p, 'bias', weightOf(layer, 'bias'))], p);
  return [activation(g, layer.activation, y, p)];
};

/** A channels-first Conv (or ConvTranspose) between the layout Transposes, then the activation. */
function convNCHW(
  g: GraphBuilder,
  layer: string,
  x: string,
  rank: number,
  opType: string,
  weights: string[],
  attrs: Record<string, unknown>,
  act: string,
): string {
  const xt = toChannelsFirst(g, x, rank, layer);
  const y = g.op1(opType, [xt, ...weights], layer, attrs as never);
  return activation(g, act, toChannelsLast(g, y, rank, layer), layer);
}

const biasOf = (g: GraphBuilder, layer: Conv2D | Conv1D | Conv2DTranspose | DepthwiseConv2D | SeparableConv2D): string[] =>
  hasWeight(layer, 'bias') ? [init(g, layer.name, 'bias', weightOf(layer, 'bias'))] : [];

/** Kernel [kh, kw, in, out] → [out, in, kh, kw]. */
export const conv2d: Converter = ({ g, layer, inputs, shapes }: LayerCall<Conv2D>) => {
  const w = init(g, layer.name, 'kernel', permuteHost(weightOf(layer, 'kernel'), [3, 2, 0, 1]));
  const pads = paddingAttrs(layer.padding, shapes[0]!.slice(1, 3), layer.kernelSize, layer.strides, layer.dilationRate);
  const attrs = { kernel_shape: layer.kernelSize, strides: layer.strides, dilations: layer.dilationRate, ...pads };
  return [convNCHW(g, layer.name, inputs[0]!, 4, 'Conv', [w, ...biasOf(g, layer)], attrs, layer.activation)];
};

/** Kernel [k, in, out] → [out, in, k]; 'causal' pads the start of the steps first. */
export const conv1d: Converter = ({ g, layer, inputs, shapes }: LayerCall<Conv1D>) => {
  const p = layer.name;
  const w = init(g, p, 'kernel', permuteHost(weightOf(layer, 'kernel'), [2, 1, 0]));
  let xt = toChannelsFirst(g, inputs[0]!, 3, p);
  if (layer.padding === 'causal') xt = g.op1('Pad', [xt, g.ints([0, 0, (layer.kernelSize - 1) * layer.dilationRate, 0, 0, 0])], p);
  const attrs = {
    kernel_shape: [layer.kernelSize],
    strides: [layer.strides],
    dilations: [layer.dilationRate],
    ...paddingAttrs(layer.padding, [shapes[0]![1]!], [layer.kernelSize], [layer.strides], [layer.dilationRate]),
  };
  const y = g.op1('Conv', [xt, w, ...biasOf(g, layer)], p, attrs);
  return [activation(g, layer.activation, toChannelsLast(g, y, 3, p), p)];
};

/**
 * Kernel [kh, kw, out, in] → [in, out, kh, kw]. 'same' gives in·stride: the
 * full output ((in−1)·stride + k) cropped by k − stride, the smaller half at
 * the start (TensorFlow's split); a kernel smaller than the stride leaves
 * stride − k zero rows at the end instead (output_padding). Pads are explicit:
 * they depend only on kernel and stride, and runtimes differ on auto_pad here.
 */
export const conv2dTranspose: Converter = ({ g, layer, inputs }: LayerCall<Conv2DTranspose>) => {
  const w = init(g, layer.name, 'kernel', permuteHost(weightOf(layer, 'kernel'), [3, 2, 0, 1]));
  const begin: number[] = [];
  const end: number[] = [];
  const extra: number[] = [];
  layer.kernelSize.forEach((k, i) => {
    const s = layer.strides[i]!;
    const crop = layer.padding === 'same' ? k - s : 0;
    begin.push(Math.max(Math.floor(crop / 2), 0));
    end.push(Math.max(crop - Math.floor(crop / 2), 0));
    extra.push(Math.max(-crop, 0));
  });
  const attrs = { kernel_shape: layer.kernelSize, strides: layer.strides, pads: [...begin, ...end], output_padding: extra };
  return [convNCHW(g, layer.name, inputs[0]!, 4, 'ConvTranspose', [w, ...biasOf(g, layer)], attrs, layer.activation)];
};

/** Depthwise kernel [kh, kw, C, M] → a grouped Conv's [C·M, 1, kh, kw] (output channel c·M + m, as TensorFlow's). */
function depthwiseWeight(g: GraphBuilder, layer: string, k: HostTensor): string {
  const [kh, kw, c, m] = k.shape as [number, number, number, number];
  const t = permuteHost({ data: k.data, shape: [kh, kw, c * m] }, [2, 0, 1]);
  return g.initializer(`${layer}/depthwiseKernel`, t.data, [c * m, 1, kh, kw]);
}

export const depthwiseConv2d: Converter = ({ g, layer, inputs, shapes }: LayerCall<DepthwiseConv2D>) => {
  const c = shapes[0]![3] as number;
  const w = depthwiseWeight(g, layer.name, weightOf(layer, 'depthwiseKernel'));
  const pads = paddingAttrs(layer.padding, shapes[0]!.slice(1, 3), layer.kernelSize, layer.strides, layer.dilationRate);
  const attrs = { kernel_shape: layer.kernelSize, strides: layer.strides, dilations: layer.dilationRate, ...pads, group: c };
  return [convNCHW(g, layer.name, inputs[0]!, 4, 'Conv', [w, ...biasOf(g, layer)], attrs, layer.activation)];
};

/** The depthwise Conv (geometry, no bias) then a 1×1 Conv ([1, 1, C·M, F] → [F, C·M, 1, 1]) with the bias. */
export const separableConv2d: Converter = ({ g, layer, inputs, shapes }: LayerCall<SeparableConv2D>) => {
  const p = layer.name;
  const c = shapes[0]![3] as number;
  const dw = depthwiseWeight(g, p, weightOf(layer, 'depthwiseKernel'));
  const pw = init(g, p, 'pointwiseKernel', permuteHost(weightOf(layer, 'pointwiseKernel'), [3, 2, 0, 1]));
  const xt = toChannelsFirst(g, inputs[0]!, 4, p);
  const d = g.op1('Conv', [xt, dw], p, {
    kernel_shape: layer.kernelSize,
    strides: layer.strides,
    dilations: layer.dilationRate,
    ...paddingAttrs(layer.padding, shapes[0]!.slice(1, 3), layer.kernelSize, layer.strides, layer.dilationRate),
    group: c,
  });
  const y = g.op1('Conv', [d, pw, ...biasOf(g, layer)], p, { kernel_shape: [1, 1] });
  return [activation(g, layer.activation, toChannelsLast(g, y, 4, p), p)];
};
