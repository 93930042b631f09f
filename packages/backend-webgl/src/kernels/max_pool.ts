import { sizeOfShape, type Conv2DInfo, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { DECODE, filterLoopBound, runGeometry, windowCells } from './geometry.js';

/**
 * Max pooling over each window's real cells (padding ignored), one fragment
 * per output. This package's program, not tfjs's MaxPool: GLSL's max() may
 * return either operand for a NaN and tfjs's shader skips NaN cells (and starts
 * from −1e20, so a window of −Infinity came back as −1e20); the contract makes
 * a NaN anywhere in the window the result, as the max reduction does. A window
 * with no real cell gives −Infinity.
 */
export function maxPool(s: WebGLStore, x: TensorInfo, info: Conv2DInfo): TensorInfo {
  if (sizeOfShape(info.outShape) === 0) return s.fromValues(new Float32Array(0), info.outShape, 'float32');
  const body = `${DECODE.output}
      float m = -ptInf();
      ${windowCells(filterLoopBound(info), true, 'if (ptIsNaN(v) || ptIsNaN(m)) m = NAN; else if (v > m) m = v;')}
      setOutput(m);`;
  return runGeometry(s, 'maxPool', ['x'], [x], info.outShape, info, body);
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const maxPoolKernel: KernelImpl<'maxPool', WebGLStore> = (s, x, info) => maxPool(s.enter('maxPool'), x, info);
