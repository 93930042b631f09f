import type { Conv2DInfo } from '@polytensor/core';
import type { NamedAttrMap } from '../tfjs.js';

/** The window attributes tfjs's conv and pool kernels share: strides, explicit NHWC padding, floor rounding. */
function windowAttrs(info: Conv2DInfo): NamedAttrMap {
  return {
    strides: [info.strideHeight, info.strideWidth],
    pad: [
      [0, 0],
      [info.padTop, info.padBottom],
      [info.padLeft, info.padRight],
      [0, 0],
    ],
    dimRoundingMode: 'floor',
  };
}

/** tfjs kernel attributes for a polytensor Conv2DInfo: explicit padding, NHWC. */
export function convAttrs(info: Conv2DInfo): NamedAttrMap {
  return { ...windowAttrs(info), dataFormat: 'NHWC', dilations: [info.dilationHeight, info.dilationWidth] };
}

/** tfjs MaxPool/AvgPool attributes for a polytensor pooling geometry (explicit padding). */
export function poolAttrs(info: Conv2DInfo): NamedAttrMap {
  return { ...windowAttrs(info), filterSize: [info.filterHeight, info.filterWidth] };
}
