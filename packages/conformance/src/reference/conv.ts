import type { Conv2DInfo, FusedActivation } from '@polytensor/core';
import type { HostTensor } from '../host.js';
import type { Accumulated } from './accumulate.js';
import { activate } from './matmul.js';

/**
 * Visit every (output position, filter tap) pair of an NHWC convolution whose
 * input cell is inside the image (taps that land in padding contribute nothing).
 * Indices passed: flat x index (without channel), flat out index (without
 * channel), and the filter row/col.
 */
export function forEachTap(info: Conv2DInfo, visit: (b: number, ih: number, iw: number, oh: number, ow: number, fh: number, fw: number) => void): void {
  for (let b = 0; b < info.batchSize; b++) {
    for (let oh = 0; oh < info.outHeight; oh++) {
      for (let ow = 0; ow < info.outWidth; ow++) {
        for (let fh = 0; fh < info.filterHeight; fh++) {
          const ih = oh * info.strideHeight - info.padTop + fh * info.dilationHeight;
          if (ih < 0 || ih >= info.inHeight) continue;
          for (let fw = 0; fw < info.filterWidth; fw++) {
            const iw = ow * info.strideWidth - info.padLeft + fw * info.dilationWidth;
            if (iw < 0 || iw >= info.inWidth) continue;
            visit(b, ih, iw, oh, ow, fh, fw);
          }
        }
      }
    }
  }
}

const xIndex = (i: Conv2DInfo, b: number, h: number, w: number, c: number): number => ((b * i.inHeight + h) * i.inWidth + w) * i.inChannels + c;
const yIndex = (i: Conv2DInfo, b: number, h: number, w: number, c: number): number => ((b * i.outHeight + h) * i.outWidth + w) * i.outChannels + c;
const fIndex = (i: Conv2DInfo, fh: number, fw: number, ci: number, co: number): number => ((fh * i.filterWidth + fw) * i.inChannels + ci) * i.outChannels + co;

function accumulator(shape: readonly number[]) {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(n);
  const terms = new Float64Array(n);
  const absSum = new Float64Array(n);
  const add = (o: number, t: number): void => {
    out[o] = out[o]! + t;
    terms[o]!++;
    absSum[o] = absSum[o]! + Math.abs(t);
  };
  const result = (): Accumulated => ({ out: { shape: [...shape], values: out, dtype: 'float32' }, terms, absSum });
  return { add, result };
}

/** Which tensor of a convolution an index points into: the input x, the output y, or the filter f. */
type Operand = 'x' | 'y' | 'f';

/**
 * Σ a·b over every tap and (in, out) channel pair, accumulated into `into`:
 * conv2d and its two gradients differ only in which operands they multiply
 * and which they sum into. Each output element sums over taps, then channels,
 * in the same order whichever it is.
 */
function convProducts(info: Conv2DInfo, into: Operand, [a, pa]: [HostTensor, Operand], [b, pb]: [HostTensor, Operand]): Accumulated {
  const shapes = { x: info.inShape, y: info.outShape, f: info.filterShape };
  const acc = accumulator(shapes[into]);
  // An operand's flat index is base + ci·ciStride + co·coStride, its base fixed per tap.
  const ciStride = { x: 1, y: 0, f: info.outChannels };
  const coStride = { x: 0, y: 1, f: 1 };
  const [so, to, sa, ta, sb, tb] = [ciStride[into], coStride[into], ciStride[pa], coStride[pa], ciStride[pb], coStride[pb]];
  forEachTap(info, (bi, ih, iw, oh, ow, fh, fw) => {
    const base = { x: xIndex(info, bi, ih, iw, 0), y: yIndex(info, bi, oh, ow, 0), f: fIndex(info, fh, fw, 0, 0) };
    const [bo, ba, bb] = [base[into], base[pa], base[pb]];
    for (let ci = 0; ci < info.inChannels; ci++) {
      for (let co = 0; co < info.outChannels; co++) {
        acc.add(bo + ci * so + co * to, a.values[ba + ci * sa + co * ta]! * b.values[bb + ci * sb + co * tb]!);
      }
    }
  });
  return acc.result();
}

/** NHWC conv with an HWIO filter. */
export const conv2d = (x: HostTensor, filter: HostTensor, info: Conv2DInfo): Accumulated => convProducts(info, 'y', [x, 'x'], [filter, 'f']);

/** Gradient of conv2d w.r.t. its input. */
export const conv2dBackpropInput = (dy: HostTensor, filter: HostTensor, info: Conv2DInfo): Accumulated => convProducts(info, 'x', [dy, 'y'], [filter, 'f']);

/** Gradient of conv2d w.r.t. its filter. */
export const conv2dBackpropFilter = (x: HostTensor, dy: HostTensor, info: Conv2DInfo): Accumulated => convProducts(info, 'f', [x, 'x'], [dy, 'y']);

/**
 * act(conv2d(x, filter) + bias), bias [outC] or null. Besides the output,
 * returns the linear part's terms/Σ|term| (the bias counts as one term).
 */
export function fusedConv2d(x: HostTensor, filter: HostTensor, bias: HostTensor | null, activation: FusedActivation, info: Conv2DInfo): Accumulated {
  const conv = conv2d(x, filter, info);
  const n = conv.out.values.length;
  const out = new Float64Array(n);
  const terms = new Float64Array(n);
  const absSum = new Float64Array(n);
  for (let o = 0; o < n; o++) {
    const b = bias ? bias.values[o % info.outChannels]! : 0;
    out[o] = activate(activation, conv.out.values[o]! + b);
    terms[o] = conv.terms[o]! + (bias ? 1 : 0);
    absSum[o] = conv.absSum[o]! + Math.abs(b);
  }
  return { out: { shape: [...info.outShape], values: out, dtype: 'float32' }, terms, absSum };
}
