import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { arraysEqual, fmt } from '../util/shape.js';
import { backpropInput, withFloat32 } from './conv2d.js';
import { computeConv2DInfo, type PaddingSpec } from './conv_util.js';

/**
 * Transposed 2-D convolution ("deconvolution"): the gradient of conv2d with
 * respect to its input, used to upsample. x [batch, h, w, inC], filter
 * [fh, fw, outC, inC] (tfjs' layout: the HWIO filter of the conv2d from
 * outputShape back to x) → `outputShape` [batch, outH, outW, outC]. The conv2d
 * of outputShape with this filter, strides and padding must give x's shape;
 * with strides > 1 several outputShapes do, which is why it is an argument.
 * Runs as the conv2dBackpropInput kernel, whose gradients are conv2d (for x)
 * and conv2dBackpropFilter (for the filter).
 * @example conv2dTranspose(x, filter, [1, 8, 8, 3], 2, 'same') // x [1, 4, 4, 16], filter [3, 3, 3, 16]
 */
export function conv2dTranspose(
  x: TensorLike,
  filter: TensorLike,
  outputShape: [number, number, number, number],
  strides: number | [number, number] = 1,
  padding: PaddingSpec = 'valid',
): Tensor {
  const op = 'conv2dTranspose';
  if (!Array.isArray(outputShape) || outputShape.length !== 4 || !outputShape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new PolytensorError(`${op}: outputShape must be [batch, height, width, channels] (non-negative integers), got ${JSON.stringify(outputShape)}`);
  }
  return withFloat32(op, { x, filter }, (t) => {
    if (t.x.rank !== 4) throw new PolytensorError(`${op}: x must be rank 4 [batch, height, width, channels], got shape ${fmt(t.x.shape)}`);
    if (t.filter.rank !== 4) {
      throw new PolytensorError(`${op}: filter must be rank 4 [filterHeight, filterWidth, outChannels, inChannels], got shape ${fmt(t.filter.shape)}`);
    }
    const [batch, , , inC] = t.x.shape as [number, number, number, number];
    const [, , fOut, fIn] = t.filter.shape as [number, number, number, number];
    if (fIn !== inC) {
      throw new PolytensorError(
        `${op}: x has ${inC} channels but the filter's last dimension (inChannels) is ${fIn}: x ${fmt(t.x.shape)}, filter ${fmt(t.filter.shape)}`,
      );
    }
    if (outputShape[0] !== batch || outputShape[3] !== fOut) {
      throw new PolytensorError(
        `${op}: outputShape ${fmt(outputShape)} must have x's batch (${batch}) and the filter's outChannels (${fOut}, its third dimension)`,
      );
    }
    const info = computeConv2DInfo(op, outputShape, t.filter.shape, strides, padding);
    if (!arraysEqual(info.outShape, t.x.shape)) {
      throw new PolytensorError(
        `${op}: outputShape ${fmt(outputShape)} does not fit x ${fmt(t.x.shape)}: a conv2d of that shape with this filter, ` +
          `strides [${info.strideHeight},${info.strideWidth}] and padding ${JSON.stringify(padding)} gives ${fmt(info.outShape)}; ` +
          `choose an outputShape whose conv2d gives x's height and width`,
      );
    }
    return backpropInput(t.x, t.filter, info);
  });
}
