import type { Conv2DInfo, KernelImpl, TensorInfo } from '@polytensor/core';
import type { WebGPUStore } from '../store.js';
import type { NamedAttrMap, TfTensorInfo } from '../tfjs.js';
import { binaryKernel } from './binary.js';
import { unaryKernel } from './unary.js';

/**
 * NHWC convolution and its two gradients, one thread per output value,
 * direct loops over the window (no im2col buffer). Geometry is baked in:
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

/**
 * tfjs's attributes for the same geometry (NHWC, explicit padding), or null
 * where this package's direct loops run instead: dilation (tfjs's gradient
 * programs have none) and empty tensors (WebGPU binds no empty buffer).
 */
function tfConvAttrs(i: Conv2DInfo): NamedAttrMap | null {
  if (i.dilationHeight !== 1 || i.dilationWidth !== 1) return null;
  if ([...i.inShape, ...i.outShape, ...i.filterShape].some((d) => d === 0)) return null;
  return {
    strides: [i.strideHeight, i.strideWidth],
    pad: [
      [0, 0],
      [i.padTop, i.padBottom],
      [i.padLeft, i.padRight],
      [0, 0],
    ],
    dataFormat: 'NHWC',
    dilations: [1, 1],
  };
}

/** A tfjs kernel's output as a tensor of `shape`, checked: tfjs derived its own geometry from the attributes. */
function tfOutput(s: WebGPUStore, op: string, out: TfTensorInfo, shape: readonly number[]): TensorInfo {
  if (out.shape.length !== shape.length || out.shape.some((d, k) => d !== shape[k])) {
    s.tf.disposeData(out.dataId);
    throw new Error(`webgpu backend: ${op}: internal error: tfjs computed shape [${out.shape.join(',')}], expected [${shape.join(',')}]`);
  }
  return s.wrap(out, shape, 'float32');
}

/**
 * conv2d on tfjs's implicit-GEMM program (Conv2DMMProgram: the input
 * windows read straight into matMul tiles, no im2col buffer; 1×1 and
 * whole-image filters as a plain matMul). Each output is a float32 sum of
 * its fh·fw·inC products, within the contract's accumulation bound.
 */
export const conv2dKernel: KernelImpl<'conv2d', WebGPUStore> = (s, x, filter, info) => {
  const attrs = tfConvAttrs(info);
  if (attrs) return tfOutput(s, 'conv2d', s.kernel('Conv2D', { x, filter }, attrs), info.outShape);
  return conv2dDirect(s, x, filter, info);
};

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
  // tfjs's Conv2DDerInputMMProgram: the transposed convolution as matMul tiles (dy windows × the flipped filter)
  const attrs = tfConvAttrs(info);
  if (attrs) {
    const out = s.kernel('Conv2DBackpropInput', { dy, filter }, { ...attrs, inputShape: info.inShape });
    return tfOutput(s, 'conv2dBackpropInput', out, info.inShape);
  }
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

/**
 * act(conv2d(x, filter) + bias): tfjs's conv2d program with the bias added
 * as each tile is written; the activation, when not linear, is this
 * package's accurate unary kernel (as fusedMatMul).
 */
export const fusedConv2dKernel: KernelImpl<'fusedConv2d', WebGPUStore> = (s, x, filter, bias, activation, info) => {
  const attrs = tfConvAttrs(info);
  let z: TensorInfo;
  if (attrs && bias) {
    z = tfOutput(s, 'fusedConv2d', s.kernel('FusedConv2D', { x, filter, bias }, { ...attrs, activation: 'linear' }), info.outShape);
  } else {
    z = conv2dKernel(s, x, filter, info);
    if (bias) {
      const zb = binaryKernel(s, 'add', z, bias, info.outShape);
      s.disposeTemp(z);
      z = zb;
    }
  }
  if (activation === 'linear') return z;
  const y = unaryKernel(s, activation, z);
  s.disposeTemp(z);
  return y;
};
