import type { Conv2DInfo } from '../../backend/kernels.js';
import type { TensorInfo } from '../../backend/types.js';
import { composite, type KernelContext } from '../temps.js';
import { patches, unpatches, windows } from './patches.js';

/** NHWC conv as im2col: windows [B·oh·ow, fh·fw·inC] times the filter [fh·fw·inC, outC]. */
export function conv2d(k: KernelContext, x: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo {
  return composite(k, [x, filter], (t) => {
    const w = windows(info);
    const rows = info.batchSize * info.outHeight * info.outWidth;
    const depth = w.k * info.inChannels;
    const cols = t.reshape(patches(t, x, info, w, 0), [1, rows, depth]);
    const out = t.t(k.matMul(cols, t.reshape(filter, [1, depth, info.outChannels]), false, false));
    return t.reshape(out, info.outShape);
  });
}

/** dx: dy [B·oh·ow, outC] times the filterᵀ gives every window's share, summed back into the cells (col2im). */
export function conv2dBackpropInput(k: KernelContext, dy: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo {
  return composite(k, [dy, filter], (t) => {
    const w = windows(info);
    const rows = info.batchSize * info.outHeight * info.outWidth;
    const depth = w.k * info.inChannels;
    const shares = t.t(k.matMul(t.reshape(dy, [1, rows, info.outChannels]), t.reshape(filter, [1, depth, info.outChannels]), false, true));
    return unpatches(t, t.reshape(shares, [info.batchSize, info.outHeight, info.outWidth, w.k, info.inChannels]), info, w);
  });
}

/** dW: windowsᵀ [fh·fw·inC, B·oh·ow] times dy [B·oh·ow, outC]. */
export function conv2dBackpropFilter(k: KernelContext, x: TensorInfo, dy: TensorInfo, info: Conv2DInfo): TensorInfo {
  return composite(k, [x, dy], (t) => {
    const w = windows(info);
    const rows = info.batchSize * info.outHeight * info.outWidth;
    const depth = w.k * info.inChannels;
    const cols = t.reshape(patches(t, x, info, w, 0), [1, rows, depth]);
    const out = t.t(k.matMul(cols, t.reshape(dy, [1, rows, info.outChannels]), true, false));
    return t.reshape(out, info.filterShape);
  });
}
