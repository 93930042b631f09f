import { sizeOfShape, type Conv2DInfo, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { GEOMETRY_LOCALS, GEOMETRY_UNIFORMS, geometryValues } from './conv_util.js';
import { loopBound } from './reduce_util.js';

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
  const LF = loopBound(Math.max(info.filterHeight, info.filterWidth));
  const body = `
    void main() {
      ${GEOMETRY_LOCALS}
      int o = getOutputCoords();
      int d = o - (o / outC) * outC; int t = o / outC;
      int yc = t - (t / outW) * outW; t = t / outW;
      int yr = t - (t / outH) * outH; int b = t / outH;
      int r0 = yr * SH - PT; int c0 = yc * SW - PL;
      float m = -ptInf();
      for (int fh = 0; fh < ${LF}; fh++) {
        if (fh >= FH) break;
        int r = r0 + fh * DH;
        if (r < 0 || r >= inH) continue;
        for (int fw = 0; fw < ${LF}; fw++) {
          if (fw >= FW) break;
          int c = c0 + fw * DW;
          if (c < 0 || c >= inW) continue;
          float v = getX(((b * inH + r) * inW + c) * inC + d);
          if (ptIsNaN(v) || ptIsNaN(m)) m = NAN; else if (v > m) m = v;
        }
      }
      setOutput(m);
    }`;
  const out = s.flat('maxPool', ['x'], [x], sizeOfShape(info.outShape), 'float32', body, GEOMETRY_UNIFORMS, geometryValues(info));
  return s.wrap(out, info.outShape, 'float32');
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const maxPoolKernel: KernelImpl<'maxPool', WebGLStore> = (s, x, info) => maxPool(s.enter('maxPool'), x, info);
