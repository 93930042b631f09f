import { sizeOfShape, type Conv2DInfo, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { GpujsStore } from '../store.js';
import { runPool, windowLoop } from './max_pool.js';

/**
 * JavaScript looping over the output windows that contain input pixel (y, x):
 * oh = (y + pt − fh·dh)/sh when whole and in range, likewise ow. `visit` sees
 * `o`, the flat index of that output element.
 */
export function windowsContaining(visit: string): string {
  return `for (let fh = 0; fh < FH; fh++) {
  const th = y + PT - fh * DH;
  if (th >= 0.0) {
    const oh = qdiv(th, SH);
    if (oh * SH == th && oh < OH) {
      for (let fw = 0; fw < FW; fw++) {
        const tw = x + PL - fw * DW;
        if (tw >= 0.0) {
          const ow = qdiv(tw, SW);
          if (ow * SW == tw && ow < OW) {
            const o = ((b * OH + oh) * OW + ow) * C + c;
            ${visit}
          }
        }
      }
    }
  }
}`;
}

/**
 * dy routed to the first max of each window (row-major), summed where windows
 * overlap. Two passes: the flat input index of each window's first max (−1 when
 * the window has no real cell), then each input pixel sums dy over the windows
 * whose max it is.
 */
export function maxPoolGrad(s: GpujsStore, dy: TensorInfo, x: TensorInfo, info: Conv2DInfo): TensorInfo {
  const n = sizeOfShape(info.inShape);
  if (n === 0) return s.outEmpty(info.inShape, 'float32');
  if (sizeOfShape(info.outShape) === 0) return s.outTex(s.fill(n, 0), info.inShape, 'float32');
  const argmax = runPool(
    s,
    'maxPoolArg',
    info.outShape,
    info,
    [['xs', s.tex(x)]],
    () => `let m = -kc[1];
let best = -1.0;
${windowLoop('const v = rd(xs, at);\n        if (best < 0.0 || v > m) { m = v; best = at; }')}
return best;`,
  );
  const tex = runPool(
    s,
    'maxPoolGrad',
    info.inShape,
    info,
    [
      ['am', argmax],
      ['dys', s.tex(dy)],
    ],
    () => `const self = ((b * H + y) * W + x) * C + c;
let acc = 0.0;
${windowsContaining('if (rd(am, o) == self) { acc += rd(dys, o); }')}
return acc;`,
  );
  argmax.delete();
  return s.outTex(tex, info.inShape, 'float32');
}

/** The contract-level kernel. */
export const maxPoolGradKernel: KernelImpl<'maxPoolGrad', GpujsStore> = maxPoolGrad;
