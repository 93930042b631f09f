import type { Conv2DInfo, TensorInfo } from '@polytensor/core';
import type { Runtime } from '../runtime.js';
import { sizeOfShape } from '../util.js';
import { convAttrs } from './conv_util.js';

/** tfjs's Conv2D (im2col + packed matmul, or 1×1 as a matmul). */
export function conv2d(rt: Runtime, x: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo {
  if (sizeOfShape(info.outShape) === 0) return rt.fromValues(new Float32Array(0), info.outShape, 'float32');
  if (info.inChannels === 0) return rt.fill(info.outShape, 'float32', 0, 0);
  const out = rt.kernel('Conv2D', { x, filter }, convAttrs(info));
  return rt.wrap(out, info.outShape, 'float32');
}
