import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { fmt, normalizeAxis } from '../util/shape.js';
import { expectTensor } from './convert.js';
import { expandDims } from './reshape.js';
import { slice } from './slice.js';

/** Join tensors along `axis`; every other dim and the dtype must match. */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(xs) || xs.length === 0) throw new PolytensorError('concat: pass a non-empty array of tensors');
  const ts = xs.map((x, i) => expectTensor('concat', `xs[${i}]`, x));
  const first = ts[0]!;
  if (first.rank === 0) throw new PolytensorError('concat: scalars cannot be concatenated; use stack()');
  const a = normalizeAxis('concat', axis, first.rank);
  for (const [i, t] of ts.entries()) {
    if (t.dtype !== first.dtype) throw new PolytensorError(`concat: xs[${i}] is ${t.dtype} but xs[0] is ${first.dtype}; cast them to one dtype`);
    if (t.rank !== first.rank || t.shape.some((d, j) => j !== a && d !== first.shape[j])) {
      throw new PolytensorError(
        `concat: xs[${i}] has shape ${fmt(t.shape)}, incompatible with xs[0] ${fmt(first.shape)} along axis ${a}; all dims but axis ${a} must match`,
      );
    }
  }
  if (ts.length === 1)
    return slice(
      first,
      first.shape.map(() => 0),
      first.shape,
    );
  return ENGINE.runKernel('concat', [ts, a]);
}

/** Stack same-shaped tensors along a new axis. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(xs) || xs.length === 0) throw new PolytensorError('stack: pass a non-empty array of tensors');
  return ENGINE.tidy(() =>
    concat(
      xs.map((x, i) => expandDims(expectTensor('stack', `xs[${i}]`, x), axis)),
      axis,
    ),
  );
}
