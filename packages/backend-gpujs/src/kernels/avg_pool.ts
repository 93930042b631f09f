import { sizeOfShape, type Conv2DInfo, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { GpujsStore } from '../store.js';
import { runPool, windowLoop } from './max_pool.js';

/** Mean over each window's real cells (padding is not counted; NaN for a window of only padding). */
export function avgPool(s: GpujsStore, x: TensorInfo, info: Conv2DInfo): TensorInfo {
  if (sizeOfShape(info.outShape) === 0) return s.outEmpty(info.outShape, 'float32');
  const tex = runPool(
    s,
    'avgPool',
    info.outShape,
    info,
    [['xs', s.tex(x)]],
    () => `let sum = 0.0;
let n = 0.0;
${windowLoop('sum += rd(xs, at);\n        n += 1.0;')}
if (n == 0.0) { return kc[2]; }
return sum / n;`,
  );
  return s.outTex(tex, info.outShape, 'float32');
}

/** The contract-level kernel. */
export const avgPoolKernel: KernelImpl<'avgPool', GpujsStore> = avgPool;
