import type { Conv2DInfo, KernelImpl, TensorInfo } from '@polytensor/core';
import type { WebGPUStore } from '../store.js';
import { biasThenActivation } from './bias_activation.js';
import { conv2dBackpropInputBlocked, conv2dBlocked } from './conv_blocked.js';

/**
 * NHWC convolution and its two gradients. conv2d, fusedConv2d and the input
 * gradient run as register blocks (conv_blocked.ts); the direct loops here,
 * one thread per output value, take the filter gradient (already well ahead
 * of tfjs's) and empty shapes. Geometry is baked in:
 * x [B, IH, IW, IC], filter [FH, FW, IC, OC], y [B, OH, OW, OC]; input row
 * ih = oh·strideH − padTop + fh·dilationH (and so for columns).
 */
function dims(i: Conv2DInfo) {
  return {
    IH: i.inHeight,
    IW: i.inWidth,
    IC: i.inChannels,
    OH: i.outHeight,
    OW: i.outWidth,
    OC: i.outChannels,
    FH: i.filterHeight,
    FW: i.filterWidth,
    SH: i.strideHeight,
    SW: i.strideWidth,
    DH: i.dilationHeight,
    DW: i.dilationWidth,
    PT: i.padTop,
    PL: i.padLeft,
  };
}

/** WGSL splitting `index` into named coordinates of a row-major shape. */
export function split(names: readonly string[], shape: readonly number[]): string {
  const lines = ['  var rem = index;'];
  let stride = shape.reduce((p, d) => p * d, 1);
  names.forEach((n, k) => {
    stride /= shape[k]!;
    lines.push(k === names.length - 1 ? `  let ${n} = rem;` : `  let ${n} = rem / ${stride}; rem = rem - ${n} * ${stride};`);
  });
  return lines.join('\n');
}

/** Nothing empty: the blocked programs need every dimension (WebGPU binds no empty buffer); the direct loops handle the rest. */
function nonEmpty(i: Conv2DInfo): boolean {
  return [...i.inShape, ...i.outShape, ...i.filterShape].every((d) => d > 0);
}

/** conv2d as 4×4 register blocks (conv_blocked.ts). */
export const conv2dKernel: KernelImpl<'conv2d', WebGPUStore> = (s, x, filter, info) =>
  nonEmpty(info) ? conv2dBlocked(s, x, filter, info, null, 'linear', 'conv2d') : conv2dDirect(s, x, filter, info);

function conv2dDirect(s: WebGPUStore, x: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo {
  const d = dims(info);
  const body = `${split(['b', 'oh', 'ow', 'oc'], info.outShape)}
  var acc = 0.0;
  for (var fh = 0; fh < ${d.FH}; fh = fh + 1) {
    let ih = oh * ${d.SH} - ${d.PT} + fh * ${d.DH};
    if (ih < 0 || ih >= ${d.IH}) { continue; }
    for (var fw = 0; fw < ${d.FW}; fw = fw + 1) {
      let iw = ow * ${d.SW} - ${d.PL} + fw * ${d.DW};
      if (iw < 0 || iw >= ${d.IW}) { continue; }
      let xb = ((b * ${d.IH} + ih) * ${d.IW} + iw) * ${d.IC};
      let fb = (fh * ${d.FW} + fw) * ${d.IC * d.OC} + oc;
      for (var ic = 0; ic < ${d.IC}; ic = ic + 1) { acc = acc + X[xb + ic] * F[fb + ic * ${d.OC}]; }
    }
  }
  result[index] = acc;`;
  return s.run('conv2d', ['X', 'F'], [x, filter], info.outShape, 'float32', body);
}

/** dx[b, ih, iw, ic] = Σ dy[b, oh, ow, oc]·filter[fh, fw, ic, oc] over the (oh, fh) with ih = oh·SH − PT + fh·DH. */
export const conv2dBackpropInputKernel: KernelImpl<'conv2dBackpropInput', WebGPUStore> = (s, dy, filter, info) => {
  if (nonEmpty(info)) return conv2dBackpropInputBlocked(s, dy, filter, info);
  const d = dims(info);
  const body = `${split(['b', 'ih', 'iw', 'ic'], info.inShape)}
  var acc = 0.0;
  for (var fh = 0; fh < ${d.FH}; fh = fh + 1) {
    let th = ih + ${d.PT} - fh * ${d.DH};
    if (th < 0 || th % ${d.SH} != 0) { continue; }
    let oh = th / ${d.SH};
    if (oh >= ${d.OH}) { continue; }
    for (var fw = 0; fw < ${d.FW}; fw = fw + 1) {
      let tw = iw + ${d.PL} - fw * ${d.DW};
      if (tw < 0 || tw % ${d.SW} != 0) { continue; }
      let ow = tw / ${d.SW};
      if (ow >= ${d.OW}) { continue; }
      let yb = ((b * ${d.OH} + oh) * ${d.OW} + ow) * ${d.OC};
      let fb = ((fh * ${d.FW} + fw) * ${d.IC} + ic) * ${d.OC};
      for (var oc = 0; oc < ${d.OC}; oc = oc + 1) { acc = acc + DY[yb + oc] * F[fb + oc]; }
    }
  }
  result[index] = acc;`;
  return s.run('conv2dBackpropInput', ['DY', 'F'], [dy, filter], info.inShape, 'float32', body);
};

/** dfilter[fh, fw, ic, oc] = Σ over b, oh, ow of x[b, ih, iw, ic]·dy[b, oh, ow, oc] (real input cells only). */
export const conv2dBackpropFilterKernel: KernelImpl<'conv2dBackpropFilter', WebGPUStore> = (s, x, dy, info) => {
  const d = dims(info);
  const body = `${split(['fh', 'fw', 'ic', 'oc'], info.filterShape)}
  var acc = 0.0;
  for (var b = 0; b < ${info.batchSize}; b = b + 1) {
    for (var oh = 0; oh < ${d.OH}; oh = oh + 1) {
      let ih = oh * ${d.SH} - ${d.PT} + fh * ${d.DH};
      if (ih < 0 || ih >= ${d.IH}) { continue; }
      for (var ow = 0; ow < ${d.OW}; ow = ow + 1) {
        let iw = ow * ${d.SW} - ${d.PL} + fw * ${d.DW};
        if (iw < 0 || iw >= ${d.IW}) { continue; }
        acc = acc + X[((b * ${d.IH} + ih) * ${d.IW} + iw) * ${d.IC} + ic] * DY[((b * ${d.OH} + oh) * ${d.OW} + ow) * ${d.OC} + oc];
      }
    }
  }
  result[index] = acc;`;
  return s.run('conv2dBackpropFilter', ['X', 'DY'], [x, dy], info.filterShape, 'float32', body);
};

/** act(conv2d(x, filter) + bias) in one program (conv_blocked.ts): bias and activation applied as each output is written. */
export const fusedConv2dKernel: KernelImpl<'fusedConv2d', WebGPUStore> = (s, x, filter, bias, activation, info) => {
  if (nonEmpty(info)) return conv2dBlocked(s, x, filter, info, bias, activation, 'fusedConv2d');
  return biasThenActivation(s, conv2dDirect(s, x, filter, info), bias, activation, info.outShape);
};
