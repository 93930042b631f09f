import type { ArgReduceOp } from '../../backend/kernels.js';
import type { TensorInfo } from '../../backend/types.js';
import { composite, type KernelContext } from '../temps.js';

/**
 * Index of the first max/min along `axis`, NaN counting as the extreme:
 * the smallest index i whose value equals the extreme (or, in a row holding a
 * NaN, whose value is NaN), found as a min-reduction over where(hit, i, n).
 */
export function argReduce(k: KernelContext, op: ArgReduceOp, x: TensorInfo, axis: number): TensorInfo {
  return composite(k, [x], (t) => {
    const n = x.shape[axis]!;
    const kept = x.shape.map((d, i) => (i === axis ? 1 : d));
    const ext = t.reshape(t.t(k.reduce(op === 'argMax' ? 'max' : 'min', x, [axis])), kept);
    let hit = t.t(k.binary('equal', x, ext, x.shape));
    if (x.dtype === 'float32') {
      const rowHasNaN = t.t(k.unary('isNaN', ext));
      hit = t.t(k.where(rowHasNaN, t.t(k.unary('isNaN', x)), hit, x.shape));
    }
    const iota = t.constant(
      Int32Array.from({ length: n }, (_, i) => i),
      x.shape.map((_, i) => (i === axis ? n : 1)),
      'int32',
    );
    const candidates = t.t(k.where(hit, iota, t.scalar(n, 'int32'), x.shape));
    return t.t(k.reduce('min', candidates, [axis]));
  });
}
