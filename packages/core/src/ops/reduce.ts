import type { ReduceOp } from '../backend/kernels.js';
import { REDUCE_INPUT_DTYPES } from '../backend/kernels.js';
import { ENGINE } from '../engine/engine.js';
import type { GradFn } from '../engine/tape.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { keptShape, normalizeAxes } from '../util/shape.js';
import { div, mul } from './binary.js';
import { cast } from './cast.js';
import { equal } from './compare.js';
import { assertDType, convert } from './convert.js';
import { onesLike } from './creation.js';
import { reshape } from './reshape.js';

function reduce(op: ReduceOp, x: TensorLike, axis: number | number[] | undefined, keepDims: boolean, grad?: GradFn): Tensor {
  const [t, owned] = convert(op, 'x', x);
  try {
    const src = t.dtype === 'bool' && op === 'sum' ? cast(t, 'int32') : t;
    assertDType(op, 'x', src, REDUCE_INPUT_DTYPES[op]);
    const axes = normalizeAxes(op, axis, src.rank);
    const outShape = src.shape.filter((_, i) => !axes.includes(i));
    let out: Tensor;
    if (axes.length === 0) {
      out = reshape(src, src.shape);
    } else {
      out = ENGINE.runKernel(op, [src], (b) => b.reduce(op, src, axes), { shape: outShape, dtype: src.dtype }, grad);
    }
    if (src !== t) src.dispose();
    if (!keepDims) return out;
    const kept = reshape(out, keptShape(t.shape, axes));
    out.dispose();
    return kept;
  } finally {
    if (owned) t.dispose();
  }
}

/** Broadcast a reduced gradient back over the input's shape. */
function expandGrad(dy: Tensor, x: Tensor, axes: readonly number[]): Tensor {
  return ENGINE.tidy(() => mul(reshape(dy, keptShape(x.shape, axes)), onesLike(x)));
}

const axesOf = (x: Tensor, axis: number | number[] | undefined): number[] => normalizeAxes('reduce', axis, x.rank);

/** Sum over `axis` (all axes by default). */
export function sum(x: TensorLike, axis?: number | number[], keepDims = false): Tensor {
  return reduce('sum', x, axis, keepDims, (dy, { inputs }) => [() => expandGrad(dy, inputs[0]!, axesOf(inputs[0]!, axis))]);
}

/** Product over `axis`; its gradient is y / x (undefined where x is 0). */
export function prod(x: TensorLike, axis?: number | number[], keepDims = false): Tensor {
  return reduce('prod', x, axis, keepDims, (dy, { inputs, output }) => [
    () => ENGINE.tidy(() => {
      const a = axesOf(inputs[0]!, axis);
      return div(mul(expandGrad(dy, inputs[0]!, a), reshape(output, keptShape(inputs[0]!.shape, a))), inputs[0]!);
    }),
  ]);
}

function extremumGrad(axis: number | number[] | undefined): GradFn {
  return (dy, { inputs, output }) => [
    () => ENGINE.tidy(() => {
      const x = inputs[0]!;
      const a = axesOf(x, axis);
      const hits = cast(equal(x, reshape(output, keptShape(x.shape, a))), 'float32');
      return mul(expandGrad(dy, x, a), hits);
    }),
  ];
}

/** Max over `axis`; NaN propagates; the gradient flows to every maximal element. */
export function max(x: TensorLike, axis?: number | number[], keepDims = false): Tensor {
  return reduce('max', x, axis, keepDims, extremumGrad(axis));
}

export function min(x: TensorLike, axis?: number | number[], keepDims = false): Tensor {
  return reduce('min', x, axis, keepDims, extremumGrad(axis));
}

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
