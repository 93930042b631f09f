import type { TsStore } from '../store.js';
import type { Conv2DInfo, KernelImpl } from '@polytensor/core';
import { accumulatorBuffer, gemmAccumulate, strided } from '../parallel/gemm.js';
import { isPointwise, unfoldOf } from '../util/im2col.js';
import { unfoldInGroups } from './conv2d.js';
import { winogradBackpropFilter } from './conv2d_winograd.js';

/**
 * dW [fh·fw·inC, outC] = Σ_b im2col(x_b)ᵀ · dy_b (3×3 unit-stride windows over
 * enough channels: Winograd's adjoint, kernels/conv2d_winograd.ts). The transpose is read with
 * strides; consecutive images share one GEMM (their unfolded rows and their dy
 * rows are both contiguous), accumulated in float64 and rounded once.
 */
export function conv2dBackpropFilter(x: Float32Array, dy: Float32Array, info: Conv2DInfo): Float32Array {
  const { batchSize, outHeight, outWidth, outChannels: N } = info;
  const P = outHeight * outWidth;
  const K = info.filterHeight * info.filterWidth * info.inChannels;
  const out = new Float32Array(K * N);
  if (out.length === 0 || P === 0 || batchSize === 0) return out;
  const wino = winogradBackpropFilter(x, dy, info);
  if (wino) return wino;
  const acc = accumulatorBuffer('conv2dBackpropFilter.acc', K * N);
  acc.fill(0);
  if (isPointwise(info)) {
    gemmAccumulate({ m: K, n: N, k: batchSize * P, a: strided(x, 0, 1, K), b: strided(dy, 0, N, 1), c: acc, cOff: 0, ldc: N });
  } else {
    const imgSize = info.inHeight * info.inWidth * info.inChannels;
    // colᵀ read with strides: row (filter tap) stride 1, column (pixel) stride K.
    unfoldInGroups(x, imgSize, batchSize, unfoldOf(info), (col, b0, g) =>
      gemmAccumulate({ m: K, n: N, k: g * P, a: strided(col, 0, 1, K), b: strided(dy, b0 * P * N, N, 1), c: acc, cOff: 0, ldc: N }),
    );
  }
  out.set(acc);
  return out;
}

/** The contract-level kernel: storage in, storage out. */
export const conv2dBackpropFilterKernel: KernelImpl<'conv2dBackpropFilter', TsStore> = (s, x, dy, info) =>
  s.output(conv2dBackpropFilter(s.f32(x, 'conv2dBackpropFilter'), s.f32(dy, 'conv2dBackpropFilter'), info), info.filterShape);
