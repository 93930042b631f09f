import type { Conv2DInfo, TensorInfo, KernelImpl } from '@polytensor/core';
import type { GpujsStore } from '../store.js';
import { poolForward, windowLoop } from './window.js';

/**
 * Max over each window's real cells (−Infinity for a window of only padding).
 * A NaN anywhere in the window makes the result NaN (m = v + m spreads it), as
 * the max reduction does.
 */
export function maxPool(s: GpujsStore, x: TensorInfo, info: Conv2DInfo): TensorInfo {
  return poolForward(
    s,
    'maxPool',
    x,
    info,
    `let m = -kc[1];
${windowLoop('const v = rd(xs, at);\n        if (v != v || m != m) { m = v + m; } else if (v > m) { m = v; }')}
return m;`,
  );
}

/** The contract-level kernel. */
export const maxPoolKernel: KernelImpl<'maxPool', GpujsStore> = maxPool;
