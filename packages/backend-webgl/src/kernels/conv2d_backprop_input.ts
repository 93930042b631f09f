import { sizeOfShape, type Conv2DInfo, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { convAttrs } from './conv_util.js';
import { conv2dInputPacked, inputPackedApplies } from './conv2d_input_packed.js';
import { DECODE, filterLoopBound, runGeometry, windowsCovering } from './geometry.js';
import { loopBound } from './reduce_util.js';

/**
 * dx = conv2d's gradient w.r.t. its input. Unit column stride (the common
 * case, dilated or not): this package's packed program (conv2d_input_packed.ts).
 * Otherwise tfjs's Conv2DBackpropInput, which has no dilations; dilated
 * convolutions then use this package's flat shader (a direct sum over the
 * filter taps that hit each input cell).
 */
export function conv2dBackpropInput(s: WebGLStore, dy: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo {
  if (sizeOfShape(info.inShape) === 0) return s.fromValues(new Float32Array(0), info.inShape, 'float32');
  if (sizeOfShape(info.outShape) === 0 || info.outChannels === 0) return s.fill(info.inShape, 'float32', 0, 0);
  if (inputPackedApplies(info)) return conv2dInputPacked(s, dy, filter, info);
  if (info.dilationHeight === 1 && info.dilationWidth === 1) {
    const out = s.kernel('Conv2DBackpropInput', { dy, filter }, { ...convAttrs(info), inputShape: [...info.inShape] });
    return s.wrap(out, info.inShape, 'float32');
  }
  const LC = loopBound(info.outChannels);
  const body = `${DECODE.input}
      float acc = 0.0;
      ${windowsCovering(
        filterLoopBound(info),
        true,
        '',
        `int dyBase = ((b * outH + yr) * outW + yc) * outC;
          int wBase = ((fh * FW + fw) * inC + d) * outC;
          for (int d2 = 0; d2 < ${LC}; d2++) {
            if (d2 >= outC) break;
            acc += getDy(dyBase + d2) * getW(wBase + d2);
          }`,
      )}
      setOutput(acc);`;
  return runGeometry(s, 'conv2dBackpropInput', ['dy', 'w'], [dy, filter], info.inShape, info, body);
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const conv2dBackpropInputKernel: KernelImpl<'conv2dBackpropInput', WebGLStore> = (s, dy, filter, info) =>
  conv2dBackpropInput(s.enter('conv2dBackpropInput'), dy, filter, info);
