import type { Conv2DInfo } from '../../backend/kernels.js';
import type { TensorInfo } from '../../backend/types.js';
import { composite, type KernelContext, type Temps } from '../temps.js';
import { patches, unpatches, windows, type Windows } from './patches.js';

/** The im2col matrix's geometry: the windows, its rows (B·oh·ow) and its depth (fh·fw·inC). */
interface Im2col {
  readonly w: Windows;
  readonly rows: number;
  readonly depth: number;
}

function im2colShape(info: Conv2DInfo): Im2col {
  const w = windows(info);
  return { w, rows: info.batchSize * info.outHeight * info.outWidth, depth: w.k * info.inChannels };
}

/** x's windows as one [1, B·oh·ow, fh·fw·inC] matrix (im2col), for a batched matMul. */
function im2col(t: Temps, x: TensorInfo, info: Conv2DInfo, { w, rows, depth }: Im2col): TensorInfo {
  return t.reshape(patches(t, x, info, w, 0), [1, rows, depth]);
}

/** NHWC conv as im2col: windows [B·oh·ow, fh·fw·inC] times the filter [fh·fw·inC, outC]. */
export function conv2d(k: KernelContext, x: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo {
  return composite(k, [x, filter], (t) => {
    const g = im2colShape(info);
    const out = t.t(k.matMul(im2col(t, x, info, g), t.reshape(filter, [1, g.depth, info.outChannels]), false, false));
    return t.reshape(out, info.outShape);
  });
}

/** dx: dy [B·oh·ow, outC] times the filterᵀ gives every window's share, summed back into the cells (col2im). */
export function conv2dBackpropInput(k: KernelContext, dy: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo {
  return composite(k, [dy, filter], (t) => {
    const { w, rows, depth } = im2colShape(info);
    const shares = t.t(k.matMul(t.reshape(dy, [1, rows, info.outChannels]), t.reshape(filter, [1, depth, info.outChannels]), false, true));
    return unpatches(t, t.reshape(shares, [info.batchSize, info.outHeight, info.outWidth, w.k, info.inChannels]), info, w);
  });
}

/** dW: windowsᵀ [fh·fw·inC, B·oh·ow] times dy [B·oh·ow, outC]. */
export function conv2dBackpropFilter(k: KernelContext, x: TensorInfo, dy: TensorInfo, info: Conv2DInfo): TensorInfo {
  return composite(k, [x, dy], (t) => {
    const g = im2colShape(info);
    const out = t.t(k.matMul(im2col(t, x, info, g), t.reshape(dy, [1, g.rows, info.outChannels]), true, false));
    return t.reshape(out, info.filterShape);
  });
}
