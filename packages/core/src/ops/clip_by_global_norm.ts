import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { add, div, maximum, mul, sub } from './binary.js';
import { assertDType, convert, scalar } from './convert.js';
import { sum } from './reduce.js';
import { sqrt, square } from './unary.js';

/**
 * Rescale tensors so that their global norm (the L2 norm of all their
 * elements together) is at most `clipNorm` (TensorFlow's clip_by_global_norm):
 * each t becomes t · clipNorm / max(globalNorm, clipNorm), unchanged when the
 * norm is within the bound. Returns [the clipped tensors, the global norm
 * before clipping] (a float32 scalar); every tensor returned is new. As in
 * TensorFlow, a NaN or infinite global norm makes every element NaN.
 * @example const [clipped, norm] = clipByGlobalNorm([tensor([3, 0]), tensor([4])], 1); // [[0.6, 0], [0.8]], 5
 */
export function clipByGlobalNorm(tensors: readonly TensorLike[], clipNorm: number): [Tensor[], Tensor] {
  if (!Array.isArray(tensors) || tensors.length === 0) {
    throw new PolytensorError(
      `clipByGlobalNorm: pass a non-empty array of tensors (e.g. the gradients of a model), got ${Array.isArray(tensors) ? 'an empty array' : typeof tensors}`,
    );
  }
  if (typeof clipNorm !== 'number' || !Number.isFinite(clipNorm) || clipNorm <= 0) {
    throw new PolytensorError(`clipByGlobalNorm: clipNorm must be a finite number > 0, got ${String(clipNorm)}`);
  }
  const converted: Array<[Tensor, boolean]> = [];
  try {
    tensors.forEach((x, i) => {
      const c = convert('clipByGlobalNorm', `tensors[${i}]`, x);
      converted.push(c);
      assertDType('clipByGlobalNorm', `tensors[${i}]`, c[0], ['float32']);
    });
    const ts = converted.map(([t]) => t);
    return ENGINE.tidy(() => {
      let squares: Tensor = sum(square(ts[0]!));
      for (const t of ts.slice(1)) squares = add(squares, sum(square(t)));
      const globalNorm = sqrt(squares);
      const c = scalar(clipNorm);
      // c / max(norm, c) is exactly 1 within the bound; + (norm − norm) turns an infinite norm's 0 into NaN (TensorFlow's rule).
      const scale = add(div(c, maximum(globalNorm, c)), sub(globalNorm, globalNorm));
      return [ts.map((t) => mul(t, scale)), globalNorm] as [Tensor[], Tensor];
    }, 'clipByGlobalNorm');
  } finally {
    for (const [t, owned] of converted) if (owned) t.dispose();
  }
}
