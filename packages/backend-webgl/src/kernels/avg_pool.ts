import type { Conv2DInfo, TensorInfo } from '@polytensor/core';
import type { Runtime } from '../runtime.js';
import { sizeOfShape } from '../util.js';
import { poolAttrs } from './pool_util.js';

/** tfjs's AvgPool (divides by the number of real cells, as the contract pins). */
export function avgPool(rt: Runtime, x: TensorInfo, info: Conv2DInfo): TensorInfo {
  if (sizeOfShape(info.outShape) === 0) return rt.fromValues(new Float32Array(0), info.outShape, 'float32');
  const out = rt.kernel('AvgPool', { x }, poolAttrs(info));
  return rt.wrap(out, info.outShape, 'float32');
}
