import type { TensorInfo } from '../../backend/types.js';
import { composite, type KernelContext } from '../temps.js';

/** Constant padding as concatenations with constant blocks, one axis at a time. */
export function pad(k: KernelContext, x: TensorInfo, paddings: ReadonlyArray<readonly [number, number]>, value: number): TensorInfo {
  return composite(k, [x], (t) => {
    let cur = x;
    paddings.forEach(([before, after], axis) => {
      if (before === 0 && after === 0) return;
      const block = (n: number): TensorInfo =>
        t.fill(
          cur.shape.map((d, i) => (i === axis ? n : d)),
          value,
          x.dtype,
        );
      const parts = [...(before > 0 ? [block(before)] : []), cur, ...(after > 0 ? [block(after)] : [])];
      cur = t.t(k.concat(parts, axis));
    });
    return cur;
  });
}
