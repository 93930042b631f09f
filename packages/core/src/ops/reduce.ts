import type { ReduceOp } from '../backend/kernels.js';
import { REDUCE_INPUT_DTYPES } from '../backend/kernels.js';
import { ENGINE } from '../engine/engine.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { keptShape, normalizeAxes } from '../util/shape.js';
import { div } from './binary.js';
import { cast } from './cast.js';
import { assertDType, convert } from './convert.js';
import { reshape } from './reshape.js';

function reduce(op: ReduceOp, x: TensorLike, axis: number | number[] | undefined, keepDims: boolean): Tensor {
  const [t, owned] = convert(op, 'x', x);
  try {
    const src = t.dtype === 'bool' && op === 'sum' ? cast(t, 'int32') : t;
    assertDType(op, 'x', src, REDUCE_INPUT_DTYPES[op]);
    const axes = normalizeAxes(op, axis, src.rank);
    const out = axes.length === 0 ? reshape(src, src.shape) : ENGINE.runKernel('reduce', [op, src, axes]);
    if (src !== t) src.dispose();
    if (!keepDims) return out;
    const kept = reshape(out, keptShape(t.shape, axes));
    out.dispose();
    return kept;
  } finally {
    if (owned) t.dispose();
  }
}

/** Sum over `axis` (all axes by default). */
export const sum = (x: TensorLike, axis?: number | number[], keepDims = false): Tensor => reduce('sum', x, axis, keepDims);
/** Product over `axis`; its gradient is y / x (undefined where x is 0). */
export const prod = (x: TensorLike, axis?: number | number[], keepDims = false): Tensor => reduce('prod', x, axis, keepDims);
/** Max over `axis`; NaN propagates; the gradient flows to every maximal element. */
export const max = (x: TensorLike, axis?: number | number[], keepDims = false): Tensor => reduce('max', x, axis, keepDims);
export const min = (x: TensorLike, axis?: number | number[], keepDims = false): Tensor => reduce('min', x, axis, keepDims);

/** Mean over `axis` (float32 only). */
export function mean(x: TensorLike, axis?: number | number[], keepDims = false): Tensor {
  const [t, owned] = convert('mean', 'x', x);
  try {
    assertDType('mean', 'x', t, ['float32']);
    const axes = normalizeAxes('mean', axis, t.rank);
    let n = 1;
    for (const a of axes) n *= t.shape[a]!;
    return ENGINE.tidy(() => div(sum(t, axes, keepDims), n));
  } finally {
    if (owned) t.dispose();
  }
}
