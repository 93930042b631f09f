import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { conv2dBackpropInput } from './conv2d.js';
import type { PaddingSpec } from './conv_util.js';
import { withTensors } from './convert.js';

/**
 * Transposed 2-D convolution ("deconvolution"): the gradient of conv2d with
 * respect to its input, used to upsample. x [batch, h, w, inC], filter
 * [fh, fw, outC, inC] (tfjs' layout) → `outputShape` [batch, outH, outW, outC].
 * @example conv2dTranspose(x, filter, [1, 8, 8, 3], 2, 'same')
 */
export function conv2dTranspose(
  x: TensorLike,
  filter: TensorLike,
  outputShape: [number, number, number, number],
  strides: number | [number, number] = 1,
  padding: PaddingSpec = 'valid',
): Tensor {
  if (!Array.isArray(outputShape) || outputShape.length !== 4) {
    throw new PolytensorError(`conv2dTranspose: outputShape must be [batch, height, width, channels], got ${JSON.stringify(outputShape)}`);
  }
  return withTensors('conv2dTranspose', { x, filter }, (t) => conv2dBackpropInput(outputShape, t.x, t.filter, strides, padding));
}
