import { sizeOfShape, type Conv2DInfo, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { GEOMETRY_LOCALS, GEOMETRY_UNIFORMS, geometryValues } from './conv_util.js';
import { loopBound } from './reduce_util.js';

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
  const LF = loopBound(Math.max(info.filterHeight, info.filterWidth));
  const positions = `
    void main() {
      ${GEOMETRY_LOCALS}
      int o = getOutputCoords();
      int d = o - (o / outC) * outC; int t = o / outC;
      int yc = t - (t / outW) * outW; t = t / outW;
      int yr = t - (t / outH) * outH; int b = t / outH;
      int r0 = yr * SH - PT; int c0 = yc * SW - PL;
      float best = 0.0; int pos = -1;
      for (int fh = 0; fh < ${LF}; fh++) {
        if (fh >= FH) break;
        int r = r0 + fh;
        if (r < 0 || r >= inH) continue;
        for (int fw = 0; fw < ${LF}; fw++) {
          if (fw >= FW) break;
          int c = c0 + fw;
          if (c < 0 || c >= inW) continue;
          float v = getX(((b * inH + r) * inW + c) * inC + d);
          if (pos < 0 || v > best) { best = v; pos = fh * FW + fw; }
        }
      }
      setOutput(float(pos));
    }`;
  const geo = geometryValues(info);
  const pos = s.flat('maxPoolPositions', ['x'], [x], sizeOfShape(info.outShape), 'float32', positions, GEOMETRY_UNIFORMS, geo);
  const posT = s.wrap(pos, info.outShape, 'float32');
  const route = `
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
        for (int fw = 0; fw < ${LF}; fw++) {
          if (fw >= FW) break;
          int ycs = c + PL - fw;
          if (ycs < 0) break;
          int yc = ycs / SW;
          if (yc * SW != ycs || yc >= outW) continue;
          int k = ((b * outH + yr) * outW + yc) * outC + d;
          if (getPos(k) == float(fh * FW + fw)) acc += getDy(k);
        }
      }
      setOutput(acc);
    }`;
  const out = s.flat('maxPoolGrad', ['dy', 'pos'], [dy, posT], sizeOfShape(info.inShape), 'float32', route, GEOMETRY_UNIFORMS, geo);
  s.disposeTemp(posT);
  return s.wrap(out, info.inShape, 'float32');
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const maxPoolGradKernel: KernelImpl<'maxPoolGrad', WebGLStore> = (s, dy, x, info) => maxPoolGrad(s.enter('maxPoolGrad'), dy, x, info);
