import type { Conv2DInfo, TensorInfo, KernelImpl } from '@polytensor/core';
import type { GpujsStore } from '../store.js';
import { readInput, tapNative } from './conv_taps.js';
import { evenRows, kTexels, multiplyAndUnpack22, packRows, runPacker } from '../util/gemm.js';

import { convParams } from './conv2d.js';

/** GLSL: x at output pixel p = (b, oh, ow) seen through filter tap (fh, fw, ci); 0 in the padding or past P. */
const PTAP = tapNative('ptap', 'x:tex p P fh fw ci H W C OH OW SH SW DH DW PT PL', [
  {
    glsl: `  if (p >= P) return 0.0;
  float t = floor((p + 0.5) / OW);
  float ow = p - t * OW;
  if (ow < 0.0) { t -= 1.0; ow += OW; } else if (ow >= OW) { t += 1.0; ow -= OW; }
  float b = floor((t + 0.5) / OH);
  float oh = t - b * OH;
  if (oh < 0.0) { b -= 1.0; oh += OH; } else if (oh >= OH) { b += 1.0; oh -= OH; }`,
    js: `  if (p >= P) { return 0; }
  const t = Math.floor(p / OW);
  const ow = p - t * OW;
  const b = Math.floor(t / OH);
  const oh = t - b * OH;`,
  },
  readInput('oh * SH - PT', 'ow * SW - PL'),
]);

/**
 * dW[fh, fw, ci, co] = Σ_p cols[p, (fh, fw, ci)] · dy[p, co] as a product:
 * A = im2colᵀ (rows (fh, fw, ci), packed along the output pixels p; padding rows
 * only reach output rows never read), Bᵀ = dyᵀ [Co, P].
 */
export function conv2dBackpropFilter(s: GpujsStore, x: TensorInfo, dy: TensorInfo, info: Conv2DInfo): TensorInfo {
  const rows = info.filterHeight * info.filterWidth * info.inChannels;
  const co = info.outChannels;
  const pTotal = info.batchSize * info.outHeight * info.outWidth;
  if (rows * co === 0) return s.outEmpty(info.filterShape, 'float32');
  if (pTotal === 0 || info.inHeight * info.inWidth === 0) return s.outTex(s.fill(rows * co, 0), info.filterShape, 'float32');
  const pa = runPacker(
    s,
    'im2colT',
    kTexels(pTotal),
    evenRows(rows),
    [['x', 'tex', s.tex(x)], ['P', 'float', pTotal], ...convParams(info)],
    `const tt = qdiv(row, C);
const ci = row - tt * C;
const fh = qdiv(tt, FW);
const fw = tt - fh * FW;
const p0 = q * 4.0;`,
    (j) => `ptap(x, p0 + ${j}.0, P, fh, fw, ci, H, W, C, OH, OW, SH, SW, DH, DW, PT, PL)`,
    [PTAP],
  );
  // dyᵀ: [Co, P], each output channel packed along the pixels
  const pb = packRows(s, { tex: s.tex(dy), sb: 0, sr: 1, sc: co }, 1, co, pTotal);
  return s.outTex(multiplyAndUnpack22(s, pa, pb, rows, pTotal, co), info.filterShape, 'float32');
}

/** The contract-level kernel. */
export const conv2dBackpropFilterKernel: KernelImpl<'conv2dBackpropFilter', GpujsStore> = conv2dBackpropFilter;
