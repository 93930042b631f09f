import type { Conv2DInfo } from '../backend/kernels.js';
import { PolytensorError } from '../errors.js';

/** 'same' / 'valid' as in TensorFlow, or explicit [[top, bottom], [left, right]]. */
export type PaddingSpec = 'same' | 'valid' | readonly [readonly [number, number], readonly [number, number]];

/** @internal */
export function pair(op: string, name: string, v: number | readonly [number, number]): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((n) => Number.isInteger(n) && n >= 1)) {
    throw new PolytensorError(`${op}: ${name} must be positive integers, got ${JSON.stringify(v)}`);
  }
  return p;
}

/**
 * Resolve the geometry of an NHWC convolution with an HWIO filter. SAME pads so
 * that out = ceil(in / stride), putting the odd pixel at the bottom/right (TensorFlow's rule).
 */
export function computeConv2DInfo(
  op: string,
  inShape: readonly number[],
  filterShape: readonly number[],
  strides: number | readonly [number, number],
  pad: PaddingSpec,
  dilations: number | readonly [number, number] = 1,
): Conv2DInfo {
  if (inShape.length !== 4) {
    throw new PolytensorError(`${op}: input must be rank 4 [batch, height, width, channels], got shape [${inShape}]`);
  }
  if (filterShape.length !== 4) {
    throw new PolytensorError(`${op}: filter must be rank 4 [filterHeight, filterWidth, inChannels, outChannels], got shape [${filterShape}]`);
  }
  const [batchSize, inHeight, inWidth, inChannels] = inShape as [number, number, number, number];
  const [filterHeight, filterWidth, fIn, outChannels] = filterShape as [number, number, number, number];
  if (fIn !== inChannels) {
    throw new PolytensorError(`${op}: input has ${inChannels} channels but the filter expects ${fIn}: input [${inShape}], filter [${filterShape}]`);
  }
  const [strideHeight, strideWidth] = pair(op, 'strides', strides);
  const [dilationHeight, dilationWidth] = pair(op, 'dilations', dilations);
  if ((strideHeight > 1 || strideWidth > 1) && (dilationHeight > 1 || dilationWidth > 1)) {
    throw new PolytensorError(`${op}: strides > 1 together with dilations > 1 is not supported; use one or the other`);
  }
  const effH = (filterHeight - 1) * dilationHeight + 1;
  const effW = (filterWidth - 1) * dilationWidth + 1;
  let padTop: number, padBottom: number, padLeft: number, padRight: number, outHeight: number, outWidth: number;
  if (pad === 'same') {
    outHeight = Math.ceil(inHeight / strideHeight);
    outWidth = Math.ceil(inWidth / strideWidth);
    const padH = Math.max(0, (outHeight - 1) * strideHeight + effH - inHeight);
    const padW = Math.max(0, (outWidth - 1) * strideWidth + effW - inWidth);
    padTop = Math.floor(padH / 2);
    padBottom = padH - padTop;
    padLeft = Math.floor(padW / 2);
    padRight = padW - padLeft;
  } else if (pad === 'valid') {
    padTop = padBottom = padLeft = padRight = 0;
    outHeight = Math.floor((inHeight - effH) / strideHeight) + 1;
    outWidth = Math.floor((inWidth - effW) / strideWidth) + 1;
  } else if (Array.isArray(pad) && pad.length === 2) {
    [[padTop, padBottom], [padLeft, padRight]] = pad as [[number, number], [number, number]];
    if (![padTop, padBottom, padLeft, padRight].every((n) => Number.isInteger(n) && n >= 0)) {
      throw new PolytensorError(`${op}: explicit padding must be non-negative integers, got ${JSON.stringify(pad)}`);
    }
    outHeight = Math.floor((inHeight + padTop + padBottom - effH) / strideHeight) + 1;
    outWidth = Math.floor((inWidth + padLeft + padRight - effW) / strideWidth) + 1;
  } else {
    throw new PolytensorError(`${op}: padding must be 'same', 'valid' or [[top, bottom], [left, right]], got ${JSON.stringify(pad)}`);
  }
  if (outHeight <= 0 || outWidth <= 0) {
    throw new PolytensorError(
      `${op}: the filter (${filterHeight}x${filterWidth}, dilation ${dilationHeight}x${dilationWidth}) is larger than the padded input ` +
        `(${inHeight}x${inWidth}); use padding 'same' or a smaller filter`,
    );
  }
  return {
    batchSize,
    inHeight,
    inWidth,
    inChannels,
    outHeight,
    outWidth,
    outChannels,
    filterHeight,
    filterWidth,
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
    padTop,
    padBottom,
    padLeft,
    padRight,
    inShape: [batchSize, inHeight, inWidth, inChannels],
    outShape: [batchSize, outHeight, outWidth, outChannels],
    filterShape: [filterHeight, filterWidth, inChannels, outChannels],
  };
}

/** Pooling geometry: a conv whose filter is [fh, fw, C, C] and keeps the channel count. */
export function computePool2DInfo(
  op: string,
  inShape: readonly number[],
  poolSize: number | readonly [number, number],
  strides: number | readonly [number, number],
  pad: PaddingSpec,
): Conv2DInfo {
  const [fh, fw] = pair(op, 'poolSize', poolSize);
  const c = inShape[3] ?? 0;
  return computeConv2DInfo(op, inShape, [fh, fw, c, c], strides, pad, 1);
}

/**
 * tfjs puts `dataFormat` before `dilations` (conv2d, depthwiseConv2d), where
 * polytensor took dilations directly: accept either in that slot. Only
 * channels-last is supported (decisions.md), so any other format is refused.
 * @internal
 */
export function formatThenDilations<D>(op: string, formatOrDilations: string | D | undefined, dilations: D | undefined, channelsLast: string, fallback: D): D {
  if (typeof formatOrDilations === 'string') {
    if (formatOrDilations !== channelsLast) {
      throw new PolytensorError(
        `${op}: dataFormat '${formatOrDilations}' is not supported; polytensor is channels-last only: pass '${channelsLast}' (transpose your input)`,
      );
    }
    return dilations ?? fallback;
  }
  if (formatOrDilations !== undefined && dilations !== undefined) {
    throw new PolytensorError(
      `${op}: dilations given twice (${JSON.stringify(formatOrDilations)} in the dataFormat position and ${JSON.stringify(dilations)}); pass '${channelsLast}' then dilations, or dilations alone`,
    );
  }
  return formatOrDilations ?? dilations ?? fallback;
}
