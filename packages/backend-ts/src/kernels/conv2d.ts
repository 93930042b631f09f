import type { Conv2DInfo } from '@polytensor/core';
import { gemm } from '../util/gemm.js';
import { im2col, isPointwise } from '../util/im2col.js';

/**
 * NHWC conv with an HWIO filter as one GEMM per image:
 * out_b [P, outC] = im2col(x_b) [P, fh·fw·inC] · filter [fh·fw·inC, outC].
 */
export function conv2d(x: Float32Array, filter: Float32Array, info: Conv2DInfo): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const P = outHeight * outWidth;
  const K = info.filterHeight * info.filterWidth * inChannels;
  const out = new Float32Array(batchSize * P * outChannels);
  if (out.length === 0) return out;
  const pointwise = isPointwise(info);
  const col = pointwise ? x : new Float32Array(P * K);
  const acc = new Float64Array(P * outChannels);
  for (let b = 0; b < batchSize; b++) {
    if (!pointwise) im2col(x, b, info, col);
    acc.fill(0);
    const aOff = pointwise ? b * inHeight * inWidth * inChannels : 0;
    gemm(P, outChannels, K, col, aOff, K, 1, filter, 0, outChannels, 1, acc, 0);
    out.set(acc, b * P * outChannels);
  }
  return out;
}
