import type { Conv2DInfo } from '@polytensor/core';
import { gemm } from '../util/gemm.js';
import { col2im, isPointwise } from '../util/im2col.js';

/**
 * dx = col2im(dy · filterᵀ) per image: the exact adjoint of conv2d's im2col GEMM.
 * The column gradient and the scatter stay in float64; dx is rounded once.
 */
export function conv2dBackpropInput(dy: Float32Array, filter: Float32Array, info: Conv2DInfo): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const P = outHeight * outWidth;
  const K = info.filterHeight * info.filterWidth * inChannels;
  const imgSize = inHeight * inWidth * inChannels;
  const out = new Float32Array(batchSize * imgSize);
  if (out.length === 0) return out;
  const pointwise = isPointwise(info);
  const dcol = new Float64Array(P * K);
  const dx = pointwise ? dcol : new Float64Array(imgSize);
  for (let b = 0; b < batchSize; b++) {
    dcol.fill(0);
    // filter viewed as [K, outC]; its transpose is read with strides (row 1, column outC).
    gemm(P, K, outChannels, dy, b * P * outChannels, outChannels, 1, filter, 0, 1, outChannels, dcol, 0);
    if (!pointwise) {
      dx.fill(0);
      col2im(dcol, info, dx);
    }
    out.set(dx, b * imgSize);
  }
  return out;
}
