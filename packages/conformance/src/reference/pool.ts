import type { Conv2DInfo } from '@polytensor/core';
import type { HostTensor } from '../host.js';
import type { Accumulated } from './accumulate.js';
import { forEachTap } from './conv.js';

/**
 * The real (non-padding) input cells of each pooling window, in row-major
 * window order, as flat spatial indices (b, h, w) without the channel.
 */
function windows(info: Conv2DInfo): number[][][] {
  const res: number[][][] = Array.from({ length: info.batchSize * info.outHeight * info.outWidth }, () => []);
  forEachTap(info, (b, ih, iw, oh, ow) => res[(b * info.outHeight + oh) * info.outWidth + ow]!.push([b, ih, iw]));
  return res;
}

const C = (info: Conv2DInfo): number => info.inChannels;
const xAt = (info: Conv2DInfo, [b, h, w]: number[], c: number): number => ((b! * info.inHeight + h!) * info.inWidth + w!) * C(info) + c;

/** Max over the real cells of each window (the empty window gives -Infinity; the suite never sends one). */
export function maxPool(x: HostTensor, info: Conv2DInfo): HostTensor {
  const wins = windows(info);
  const c = C(info);
  const out = new Float64Array(wins.length * c);
  wins.forEach((cells, o) => {
    for (let ch = 0; ch < c; ch++) {
      let m = -Infinity;
      for (const cell of cells) {
        const v = x.values[xAt(info, cell, ch)]!;
        if (Number.isNaN(v) || Number.isNaN(m)) m = NaN;
        else if (v > m) m = v;
      }
      out[o * c + ch] = m;
    }
  });
  return { shape: [info.batchSize, info.outHeight, info.outWidth, c], values: out, dtype: 'float32' };
}

/** dy routed to the first max (row-major window order) of each window; overlapping windows sum. */
export function maxPoolGrad(dy: HostTensor, x: HostTensor, info: Conv2DInfo): Accumulated {
  const wins = windows(info);
  const c = C(info);
  const n = x.values.length;
  const out = new Float64Array(n);
  const terms = new Float64Array(n);
  const absSum = new Float64Array(n);
  wins.forEach((cells, o) => {
    for (let ch = 0; ch < c; ch++) {
      let best = -1;
      let m = -Infinity;
      for (const cell of cells) {
        const i = xAt(info, cell, ch);
        const v = x.values[i]!;
        if (best < 0 || v > m) {
          best = i;
          m = v;
        }
      }
      if (best < 0) continue;
      const g = dy.values[o * c + ch]!;
      out[best] = out[best]! + g;
      terms[best]!++;
      absSum[best] = absSum[best]! + Math.abs(g);
    }
  });
  return { out: { shape: [...x.shape], values: out, dtype: 'float32' }, terms, absSum };
}

/** Average over the real cells of each window (divides by their count). */
export function avgPool(x: HostTensor, info: Conv2DInfo): Accumulated {
  const wins = windows(info);
  const c = C(info);
  const n = wins.length * c;
  const out = new Float64Array(n);
  const terms = new Float64Array(n);
  const absSum = new Float64Array(n);
  wins.forEach((cells, o) => {
    for (let ch = 0; ch < c; ch++) {
      let s = 0;
      let abs = 0;
      for (const cell of cells) {
        const v = x.values[xAt(info, cell, ch)]!;
        s += v;
        abs += Math.abs(v);
      }
      const k = cells.length;
      out[o * c + ch] = s / k;
      terms[o * c + ch] = k;
      absSum[o * c + ch] = abs / k;
    }
  });
  return { out: { shape: [info.batchSize, info.outHeight, info.outWidth, c], values: out, dtype: 'float32' }, terms, absSum };
}

/** Each window's dy spread evenly over its real cells; overlapping windows sum. */
export function avgPoolGrad(dy: HostTensor, info: Conv2DInfo): Accumulated {
  const wins = windows(info);
  const c = C(info);
  const n = info.batchSize * info.inHeight * info.inWidth * c;
  const out = new Float64Array(n);
  const terms = new Float64Array(n);
  const absSum = new Float64Array(n);
  wins.forEach((cells, o) => {
    for (let ch = 0; ch < c; ch++) {
      const g = dy.values[o * c + ch]! / cells.length;
      for (const cell of cells) {
        const i = xAt(info, cell, ch);
        out[i] = out[i]! + g;
        terms[i]!++;
        absSum[i] = absSum[i]! + Math.abs(g);
      }
    }
  });
  return { out: { shape: [...info.inShape], values: out, dtype: 'float32' }, terms, absSum };
}
