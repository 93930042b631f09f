import type { Conv2DInfo, TensorInfo, KernelImpl } from '@polytensor/core';
import type { GpujsStore } from '../store.js';
import { overWindows, poolGradient, runPool, windowLoop, windowsContaining } from './window.js';

/**
 * dy routed to the first max of each window (row-major), summed where windows
 * overlap. Two passes: the flat input index of each window's first max (−1 when
 * the window has no real cell), then each input pixel sums dy over the windows
 * whose max it is.
 */
export function maxPoolGrad(s: GpujsStore, dy: TensorInfo, x: TensorInfo, info: Conv2DInfo): TensorInfo {
  return poolGradient(s, info, () => {
    const argmax = overWindows(
      s,
      'maxPoolArg',
      x,
      info,
      `let m = -kc[1];
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
      `const self = ((b * H + y) * W + x) * C + c;
let acc = 0.0;
${windowsContaining('if (rd(am, o) == self) { acc += rd(dys, o); }')}
return acc;`,
    );
    argmax.delete();
    return tex;
  });
}

/** The contract-level kernel. */
export const maxPoolGradKernel: KernelImpl<'maxPoolGrad', GpujsStore> = maxPoolGrad;
