import { sizeOfShape, type Conv2DInfo, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { GEOMETRY_LOCALS, GEOMETRY_UNIFORMS, geometryValues } from './conv_util.js';
import { loopBound } from './reduce_util.js';

/**
 * avgPool's gradient. tfjs's AvgPoolGrad divides every window by its full
 * size, padded cells included; the contract's avgPool divides by the real
 * cells, so its gradient does too: each input cell sums dy / count over the
 * windows that contain it.
 */
export function avgPoolGrad(s: WebGLStore, dy: TensorInfo, info: Conv2DInfo): TensorInfo {
  if (sizeOfShape(info.inShape) === 0) return s.fromValues(new Float32Array(0), info.inShape, 'float32');
  if (sizeOfShape(info.outShape) === 0) return s.fill(info.inShape, 'float32', 0, 0);
  const LF = loopBound(Math.max(info.filterHeight, info.filterWidth));
  const body = `
    void main() {
      ${GEOMETRY_LOCALS}
      int o = getOutputCoords();
      int d = o - (o / inC) * inC; int t = o / inC;
      int c = t - (t / inW) * inW; t = t / inW;
      int r = t - (t / inH) * inH; int b = t / inH;
      float acc = 0.0;
      for (int fh = 0; fh < ${LF}; fh++) {
        if (fh >= FH) break;
        int yrs = r + PT - fh;
        if (yrs < 0) break;
        int yr = yrs / SH;
        if (yr * SH != yrs || yr >= outH) continue;
        int r0 = yr * SH - PT;
        int rows = ptMinI(r0 + FH, inH) - ptMaxI(r0, 0);
        for (int fw = 0; fw < ${LF}; fw++) {
          if (fw >= FW) break;
          int ycs = c + PL - fw;
          if (ycs < 0) break;
          int yc = ycs / SW;
          if (yc * SW != ycs || yc >= outW) continue;
          int c0 = yc * SW - PL;
          int cols = ptMinI(c0 + FW, inW) - ptMaxI(c0, 0);
          acc += getDy(((b * outH + yr) * outW + yc) * outC + d) / float(rows * cols);
        }
      }
      setOutput(acc);
    }`;
  const out = s.flat('avgPoolGrad', ['dy'], [dy], sizeOfShape(info.inShape), 'float32', body, GEOMETRY_UNIFORMS, geometryValues(info));
  return s.wrap(out, info.inShape, 'float32');
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const avgPoolGradKernel: KernelImpl<'avgPoolGrad', WebGLStore> = (s, dy, info) => avgPoolGrad(s.enter('avgPoolGrad'), dy, info);
