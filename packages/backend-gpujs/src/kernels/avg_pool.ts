import type { Conv2DInfo, TensorInfo, KernelImpl } from '@polytensor/core';
import type { GpujsStore } from '../store.js';
import { poolForward, windowLoop } from './window.js';

/** Mean over each window's real cells (padding is not counted; NaN for a window of only padding). */
export function avgPool(s: GpujsStore, x: TensorInfo, info: Conv2DInfo): TensorInfo {
  return poolForward(
    s,
    'avgPool',
    x,
    info,
    `let sum = 0.0;
let n = 0.0;
${windowLoop('sum += rd(xs, at);\n        n += 1.0;')}
if (n == 0.0) { return kc[2]; }
return sum / n;`,
  );
}

/** The contract-level kernel. */
export const avgPoolKernel: KernelImpl<'avgPool', GpujsStore> = avgPool;
