import type { Conv2DInfo, TensorInfo } from '@polytensor/core';
import type { WebGLStore } from '../store.js';

/**
 * Whether `conv2dFilterPacked` handles this geometry: unit column stride (the
 * pairs of output columns it walks map onto pairs of input columns).
 */
export function filterPackedApplies(info: Conv2DInfo): boolean {
  return info.strideWidth === 1;
}

/**
 * dW of a convolution with unit column stride as one packed program, an
 * im2col-free product: each fragment owns a 2×2 block of dW (two input
 * channels × two output channels of one tap) and walks the batch and output
 * positions two columns at a time, so one texel of dy (two columns × two
 * channels) and one of x feed eight multiply-adds, as tfjs's packed matMul
 * does. tfjs's Conv2DBackpropFilter runs one fragment per weight and fetches
 * two single values per multiply-add through unpacked samplers: ~8× the
 * texture reads, and on a software rasterizer (SwiftShader) the reads are the
 * cost (the seed CNN's 3×3×64×64 filter gradient at batch 50: ~19 s there).
 *
 * Input columns xc = yc − PL + fw·DW. When that shift is odd, the pair
 * (xc, xc + 1) straddles two texels; the second is carried to the next step,
 * where it holds xc + 2, so it is still one x fetch per step. Terms whose
 * input cell lies in the padding are dropped (a select on the product, so a
 * non-finite dy there cannot turn 0·∞ into NaN), as the direct sum skips them.
 */
export function conv2dFilterPacked(s: WebGLStore, x: TensorInfo, dy: TensorInfo, info: Conv2DInfo): TensorInfo {
  const { batchSize: B, inHeight: H, inWidth: W, outHeight: OH, outWidth: OW } = info;
  const { strideHeight: SH, dilationHeight: DH, dilationWidth: DW, padTop: PT, padLeft: PL } = info;
  const pairs = Math.ceil(OW / 2);
  // GLSL ES 1.00 (WebGL 1): constant loop bounds, no % or & on ints; shapes are compiled in.
  const body = `
    vec4 ptTerm(bool ok, vec2 xv, vec2 dv) { return ok ? xv.xxyy * dv.xyxy : vec4(0.0); }
    void main() {
      ivec4 c = getOutputCoords();
      int fh = c.x; int fw = c.y; int d1 = c.z; int d2 = c.w;
      int shift = fw * ${DW} - ${PL};
      bool odd = shift != 2 * (shift / 2);
      vec4 acc = vec4(0.0);
      for (int b = 0; b < ${B}; b++) {
        for (int yr = 0; yr < ${OH}; yr++) {
          int xr = yr * ${SH} - ${PT} + fh * ${DH};
          if (xr < 0 || xr >= ${H}) continue;
          // the texel holding column shift − 1 (odd shifts read its second row first)
          vec4 carry = getX(b, xr, ptClampW(shift - 1), d1);
          for (int p = 0; p < ${pairs}; p++) {
            int yc = 2 * p;
            int xc = yc + shift;
            vec4 t = getDY(b, yr, yc, d2);
            vec4 xt = getX(b, xr, ptClampW(odd ? xc + 1 : xc), d1);
            vec2 x0 = odd ? carry.zw : xt.xy;
            vec2 x1 = odd ? xt.xy : xt.zw;
            carry = xt;
            bool ok0 = xc >= 0 && xc < ${W};
            bool ok1 = xc + 1 >= 0 && xc + 1 < ${W} && yc + 1 < ${OW};
            acc += ptTerm(ok0, x0, t.xy);
            acc += ptTerm(ok1, x1, t.zw);
          }
        }
      }
      ptSetOutput(acc);
    }`;
  const clamp = `int ptClampW(int v) { return v < 0 ? 0 : (v > ${W - 1} ? ${W - 1} : v); }\n`;
  const out = s.packed('conv2dBackpropFilter', ['X', 'DY'], [x, dy], info.filterShape, 'float32', clamp + body);
  return s.wrap(out, info.filterShape, 'float32');
}
