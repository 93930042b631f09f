import type { TsStore } from '../store.js';
import type { Conv2DInfo, KernelImpl } from '@polytensor/core';
import { accumulatorBuffer, gemmAccumulate, operandBuffer, strided } from '../parallel/gemm.js';
import { im2col, isPointwise, unfoldOf } from '../util/im2col.js';
import { COL_BUDGET } from './conv2d.js';

/**
 * dW [fh·fw·inC, outC] = Σ_b im2col(x_b)ᵀ · dy_b. The transpose is read with
 * strides; consecutive images share one GEMM (their unfolded rows and their dy
 * rows are both contiguous), accumulated in float64 and rounded once.
 */
export function conv2dBackpropFilter(x: Float32Array, dy: Float32Array, info: Conv2DInfo): Float32Array {
  const { batchSize, outHeight, outWidth, outChannels: N } = info;
  const P = outHeight * outWidth;
  const K = info.filterHeight * info.filterWidth * info.inChannels;
  const out = new Float32Array(K * N);
  if (out.length === 0 || P === 0 || batchSize === 0) return out;
  const acc = accumulatorBuffer('conv2dBackpropFilter.acc', K * N);
  acc.fill(0);
  if (isPointwise(info)) {
    gemmAccumulate({ m: K, n: N, k: batchSize * P, a: strided(x, 0, 1, K), b: strided(dy, 0, N, 1), c: acc, cOff: 0, ldc: N });
  } else {
    const u = unfoldOf(info);
    const imgSize = info.inHeight * info.inWidth * info.inChannels;
    const group = Math.max(1, Math.min(batchSize, Math.floor(COL_BUDGET / Math.max(1, P * K))));
    const col = operandBuffer('conv2d.col', group * P * K);
    for (let b0 = 0; b0 < batchSize; b0 += group) {
      const g = Math.min(group, batchSize - b0);
      for (let t = 0; t < g; t++) im2col(x, (b0 + t) * imgSize, u, t === 0 ? col : col.subarray(t * P * K));
      // colᵀ read with strides: row (filter tap) stride 1, column (pixel) stride K.
      gemmAccumulate({ m: K, n: N, k: g * P, a: strided(col, 0, 1, K), b: strided(dy, b0 * P * N, N, 1), c: acc, cOff: 0, ldc: N });
    }
  }
  out.set(acc);
  return out;
}

/** The contract-level kernel: storage in, storage out. */
export const conv2dBackpropFilterKernel: KernelImpl<'conv2dBackpropFilter', TsStore> = (s, x, dy, info) =>
  s.output(conv2dBackpropFilter(s.f32(x, 'conv2dBackpropFilter'), s.f32(dy, 'conv2dBackpropFilter'), info), info.filterShape);
