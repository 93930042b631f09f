import type { Conv2DInfo, FusedActivation, TensorInfo } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { columnTaps } from './column_taps.js';
import { laneActivation } from './fused_util.js';

/** Whether `conv2dForwardPacked` handles this geometry: unit column stride (see column_taps.ts). */
export function forwardPackedApplies(info: Conv2DInfo): boolean {
  return info.strideWidth === 1;
}

/** Whether `activation` can be fused into `conv2dForwardPacked` (tanh runs after it, see fused_conv2d.ts). */
export function fusesActivation(activation: FusedActivation): boolean {
  return laneActivation(activation) !== undefined;
}

/**
 * act(conv2d(x, filter) + bias) with unit column stride as one packed
 * program, without im2col: each fragment owns a texel of the output (two
 * columns × two output channels) and, per filter row and pair of input
 * channels, fetches each x texel its taps touch once (column_taps.ts) and
 * one filter texel per tap: 2 fetches per 8 multiply-adds, as the packed
 * matMul tfjs's Conv2D runs after its im2col pass, which writes and then
 * reads 9× the input for a 3×3 filter. Bias and activation are applied in
 * the same program (tfjs's FusedConv2D does too); relu and sigmoid are the
 * unary kernels' (relu(−0) = −0, the accurate sigmoid).
 */
export function conv2dForwardPacked(
  s: WebGLStore,
  x: TensorInfo,
  filter: TensorInfo,
  bias: TensorInfo | null,
  activation: FusedActivation,
  info: Conv2DInfo,
): TensorInfo {
  const act = laneActivation(activation);
  if (!act) throw new Error(`webgl backend: internal error: conv2dForwardPacked cannot fuse ${activation}`);
  const { inHeight: H, inWidth: W, inChannels: C, filterHeight: FH, filterWidth: FW } = info;
  const { strideHeight: SH, dilationHeight: DH, dilationWidth: DW, padTop: PT, padLeft: PL } = info;
  const cols = columnTaps(
    Array.from({ length: FW }, (_, fw) => fw * DW - PL),
    W,
    (col) => `getX(b, xr, ${col}, d1)`,
  );
  // filter texel lanes: (d1, d2), (d1, d2 + 1), (d1 + 1, d2), (d1 + 1, d2 + 1)
  const taps = cols.lanes.map(
    ([xa, xb], fw) => `{
            vec4 w = getW(fh, ${fw}, d1, d2);
            vec2 xa = ${xa}; vec2 xb = ${xb};
            res.xy += a${fw} ? vec2(dot(xa, w.xz), dot(xa, w.yw)) : vec2(0.0);
            res.zw += b${fw} ? vec2(dot(xb, w.xz), dot(xb, w.yw)) : vec2(0.0);
          }`,
  );
  const lanes = ['x', 'y', 'z', 'w'].map((l) => act(`res.${l}`)).join(', ');
  // GLSL ES 1.00 (WebGL 1): constant loop bounds, no % or & on ints; shapes are compiled in.
  const body = `
    void main() {
      ivec4 o = getOutputCoords();
      int b = o.x; int r = o.y; int c = o.z; int d2 = o.w;
      ${cols.valid}
      vec4 res = vec4(0.0);
      for (int fh = 0; fh < ${FH}; fh++) {
        int xr = r * ${SH} - ${PT} + fh * ${DH};
        if (xr < 0 || xr >= ${H}) continue;
        for (int p = 0; p < ${Math.ceil(C / 2)}; p++) {
          int d1 = 2 * p;
          ${cols.fetches}
          ${taps.join('\n          ')}
        }
      }
      ${bias ? 'res += getBIASAtOutCoords();' : ''}
      ${activation === 'linear' ? '' : `res = vec4(${lanes});`}
      ptSetOutput(res);
    }`;
  const names = bias ? ['X', 'W', 'BIAS'] : ['X', 'W'];
  const inputs = bias ? [x, filter, bias] : [x, filter];
  const out = s.packed(bias ? 'fusedConv2d' : 'conv2d', names, inputs, info.outShape, 'float32', body);
  return s.wrap(out, info.outShape, 'float32');
}
