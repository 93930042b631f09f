import type { Conv2DInfo } from '../../backend/kernels.js';
import type { TensorInfo } from '../../backend/types.js';
import type { Temps } from '../temps.js';

/**
 * Window geometry shared by the convolution and pooling composites: the padded
 * input's size and, for every output position and window offset (in the order
 * oh, ow, fi, fj), the flat index of the input cell it reads in the padded
 * [Hp·Wp] plane.
 */
export interface Windows {
  readonly hp: number;
  readonly wp: number;
  /** fh·fw */
  readonly k: number;
  /** int32 [oh·ow·k] */
  readonly index: Int32Array;
}

export function windows(info: Conv2DInfo): Windows {
  const hp = info.inHeight + info.padTop + info.padBottom;
  const wp = info.inWidth + info.padLeft + info.padRight;
  const { outHeight: oh, outWidth: ow, filterHeight: fh, filterWidth: fw } = info;
  const k = fh * fw;
  const index = new Int32Array(oh * ow * k);
  let n = 0;
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      for (let i = 0; i < fh; i++) {
        for (let j = 0; j < fw; j++) {
          index[n++] = (y * info.strideHeight + i * info.dilationHeight) * wp + (x * info.strideWidth + j * info.dilationWidth);
        }
      }
    }
  }
  return { hp, wp, k, index };
}

/**
 * Every window of x (NHWC), as [B, oh, ow, fh·fw, C]: x padded with `padValue`
 * and gathered at the window indices (im2col with one gather).
 */
export function patches(t: Temps, x: TensorInfo, info: Conv2DInfo, w: Windows, padValue: number): TensorInfo {
  const [b, , , c] = x.shape as [number, number, number, number];
  const padded =
    info.padTop || info.padBottom || info.padLeft || info.padRight
      ? t.t(
          t.k.pad(
            x,
            [
              [0, 0],
              [info.padTop, info.padBottom],
              [info.padLeft, info.padRight],
              [0, 0],
            ],
            padValue,
          ),
        )
      : x;
  const flat = t.reshape(padded, [b, w.hp * w.wp, c]);
  const gathered = t.t(t.k.gather(flat, t.constant(w.index, [w.index.length], 'int32'), 1));
  return t.reshape(gathered, [b, info.outHeight, info.outWidth, w.k, c]);
}

/**
 * The adjoint of `patches`: window values [B, oh, ow, fh·fw, C] summed back
 * into the cells they came from (scatterAdd), padding cut off → [B, H, W, C].
 */
export function unpatches(t: Temps, cols: TensorInfo, info: Conv2DInfo, w: Windows): TensorInfo {
  const b = cols.shape[0]!;
  const c = cols.shape[4]!;
  const flat = t.reshape(cols, [b, w.index.length, c]);
  const summed = t.t(t.k.scatterAdd(flat, t.constant(w.index, [w.index.length], 'int32'), 1, [b, w.hp * w.wp, c]));
  const padded = t.reshape(summed, [b, w.hp, w.wp, c]);
  if (!(info.padTop || info.padBottom || info.padLeft || info.padRight)) return padded;
  return t.t(t.k.slice(padded, [0, info.padTop, info.padLeft, 0], [b, info.inHeight, info.inWidth, c]));
}
