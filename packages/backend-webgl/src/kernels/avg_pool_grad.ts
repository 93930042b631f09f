import { sizeOfShape, type Conv2DInfo, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { DECODE, filterLoopBound, runGeometry, windowsCovering } from './geometry.js';

/**
 * avgPool's gradient. tfjs's AvgPoolGrad divides every window by its full
 * size, padded cells included; the contract's avgPool divides by the real
 * cells, so its gradient does too: each input cell sums dy / count over the
 * windows that contain it.
 */
export function avgPoolGrad(s: WebGLStore, dy: TensorInfo, info: Conv2DInfo): TensorInfo {
  if (sizeOfShape(info.inShape) === 0) return s.fromValues(new Float32Array(0), info.inShape, 'float32');
  if (sizeOfShape(info.outShape) === 0) return s.fill(info.inShape, 'float32', 0, 0);
  const body = `${DECODE.input}
      float acc = 0.0;
      ${windowsCovering(
        filterLoopBound(info),
        false,
        `int r0 = yr * SH - PT;
        int rows = ptMinI(r0 + FH, inH) - ptMaxI(r0, 0);`,
        `int c0 = yc * SW - PL;
          int cols = ptMinI(c0 + FW, inW) - ptMaxI(c0, 0);
          acc += getDy(((b * outH + yr) * outW + yc) * outC + d) / float(rows * cols);`,
      )}
      setOutput(acc);`;
  return runGeometry(s, 'avgPoolGrad', ['dy'], [dy], info.inShape, info, body);
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const avgPoolGradKernel: KernelImpl<'avgPoolGrad', WebGLStore> = (s, dy, info) => avgPoolGrad(s.enter('avgPoolGrad'), dy, info);
