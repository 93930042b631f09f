import type { Conv2DInfo, TensorInfo } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { columnTaps } from './column_taps.js';

/**
 * Whether `conv2dInputPacked` handles this geometry: unit column stride (an
 * output texel's two columns then read two adjacent dy columns per tap).
 */
export function inputPackedApplies(info: Conv2DInfo): boolean {
  return info.strideWidth === 1;
}

/**
 * dx of a convolution with unit column stride as one packed program. Each
 * fragment owns a texel of dx (two columns × two input channels); per filter
 * row and pair of output channels it fetches each dy texel its taps touch
 * once and shares it between neighbouring taps. tfjs's packed
 * Conv2DDerInputPackedProgram fetches one or two dy texels per tap (two when
 * the tap's columns straddle texels, every other tap of a 3-wide filter) and
 * decides each tap's validity with float divisions by the stride: the seed
 * CNN's 3×3 taps take 6 dy fetches there per filter row and channel pair,
 * 3 here.
 *
 * Output column c (always even: a texel's first) reads dy column
 * c + PL − fw·DW through tap fw; those offsets are known when the program is
 * built, so which texel and which half each tap reads is compiled in. Terms
 * whose dy cell lies outside dy are dropped by a select on the product, so a
 * non-finite filter value cannot turn 0·∞ into NaN.
 */
export function conv2dInputPacked(s: WebGLStore, dy: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo {
  const { outHeight: OH, outWidth: OW, outChannels: OC, filterHeight: FH, filterWidth: FW } = info;
  const { strideHeight: SH, dilationHeight: DH, dilationWidth: DW, padTop: PT, padLeft: PL } = info;
  const cols = columnTaps(
    Array.from({ length: FW }, (_, fw) => PL - fw * DW),
    OW,
    (col) => `getDY(b, yr, ${col}, d2)`,
  );
  const taps = cols.lanes.map(
    ([da, db], fw) => `{
            vec4 w = getW(fh, ${fw}, d1, d2);
            vec2 da = ${da}; vec2 db = ${db};
            res.xy += a${fw} ? vec2(dot(da, w.xy), dot(da, w.zw)) : vec2(0.0);
            res.zw += b${fw} ? vec2(dot(db, w.xy), dot(db, w.zw)) : vec2(0.0);
          }`,
  );
  const row = SH === 1 ? 'int yr = num;' : `int yr = num / ${SH}; if (yr * ${SH} != num) continue;`;
  // GLSL ES 1.00 (WebGL 1): constant loop bounds, no % or & on ints; shapes are compiled in.
  const body = `
    void main() {
      ivec4 o = getOutputCoords();
      int b = o.x; int r = o.y; int c = o.z; int d1 = o.w;
      ${cols.valid}
      vec4 res = vec4(0.0);
      for (int fh = 0; fh < ${FH}; fh++) {
        int num = r + ${PT} - fh * ${DH};
        if (num < 0) continue;
        ${row}
        if (yr >= ${OH}) continue;
        for (int p = 0; p < ${Math.ceil(OC / 2)}; p++) {
          int d2 = 2 * p;
          ${cols.fetches}
          ${taps.join('\n          ')}
        }
      }
      ptSetOutput(res);
    }`;
  const out = s.packed('conv2dBackpropInput', ['DY', 'W'], [dy, filter], info.inShape, 'float32', body);
  return s.wrap(out, info.inShape, 'float32');
}
