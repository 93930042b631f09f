import type { Conv2DInfo } from '@polytensor/core';
import type { NamedAttrMap } from '../tfjs.js';

/** tfjs MaxPool/AvgPool attributes for a polytensor pooling geometry (explicit padding). */
export function poolAttrs(info: Conv2DInfo): NamedAttrMap {
  return {
    filterSize: [info.filterHeight, info.filterWidth],
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
