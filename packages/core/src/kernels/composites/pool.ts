import type { Conv2DInfo } from '../../backend/kernels.js';
import type { TensorInfo } from '../../backend/types.js';
import { composite, type KernelContext, type Temps } from '../temps.js';
import { patches, unpatches, windows } from './patches.js';

/** Number of real (unpadded) cells in each window, [1, oh, ow, 1] float32. */
function realCells(t: Temps, info: Conv2DInfo): TensorInfo {
  const counts = new Float32Array(info.outHeight * info.outWidth);
  const span = (o: number, stride: number, dil: number, size: number, pad: number, n: number): number => {
    let c = 0;
    for (let i = 0; i < size; i++) {
      const at = o * stride + i * dil - pad;
      if (at >= 0 && at < n) c++;
    }
    return c;
  };
  for (let y = 0; y < info.outHeight; y++) {
    const rowsIn = span(y, info.strideHeight, info.dilationHeight, info.filterHeight, info.padTop, info.inHeight);
    for (let x = 0; x < info.outWidth; x++) {
      counts[y * info.outWidth + x] = rowsIn * span(x, info.strideWidth, info.dilationWidth, info.filterWidth, info.padLeft, info.inWidth);
    }
  }
  return t.constant(counts, [1, info.outHeight, info.outWidth, 1], 'float32');
}

/** Position (0 … fh·fw−1) of the first real cell of each window, [1, oh, ow, 1] int32. */
function firstRealCell(t: Temps, info: Conv2DInfo): TensorInfo {
  const first = new Int32Array(info.outHeight * info.outWidth);
  for (let p = 0; p < first.length; p++) {
    const y = Math.floor(p / info.outWidth);
    const x = p % info.outWidth;
    let found = 0;
    search: for (let i = 0; i < info.filterHeight; i++) {
      for (let j = 0; j < info.filterWidth; j++) {
        const r = y * info.strideHeight + i * info.dilationHeight - info.padTop;
        const c = x * info.strideWidth + j * info.dilationWidth - info.padLeft;
        if (r >= 0 && r < info.inHeight && c >= 0 && c < info.inWidth) {
          found = i * info.filterWidth + j;
          break search;
        }
      }
    }
    first[p] = found;
  }
  return t.constant(first, [1, info.outHeight, info.outWidth, 1], 'int32');
}

/** Max over each window's real cells (padding is −∞, so it never wins). */
export function maxPool(k: KernelContext, x: TensorInfo, info: Conv2DInfo): TensorInfo {
  return composite(k, [x], (t) => t.t(k.reduce('max', patches(t, x, info, windows(info), -Infinity), [3])));
}

/** Mean over each window's real cells: the window sum (padding adds 0) over the count of real cells. */
export function avgPool(k: KernelContext, x: TensorInfo, info: Conv2DInfo): TensorInfo {
  return composite(k, [x], (t) => {
    const sums = t.t(k.reduce('sum', patches(t, x, info, windows(info), 0), [3]));
    return t.t(k.binary('div', sums, realCells(t, info), info.outShape));
  });
}

/**
 * dy routed to the first max of each window (row-major; NaN counts as the max),
 * summed where windows overlap. A window whose real cells are all −∞ routes to
 * its first real cell, not to the −∞ padding.
 */
export function maxPoolGrad(k: KernelContext, dy: TensorInfo, x: TensorInfo, info: Conv2DInfo): TensorInfo {
  return composite(k, [dy, x], (t) => {
    const w = windows(info);
    const [b, oh, ow, c] = info.outShape;
    const cols = patches(t, x, info, w, -Infinity);
    const colShape = [b, oh, ow, w.k, c];
    const best = t.t(k.argReduce('argMax', cols, 3));
    const max = t.t(k.reduce('max', cols, [3]));
    const allNegInf = t.t(k.binary('equal', max, t.scalar(-Infinity), info.outShape));
    const at = t.t(k.where(allNegInf, firstRealCell(t, info), best, info.outShape));
    const iota = t.constant(
      Int32Array.from({ length: w.k }, (_, i) => i),
      [1, 1, 1, w.k, 1],
      'int32',
    );
    const chosen = t.t(k.binary('equal', iota, t.reshape(at, [b, oh, ow, 1, c]), colShape));
    const routed = t.t(k.where(chosen, t.reshape(dy, [b, oh, ow, 1, c]), t.scalar(0), colShape));
    return unpatches(t, routed, info, w);
  });
}

/** Each window's dy / (count of real cells), spread over the window and summed back (padding cut off). */
export function avgPoolGrad(k: KernelContext, dy: TensorInfo, info: Conv2DInfo): TensorInfo {
  return composite(k, [dy], (t) => {
    const w = windows(info);
    const [b, oh, ow, c] = info.outShape;
    const share = t.t(k.binary('div', dy, realCells(t, info), info.outShape));
    const ones = t.fill([1, 1, 1, w.k, 1], 1, 'float32');
    const spread = t.t(k.binary('mul', t.reshape(share, [b, oh, ow, 1, c]), ones, [b, oh, ow, w.k, c]));
    return unpatches(t, spread, info, w);
  });
}
