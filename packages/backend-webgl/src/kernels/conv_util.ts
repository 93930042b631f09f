import type { Conv2DInfo } from '@polytensor/core';
import type { NamedAttrMap } from '../tfjs.js';

/** tfjs kernel attributes for a polytensor Conv2DInfo: explicit padding, NHWC. */
export function convAttrs(info: Conv2DInfo): NamedAttrMap {
  return {
    strides: [info.strideHeight, info.strideWidth],
    pad: [
      [0, 0],
      [info.padTop, info.padBottom],
      [info.padLeft, info.padRight],
      [0, 0],
    ],
    dataFormat: 'NHWC',
    dilations: [info.dilationHeight, info.dilationWidth],
    dimRoundingMode: 'floor',
  };
}

/** The geometry uniforms of this package's conv/pool programs, in `GEOMETRY_UNIFORMS` order. */
export function geometryValues(info: Conv2DInfo): number[][] {
  return [
    [info.batchSize, info.inHeight, info.inWidth, info.inChannels],
    [info.outHeight, info.outWidth, info.outChannels, 0],
    [info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth],
    [info.dilationHeight, info.dilationWidth, info.padTop, info.padLeft],
  ];
}

export const GEOMETRY_UNIFORMS = [
  { name: 'ptIn', type: 'ivec4' as const },
  { name: 'ptOut', type: 'ivec4' as const },
  { name: 'ptFilt', type: 'ivec4' as const },
  { name: 'ptDil', type: 'ivec4' as const },
];

/** GLSL locals for the geometry (after `GEOMETRY_UNIFORMS`). */
export const GEOMETRY_LOCALS = `
  int B = ptIn.x; int inH = ptIn.y; int inW = ptIn.z; int inC = ptIn.w;
  int outH = ptOut.x; int outW = ptOut.y; int outC = ptOut.z;
  int FH = ptFilt.x; int FW = ptFilt.y; int SH = ptFilt.z; int SW = ptFilt.w;
  int DH = ptDil.x; int DW = ptDil.y; int PT = ptDil.z; int PL = ptDil.w;
`;
