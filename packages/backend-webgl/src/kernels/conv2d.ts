import { sizeOfShape, type Conv2DInfo, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { convAttrs } from './conv_util.js';
import { conv2dForwardPacked, forwardPackedApplies } from './conv2d_forward_packed.js';

/** Unit column stride: this package's packed program (conv2d_forward_packed.ts); otherwise tfjs's Conv2D (im2col + packed matmul, or 1×1 as a matmul). */
export function conv2d(s: WebGLStore, x: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo {
  if (sizeOfShape(info.outShape) === 0) return s.fromValues(new Float32Array(0), info.outShape, 'float32');
  if (info.inChannels === 0) return s.fill(info.outShape, 'float32', 0, 0);
  if (forwardPackedApplies(info)) return conv2dForwardPacked(s, x, filter, null, 'linear', info);
  const out = s.kernel('Conv2D', { x, filter }, convAttrs(info));
  return s.wrap(out, info.outShape, 'float32');
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const conv2dKernel: KernelImpl<'conv2d', WebGLStore> = (s, x, filter, info) => conv2d(s.enter('conv2d'), x, filter, info);
