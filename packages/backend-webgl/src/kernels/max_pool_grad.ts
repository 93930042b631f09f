import { sizeOfShape, type Conv2DInfo, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { DECODE, filterLoopBound, runGeometry, windowCells, windowsCovering } from './geometry.js';

/**
 * maxPool's gradient. tfjs's MaxPoolGrad routes each window's gradient to the
 * last of tied maxima (its position shader compares with >=); the contract
 * routes to the first in row-major order, so both passes are this package's:
 * (1) per window, the index of its first max among real cells;
 * (2) per input cell, the sum of dy over the windows whose max it is.
 */
export function maxPoolGrad(s: WebGLStore, dy: TensorInfo, x: TensorInfo, info: Conv2DInfo): TensorInfo {
  if (sizeOfShape(info.inShape) === 0) return s.fromValues(new Float32Array(0), info.inShape, 'float32');
  if (sizeOfShape(info.outShape) === 0) return s.fill(info.inShape, 'float32', 0, 0);
  const LF = filterLoopBound(info);
  const positions = `${DECODE.output}
      float best = 0.0; int pos = -1;
      ${windowCells(LF, false, 'if (pos < 0 || v > best) { best = v; pos = fh * FW + fw; }')}
      setOutput(float(pos));`;
  const posT = runGeometry(s, 'maxPoolPositions', ['x'], [x], info.outShape, info, positions);
  const route = `${DECODE.input}
      float acc = 0.0;
      ${windowsCovering(
        LF,
        false,
        '',
        `int k = ((b * outH + yr) * outW + yc) * outC + d;
          if (getPos(k) == float(fh * FW + fw)) acc += getDy(k);`,
      )}
      setOutput(acc);`;
  const out = runGeometry(s, 'maxPoolGrad', ['dy', 'pos'], [dy, posT], info.inShape, info, route);
  s.disposeTemp(posT);
  return out;
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const maxPoolGradKernel: KernelImpl<'maxPoolGrad', WebGLStore> = (s, dy, x, info) => maxPoolGrad(s.enter('maxPoolGrad'), dy, x, info);
