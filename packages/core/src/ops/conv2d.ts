import type { Conv2DInfo } from '../backend/kernels.js';
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { arraysEqual, fmt } from '../util/shape.js';
import { computeConv2DInfo, type PaddingSpec } from './conv_util.js';
import { assertDType, convert } from './convert.js';

/**
 * 2-D convolution, NHWC input [batch, h, w, inC] and HWIO filter [fh, fw, inC, outC].
 * @example conv2d(images, kernel, 1, 'same')
 */
export function conv2d(
  x: TensorLike,
  filter: TensorLike,
  strides: number | [number, number] = 1,
  pad: PaddingSpec = 'valid',
  dilations: number | [number, number] = 1,
): Tensor {
  const [tx, ownX] = convert('conv2d', 'x', x);
  const [tf, ownF] = convert('conv2d', 'filter', filter);
  try {
    assertDType('conv2d', 'x', tx, ['float32']);
    assertDType('conv2d', 'filter', tf, ['float32']);
    const info = computeConv2DInfo('conv2d', tx.shape, tf.shape, strides, pad, dilations);
    return conv2dWithInfo(tx, tf, info);
  } finally {
    if (ownX) tx.dispose();
    if (ownF) tf.dispose();
  }
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
  const [tdy, ownD] = convert('conv2dBackpropInput', 'dy', dy);
  const [tf, ownF] = convert('conv2dBackpropInput', 'filter', filter);
  try {
    assertDType('conv2dBackpropInput', 'dy', tdy, ['float32']);
    assertDType('conv2dBackpropInput', 'filter', tf, ['float32']);
    const info = computeConv2DInfo('conv2dBackpropInput', inputShape, tf.shape, strides, pad, dilations);
    checkShape('conv2dBackpropInput', 'dy', tdy, info.outShape);
    return backpropInput(tdy, tf, info);
  } finally {
    if (ownD) tdy.dispose();
    if (ownF) tf.dispose();
  }
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
  const [tx, ownX] = convert('conv2dBackpropFilter', 'x', x);
  const [tdy, ownD] = convert('conv2dBackpropFilter', 'dy', dy);
  try {
    assertDType('conv2dBackpropFilter', 'x', tx, ['float32']);
    assertDType('conv2dBackpropFilter', 'dy', tdy, ['float32']);
    const info = computeConv2DInfo('conv2dBackpropFilter', tx.shape, filterShape, strides, pad, dilations);
    checkShape('conv2dBackpropFilter', 'dy', tdy, info.outShape);
    return backpropFilter(tx, tdy, info);
  } finally {
    if (ownX) tx.dispose();
    if (ownD) tdy.dispose();
  }
}
