import type { Conv2DInfo, TensorInfo, KernelImpl } from '@polytensor/core';
import type { GpujsStore } from '../store.js';
import { splitTap, tapNative } from './conv_taps.js';
import { evenRows, kTexels, multiplyAndUnpack22, runPacker } from '../util/gemm.js';

import { convParams } from './conv2d.js';

/**
 * GLSL: dy at the output pixel that filter tap (fh, fw) of k = (fh, fw, co) maps
 * onto input pixel (ih, iw): oh = (ih + pt − fh·dh)/sh when that is a whole
 * number in range (likewise ow), else 0.
 */
const DTAP = tapNative('dtap', 'dy:tex k K b ih iw OH OW CO FW SH SW DH DW PT PL', [
  splitTap('co', 'CO'),
  {
    glsl: `  float th = ih + PT - fh * DH;
  float tw = iw + PL - fw * DW;
  if (th < 0.0 || tw < 0.0) return 0.0;
  float oh = floor((th + 0.5) / SH);
  float ow = floor((tw + 0.5) / SW);
  if (oh * SH != th || ow * SW != tw || oh >= OH || ow >= OW) return 0.0;
  return pt_scalar(dy, dySize, ((b * OH + oh) * OW + ow) * CO + co);`,
    js: `  const th = ih + PT - fh * DH;
  const tw = iw + PL - fw * DW;
  if (th < 0 || tw < 0) { return 0; }
  const oh = Math.floor(th / SH);
  const ow = Math.floor(tw / SW);
  if (oh * SH !== th || ow * SW !== tw || oh >= OH || ow >= OW) { return 0; }
  return dy[((b * OH + oh) * OW + ow) * CO + co];`,
  },
]);

/**
 * dx = (the transposed convolution) as a product: rows (b, ih, iw), k = (fh, fw, co),
 * A = dy gathered through the window geometry (dtap; padding rows only reach
 * output rows never read), B[k, ci] = filter[fh, fw, ci, co].
 */
export function conv2dBackpropInput(s: GpujsStore, dy: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo {
  const rows = info.batchSize * info.inHeight * info.inWidth;
  const ci = info.inChannels;
  const co = info.outChannels;
  const k = info.filterHeight * info.filterWidth * co;
  if (rows * ci === 0) return s.outEmpty(info.inShape, 'float32');
  if (k === 0 || info.outHeight * info.outWidth === 0) return s.outTex(s.fill(rows * ci, 0), info.inShape, 'float32');
  const p = convParams(info);
  const pa = runPacker(
    s,
    'dyGather',
    kTexels(k),
    evenRows(rows),
    [['dy', 'tex', s.tex(dy)], ['K', 'float', k], ['CO', 'float', co], ...p],
    `const iw = row - qdiv(row, W) * W;
const t = qdiv(row, W);
const ih = t - qdiv(t, H) * H;
const b = qdiv(t, H);
const k0 = q * 4.0;`,
    (j) => `dtap(dy, k0 + ${j}.0, K, b, ih, iw, OH, OW, CO, FW, SH, SW, DH, DW, PT, PL)`,
    [DTAP],
  );
  // Bᵀ[ci, k] = filter[fh, fw, ci, co] for k = (fh, fw, co): rows ci (padded to even), packed along k
  const pb = runPacker(
    s,
    'filterT2',
    kTexels(k),
    evenRows(ci),
    [
      ['f', 'tex', s.tex(filter)],
      ['K', 'float', k],
      ['CO', 'float', co],
      ['CI', 'float', ci],
    ],
    `const live = row < CI ? 1.0 : 0.0;
const k0 = q * 4.0;`,
    (j) => `live > 0.0 && k0 + ${j}.0 < K ? rd(f, qdiv(k0 + ${j}.0, CO) * (CI - 1.0) * CO + row * CO + k0 + ${j}.0) : 0.0`,
  );
  return s.outTex(multiplyAndUnpack22(s, pa, pb, rows, k, ci), info.inShape, 'float32');
}

/** The contract-level kernel. */
export const conv2dBackpropInputKernel: KernelImpl<'conv2dBackpropInput', GpujsStore> = conv2dBackpropInput;
