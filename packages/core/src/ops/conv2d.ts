import type { Conv2DInfo } from '../backend/kernels.js';
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { arraysEqual, fmt } from '../util/shape.js';
import { computeConv2DInfo, formatThenDilations, type PaddingSpec } from './conv_util.js';
import { assertDType, withTensors } from './convert.js';
import { imageAsBatch } from './image_batch.js';

/**
 * 2-D convolution, NHWC input [batch, h, w, inC] and HWIO filter [fh, fw, inC, outC];
 * a single image [h, w, inC] gives [oh, ow, outC].
 * The fifth argument is tfjs' `dataFormat` ('NHWC' only) followed by
 * `dilations`, or the dilations directly.
 * @example conv2d(images, kernel, 1, 'same')
 * @example conv2d(images, kernel, 1, 'same', 'NHWC', 2) // dilation 2
 */
export function conv2d(
  x: TensorLike,
  filter: TensorLike,
  strides: number | [number, number] = 1,
  pad: PaddingSpec = 'valid',
  dataFormat: 'NHWC' | number | [number, number] = 'NHWC',
  dilations?: number | [number, number],
): Tensor {
  const d = formatThenDilations<number | [number, number]>('conv2d', dataFormat, dilations, 'NHWC', 1);
  return imageAsBatch('conv2d', x, (x4) =>
    withFloat32('conv2d', { x: x4, filter }, (t) => conv2dWithInfo(t.x, t.filter, computeConv2DInfo('conv2d', t.x.shape, t.filter.shape, strides, pad, d))),
  );
}

/** @internal the conv2d kernel with resolved geometry. */
export function conv2dWithInfo(x: Tensor, filter: Tensor, info: Conv2DInfo): Tensor {
  return ENGINE.runKernel('conv2d', [x, filter, info]);
}

/** @internal dx of conv2d: the conv2dBackpropInput kernel. */
export function backpropInput(dy: Tensor, filter: Tensor, info: Conv2DInfo): Tensor {
  return ENGINE.runKernel('conv2dBackpropInput', [dy, filter, info]);
}

/** @internal dW of conv2d: the conv2dBackpropFilter kernel. */
export function backpropFilter(x: Tensor, dy: Tensor, info: Conv2DInfo): Tensor {
  return ENGINE.runKernel('conv2dBackpropFilter', [x, dy, info]);
}

/** @internal withTensors for the conv ops, whose tensor arguments are all float32. */
export function withFloat32<K extends string>(op: string, args: Readonly<Record<K, TensorLike>>, body: (ts: Record<K, Tensor>) => Tensor): Tensor {
  return withTensors(op, args, (ts) => {
    for (const arg of Object.keys(ts) as K[]) assertDType(op, arg, ts[arg], ['float32']);
    return body(ts);
  });
}

function checkShape(op: string, arg: string, t: Tensor, shape: readonly number[]): void {
  if (!arraysEqual(t.shape, shape)) {
    throw new PolytensorError(`${op}: ${arg} has shape ${fmt(t.shape)} but the convolution geometry needs ${fmt(shape)}`);
  }
}

/** Gradient of conv2d w.r.t. its input, as a public op (transposed convolution). */
export function conv2dBackpropInput(
  inputShape: [number, number, number, number],
  dy: TensorLike,
  filter: TensorLike,
  strides: number | [number, number] = 1,
  pad: PaddingSpec = 'valid',
  dilations: number | [number, number] = 1,
): Tensor {
  const op = 'conv2dBackpropInput';
  return withFloat32(op, { dy, filter }, (t) => {
    const info = computeConv2DInfo(op, inputShape, t.filter.shape, strides, pad, dilations);
    checkShape(op, 'dy', t.dy, info.outShape);
    return backpropInput(t.dy, t.filter, info);
  });
}

/** Gradient of conv2d w.r.t. its filter, as a public op. */
export function conv2dBackpropFilter(
  x: TensorLike,
  dy: TensorLike,
  filterShape: [number, number, number, number],
  strides: number | [number, number] = 1,
  pad: PaddingSpec = 'valid',
  dilations: number | [number, number] = 1,
): Tensor {
  const op = 'conv2dBackpropFilter';
  return withFloat32(op, { x, dy }, (t) => {
    const info = computeConv2DInfo(op, t.x.shape, filterShape, strides, pad, dilations);
    checkShape(op, 'dy', t.dy, info.outShape);
    return backpropFilter(t.x, t.dy, info);
  });
}
