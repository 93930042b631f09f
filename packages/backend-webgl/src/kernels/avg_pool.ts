import { sizeOfShape, type Conv2DInfo, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { poolAttrs } from './conv_util.js';

/** tfjs's AvgPool (divides by the number of real cells, as the contract pins). */
export function avgPool(s: WebGLStore, x: TensorInfo, info: Conv2DInfo): TensorInfo {
  if (sizeOfShape(info.outShape) === 0) return s.fromValues(new Float32Array(0), info.outShape, 'float32');
  const out = s.kernel('AvgPool', { x }, poolAttrs(info));
  return s.wrap(out, info.outShape, 'float32');
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const avgPoolKernel: KernelImpl<'avgPool', WebGLStore> = (s, x, info) => avgPool(s.enter('avgPool'), x, info);
