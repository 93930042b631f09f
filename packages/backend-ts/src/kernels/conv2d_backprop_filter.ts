import type { Conv2DInfo } from '@polytensor/core';
import { toFloat32 } from '../util/alloc.js';
import { gemm } from '../util/gemm.js';
import { im2col, isPointwise } from '../util/im2col.js';

/** dW [fh·fw·inC, outC] = Σ_b im2col(x_b)ᵀ · dy_b, accumulated over the batch in float64. */
export function conv2dBackpropFilter(x: Float32Array, dy: Float32Array, info: Conv2DInfo): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const P = outHeight * outWidth;
  const K = info.filterHeight * info.filterWidth * inChannels;
  const acc = new Float64Array(K * outChannels);
  if (acc.length === 0 || P === 0) return toFloat32(acc);
  const pointwise = isPointwise(info);
  const col = pointwise ? x : new Float32Array(P * K);
  for (let b = 0; b < batchSize; b++) {
    if (!pointwise) im2col(x, b, info, col);
    const aOff = pointwise ? b * inHeight * inWidth * inChannels : 0;
    // colᵀ read with strides: row (filter tap) stride 1, column (pixel) stride K.
    gemm(K, outChannels, P, col, aOff, 1, K, dy, b * P * outChannels, outChannels, 1, acc, 0);
  }
  return toFloat32(acc);
}
