import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { add, mul } from './binary.js';
import { conv2d } from './conv2d.js';
import { computeConv2DInfo, formatThenDilations, type PaddingSpec } from './conv_util.js';
import { assertDType, withTensors } from './convert.js';
import { imageAsBatch } from './image_batch.js';
import { pad } from './pad.js';
import { reshape } from './reshape.js';
import { slice } from './slice.js';

/**
 * Depthwise 2-D convolution: each input channel convolved with its own
 * `channelMultiplier` filters. x [batch, h, w, C], filter [fh, fw, C, M] →
 * [batch, outH, outW, C·M] (output channel c·M + m is channel c's filter m).
 *
 * A composite: the sum over the fh·fw kernel taps of the (strided) shifted
 * input times that tap's per-channel weights, so it does the depthwise
 * arithmetic and no more (a conv2d with a block-diagonal [fh, fw, C, C·M]
 * filter would do C times the work); gradients come from its ops.
 * The fifth argument is tfjs' `dataFormat` ('NHWC' only) followed by
 * `dilations`, or the dilations directly.
 * @example depthwiseConv2d(images, filter, 1, 'same')
 * @example depthwiseConv2d(images, filter, 1, 'same', 'NHWC', [2, 2]) // dilated
 */
export function depthwiseConv2d(
  x: TensorLike,
  filter: TensorLike,
  strides: number | [number, number] = 1,
  padding: PaddingSpec = 'valid',
  dataFormat: 'NHWC' | number | [number, number] = 'NHWC',
  dilationsArg?: number | [number, number],
): Tensor {
  const op = 'depthwiseConv2d';
  const dilations = formatThenDilations<number | [number, number]>(op, dataFormat, dilationsArg, 'NHWC', 1);
  return imageAsBatch(op, x, (x4) => depthwiseBatch(op, x4, filter, strides, padding, dilations));
}

function depthwiseBatch(
  op: string,
  x: Tensor,
  filter: TensorLike,
  strides: number | [number, number],
  padding: PaddingSpec,
  dilations: number | [number, number],
): Tensor {
  return withTensors(op, { x, filter }, (t) => {
    assertDType(op, 'x', t.x, ['float32']);
    assertDType(op, 'filter', t.filter, ['float32']);
    if (t.x.rank !== 4 || t.filter.rank !== 4) {
      throw new PolytensorError(
        `${op}: x must be [batch, h, w, channels] (or one image [h, w, channels]) and filter [fh, fw, channels, multiplier], got x [${t.x.shape}] and filter [${t.filter.shape}]`,
      );
    }
    const [b, , , c] = t.x.shape as [number, number, number, number];
    const [fh, fw, fc, m] = t.filter.shape as [number, number, number, number];
    if (fc !== c) throw new PolytensorError(`${op}: the filter has ${fc} input channels but x has ${c}; filter must be [fh, fw, ${c}, multiplier]`);
    const info = computeConv2DInfo(op, t.x.shape, [fh, fw, c, 1], strides, padding, dilations);
    const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
    return ENGINE.tidy(() => {
      // Pad so that every tap's strided window [oh·sh, ow·sw] fits (the extra rows are never read).
      const needH = (fh - 1) * dh + oh * sh;
      const needW = (fw - 1) * dw + ow * sw;
      const padded = pad(t.x, [
        [0, 0],
        [info.padTop, Math.max(0, needH - info.padTop - info.inHeight)],
        [info.padLeft, Math.max(0, needW - info.padLeft - info.inWidth)],
        [0, 0],
      ]);
      const w = reshape(t.filter, [fh * fw, c, m]);
      let out: Tensor | null = null;
      for (let i = 0; i < fh; i++) {
        for (let j = 0; j < fw; j++) {
          let win = slice(padded, [0, i * dh, j * dw, 0], [b, oh * sh, ow * sw, c]);
          if (sh > 1 || sw > 1) win = reshape(slice(reshape(win, [b, oh, sh, ow, sw, c]), [0, 0, 0, 0, 0, 0], [b, oh, 1, ow, 1, c]), [b, oh, ow, c]);
          const tap = reshape(slice(w, [i * fw + j, 0, 0], [1, c, m]), [c, m]);
          const term = mul(reshape(win, [b, oh, ow, c, 1]), tap);
          out = out ? add(out, term) : term;
        }
      }
      return reshape(out!, [b, oh, ow, c * m]);
    });
  });
}

/**
 * Depthwise then pointwise: depthwiseConv2d with `depthwiseFilter` [fh, fw, C, M],
 * then a 1×1 conv2d with `pointwiseFilter` [1, 1, C·M, outChannels]
 * (tfjs' order: dilations, then `dataFormat`, 'NHWC' only).
 * @example separableConv2d(images, depthwise, pointwise, 1, 'same', 2) // dilation 2
 */
export function separableConv2d(
  x: TensorLike,
  depthwiseFilter: TensorLike,
  pointwiseFilter: TensorLike,
  strides: number | [number, number] = 1,
  padding: PaddingSpec = 'valid',
  dilations: number | [number, number] = 1,
  dataFormat: 'NHWC' = 'NHWC',
): Tensor {
  formatThenDilations('separableConv2d', dataFormat, undefined, 'NHWC', 1);
  return withTensors('separableConv2d', { x, depthwiseFilter, pointwiseFilter }, (t) => {
    const [ph, pw] = t.pointwiseFilter.shape;
    if (t.pointwiseFilter.rank !== 4 || ph !== 1 || pw !== 1) {
      throw new PolytensorError(`separableConv2d: pointwiseFilter must be [1, 1, channels·multiplier, out], got [${t.pointwiseFilter.shape}]`);
    }
    return ENGINE.tidy(() => conv2d(depthwiseConv2d(t.x, t.depthwiseFilter, strides, padding, dilations), t.pointwiseFilter));
  });
}
