import { sizeOfShape, type Conv2DInfo, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { convAttrs } from './conv_util.js';
import { conv2dFilterPacked, filterPackedApplies } from './conv2d_filter_packed.js';
import { DECODE, runGeometry } from './geometry.js';
import { loopBound } from './reduce_util.js';

/**
 * dW = conv2d's gradient w.r.t. its filter. Unit column stride (the common
 * case, dilated or not): this package's packed program (conv2d_filter_packed.ts).
 * Otherwise tfjs's Conv2DBackpropFilter, which has no dilations; dilated
 * convolutions then use this package's flat shader (a direct sum over batch
 * and output positions).
 */
export function conv2dBackpropFilter(s: WebGLStore, x: TensorInfo, dy: TensorInfo, info: Conv2DInfo): TensorInfo {
  if (sizeOfShape(info.filterShape) === 0) return s.fromValues(new Float32Array(0), info.filterShape, 'float32');
  if (sizeOfShape(info.outShape) === 0) return s.fill(info.filterShape, 'float32', 0, 0);
  if (filterPackedApplies(info)) return conv2dFilterPacked(s, x, dy, info);
  if (info.dilationHeight === 1 && info.dilationWidth === 1) {
    const out = s.kernel('Conv2DBackpropFilter', { x, dy }, { ...convAttrs(info), filterShape: [...info.filterShape] });
    return s.wrap(out, info.filterShape, 'float32');
  }
  const LB = loopBound(info.batchSize);
  const LH = loopBound(info.outHeight);
  const LW = loopBound(info.outWidth);
  const body = `${DECODE.filter}
      float acc = 0.0;
      for (int b = 0; b < ${LB}; b++) {
        if (b >= B) break;
        for (int yr = 0; yr < ${LH}; yr++) {
          if (yr >= outH) break;
          int xr = yr * SH - PT + fh * DH;
          if (xr < 0 || xr >= inH) continue;
          for (int yc = 0; yc < ${LW}; yc++) {
            if (yc >= outW) break;
            int xc = yc * SW - PL + fw * DW;
            if (xc < 0 || xc >= inW) continue;
            acc += getX(((b * inH + xr) * inW + xc) * inC + d1) * getDy(((b * outH + yr) * outW + yc) * outC + d2);
          }
        }
      }
      setOutput(acc);`;
  return runGeometry(s, 'conv2dBackpropFilter', ['x', 'dy'], [x, dy], info.filterShape, info, body);
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const conv2dBackpropFilterKernel: KernelImpl<'conv2dBackpropFilter', WebGLStore> = (s, x, dy, info) =>
  conv2dBackpropFilter(s.enter('conv2dBackpropFilter'), x, dy, info);
