import { sizeOf } from '../backend/types.js';
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { assertValidShape, fmt, normalizeAxes } from '../util/shape.js';
import { convert } from './convert.js';

/** Same values, new shape (one dim may be -1). Metadata only: shares the buffer. */
export function reshape(x: TensorLike, shape: readonly number[]): Tensor {
  const [t, owned] = convert('reshape', 'x', x);
  try {
    const resolved = resolveShape(t.shape, t.size, shape);
    const out = ENGINE.makeView(t, resolved);
    ENGINE.record('reshape', [t], out, (dy, { inputs }) => [() => reshape(dy, inputs[0]!.shape)]);
    return out;
  } finally {
    if (owned) t.dispose();
  }
}

function resolveShape(from: readonly number[], size: number, shape: readonly number[]): number[] {
  const out = [...shape];
  const inferred = out.indexOf(-1);
  if (inferred !== out.lastIndexOf(-1)) throw new PolytensorError(`reshape: only one dimension may be -1, got ${fmt(shape)}`);
  if (inferred >= 0) {
    const known = sizeOf(out.filter((_, i) => i !== inferred));
    if (known === 0 || size % known !== 0) {
      throw new PolytensorError(`reshape: cannot infer the -1 in ${fmt(shape)} for ${size} elements (from shape ${fmt(from)})`);
    }
    out[inferred] = size / known;
  }
  assertValidShape('reshape', out);
  if (sizeOf(out) !== size) {
    throw new PolytensorError(`reshape: cannot reshape ${fmt(from)} (${size} elements) to ${fmt(shape)} (${sizeOf(out)} elements); the sizes must match`);
  }
  return out;
}

/** [batch, ...] → [batch, rest] for rank ≥ 2; rank 0/1 → [size]. */
export function flatten(x: Tensor): Tensor {
  return reshape(x, x.rank >= 2 ? [x.shape[0]!, -1] : [x.size]);
}

/** Remove size-1 dims (all of them, or those in `axis`). */
export function squeeze(x: Tensor, axis?: number | number[]): Tensor {
  const axes = axis === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : normalizeAxes('squeeze', axis, x.rank);
  for (const a of axes) {
    if (x.shape[a] !== 1) throw new PolytensorError(`squeeze: axis ${a} of ${fmt(x.shape)} has size ${x.shape[a]}, not 1`);
  }
  return reshape(
    x,
    x.shape.filter((_, i) => !axes.includes(i)),
  );
}

/** Insert a size-1 dim at `axis` (negative counts from the end of the result). */
export function expandDims(x: Tensor, axis = 0): Tensor {
  const rank = x.rank + 1;
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new PolytensorError(`expandDims: axis ${axis} is out of range for a result of rank ${rank}`);
  }
  const a = axis < 0 ? axis + rank : axis;
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return reshape(x, shape);
}
