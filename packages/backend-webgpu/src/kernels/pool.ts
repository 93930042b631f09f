import type { Conv2DInfo, KernelImpl } from '@polytensor/core';
import type { WebGPUStore } from '../store.js';
import { split } from './conv.js';

/**
 * Pooling over each window's real cells (padding never counts), one thread
 * per output value. Window cell (fh, fw) of output (oh, ow) is input row
 * oh·SH − PT + fh·DH, column ow·SW − PL + fw·DW.
 */
function windowLoop(i: Conv2DInfo, oh: string, ow: string, visit: string): string {
  return `  for (var fh = 0; fh < ${i.filterHeight}; fh = fh + 1) {
    let ih = ${oh} * ${i.strideHeight} - ${i.padTop} + fh * ${i.dilationHeight};
    if (ih < 0 || ih >= ${i.inHeight}) { continue; }
    for (var fw = 0; fw < ${i.filterWidth}; fw = fw + 1) {
      let iw = ${ow} * ${i.strideWidth} - ${i.padLeft} + fw * ${i.dilationWidth};
      if (iw < 0 || iw >= ${i.inWidth}) { continue; }
      let at = ((b * ${i.inHeight} + ih) * ${i.inWidth} + iw) * ${i.inChannels} + c;
${visit}
    }
  }`;
}

/** Max of the window; NaN propagates; an all-padding window gives −Infinity. */
export const maxPoolKernel: KernelImpl<'maxPool', WebGPUStore> = (s, x, info) => {
  const body = `${split(['b', 'oh', 'ow', 'c'], info.outShape)}
  var best = -ptInf();
${windowLoop(info, 'oh', 'ow', '      let v = X[at]; if (ptIsNaN(v)) { best = v; break; } if (v > best) { best = v; }')}
  result[index] = best;`;
  return s.run('maxPool', ['X'], [x], info.outShape, 'float32', body);
};

/** Mean over the window's real cells (sum ÷ count, correctly rounded); an all-padding window gives 0/0 = NaN. */
export const avgPoolKernel: KernelImpl<'avgPool', WebGPUStore> = (s, x, info) => {
  const body = `${split(['b', 'oh', 'ow', 'c'], info.outShape)}
  var acc = 0.0;
  var n = 0;
${windowLoop(info, 'oh', 'ow', '      acc = acc + X[at]; n = n + 1;')}
  if (n == 0) { result[index] = ptNaN(); } else { result[index] = ptDiv(acc, f32(n)); }`;
  return s.run('avgPool', ['X'], [x], info.outShape, 'float32', body);
};

/** The output windows (oh, ow) whose cell (fh, fw) is input (ih, iw): loops over fh, fw with oh, ow solved exactly. */
function coveringWindows(i: Conv2DInfo, visit: string): string {
  return `  for (var fh = 0; fh < ${i.filterHeight}; fh = fh + 1) {
    let th = ih + ${i.padTop} - fh * ${i.dilationHeight};
    if (th < 0 || th % ${i.strideHeight} != 0) { continue; }
    let oh = th / ${i.strideHeight};
    if (oh >= ${i.outHeight}) { continue; }
    for (var fw = 0; fw < ${i.filterWidth}; fw = fw + 1) {
      let tw = iw + ${i.padLeft} - fw * ${i.dilationWidth};
      if (tw < 0 || tw % ${i.strideWidth} != 0) { continue; }
      let ow = tw / ${i.strideWidth};
      if (ow >= ${i.outWidth}) { continue; }
      let o = ((b * ${i.outHeight} + oh) * ${i.outWidth} + ow) * ${i.inChannels} + c;
${visit}
    }
  }`;
}

/**
 * dx[b, ih, iw, c]: the dy of every window whose first max (row-major; the
 * first NaN if any) is this cell. Each covering window's argmax is found again
 * here, so no index buffer is kept between forward and backward.
 */
export const maxPoolGradKernel: KernelImpl<'maxPoolGrad', WebGPUStore> = (s, dy, x, info) => {
  const argmax = `fn ptWindowArgmax(b: i32, oh: i32, ow: i32, c: i32) -> i32 {
  var best = 0.0;
  var arg = -1;
${windowLoop(info, 'oh', 'ow', '      let v = X[at]; if (arg < 0 || (!ptIsNaN(best) && (v > best || ptIsNaN(v)))) { best = v; arg = at; }')}
  return arg;
}`;
  const body = `${split(['b', 'ih', 'iw', 'c'], info.inShape)}
  var acc = 0.0;
${coveringWindows(info, '      if (ptWindowArgmax(b, oh, ow, c) == index) { acc = acc + DY[o]; }')}
  result[index] = acc;`;
  return s.run('maxPoolGrad', ['DY', 'X'], [dy, x], info.inShape, 'float32', body, argmax);
};

/** dx[b, ih, iw, c] = Σ dy / (real cells of that window) over the windows covering this cell. */
export const avgPoolGradKernel: KernelImpl<'avgPoolGrad', WebGPUStore> = (s, dy, info) => {
  const count = `fn ptWindowCount(oh: i32, ow: i32) -> i32 {
  var nh = 0;
  for (var fh = 0; fh < ${info.filterHeight}; fh = fh + 1) {
    let ih = oh * ${info.strideHeight} - ${info.padTop} + fh * ${info.dilationHeight};
    if (ih >= 0 && ih < ${info.inHeight}) { nh = nh + 1; }
  }
  var nw = 0;
  for (var fw = 0; fw < ${info.filterWidth}; fw = fw + 1) {
    let iw = ow * ${info.strideWidth} - ${info.padLeft} + fw * ${info.dilationWidth};
    if (iw >= 0 && iw < ${info.inWidth}) { nw = nw + 1; }
  }
  return nh * nw;
}`;
  const body = `${split(['b', 'ih', 'iw', 'c'], info.inShape)}
  var acc = 0.0;
${coveringWindows(info, '      acc = acc + ptDiv(DY[o], f32(ptWindowCount(oh, ow)));')}
  result[index] = acc;`;
  return s.run('avgPoolGrad', ['DY'], [dy], info.inShape, 'float32', body, count);
};
