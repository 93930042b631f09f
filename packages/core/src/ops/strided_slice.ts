// stridedSlice: TensorFlow's slicing spec (begin/end/strides with masks, as
// x[1:-1:2, ..., tf.newaxis, 3] in Python) resolved on the host to one index
// list per input axis, then a slice to the range the lists span and a gather
// on the axes whose step is not 1. Gradients come from slice's and gather's.
import { sizeOf } from '../backend/types.js';
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { convert } from './convert.js';
import { reshape } from './reshape.js';
import { slice } from './slice.js';
import { emptyFrom, isIdentity, takeAlong } from './take_along.js';

const bit = (mask: number, i: number): boolean => ((mask >>> i) & 1) === 1;

interface Resolved {
  /** Per input axis: the indices taken, in order. */
  readonly indices: number[][];
  /** The output shape (new axes as 1, shrunk axes gone). */
  readonly shape: number[];
}

/** The spec resolved against `shape`, with TensorFlow's rules for negative indices, clamping and masks. */
function resolve(
  shape: readonly number[],
  begin: readonly number[],
  end: readonly number[],
  strides: readonly number[],
  masks: { begin: number; end: number; ellipsis: number; newAxis: number; shrink: number },
): Resolved {
  const n = begin.length;
  const ellipsisAt = masks.ellipsis === 0 ? -1 : Math.log2(masks.ellipsis);
  // Entries that index an input axis (neither the ellipsis nor new axes); the ellipsis stands for the axes they leave over.
  const real = (from: number, to: number): number => {
    let c = 0;
    for (let i = from; i < to; i++) if (i !== ellipsisAt && !bit(masks.newAxis, i)) c++;
    return c;
  };
  const indices: number[][] = [];
  const out: number[] = [];
  const whole = (axis: number): void => {
    const d = shape[axis]!;
    indices.push(Array.from({ length: d }, (_, j) => j));
    out.push(d);
  };
  const spec = ellipsisAt >= 0 && ellipsisAt < n ? n : n + 1; // no ellipsis: one at the end
  let axis = 0;
  for (let i = 0; i < spec; i++) {
    if (i === ellipsisAt || i === n) {
      const covered = shape.length - axis - real(i + 1, n);
      for (let k = 0; k < covered; k++) whole(axis++);
      continue;
    }
    if (bit(masks.newAxis, i)) {
      out.push(1);
      continue;
    }
    if (axis >= shape.length) {
      throw new PolytensorError(`stridedSlice: the spec indexes more axes than x ${fmt(shape)} has (${shape.length}); drop entries or mark them as new axes`);
    }
    const d = shape[axis]!;
    const s = strides[i]!;
    if (bit(masks.shrink, i)) {
      const b = begin[i]! < 0 ? begin[i]! + d : begin[i]!;
      if (b < 0 || b >= d) {
        throw new PolytensorError(
          `stridedSlice: index ${begin[i]} (shrinkAxisMask entry ${i}) is out of range for axis ${axis} of size ${d} of x ${fmt(shape)}`,
        );
      }
      indices.push([b]);
      axis++;
      continue;
    }
    // Positive steps run over [0, d], negative ones over [−1, d−1]; negative indices count from the end first.
    const [lo, hi] = s > 0 ? [0, d] : [-1, d - 1];
    const clamp = (v: number): number => Math.min(hi, Math.max(lo, v < 0 ? v + d : v));
    const from = bit(masks.begin, i) ? (s > 0 ? lo : hi) : clamp(begin[i]!);
    const to = bit(masks.end, i) ? (s > 0 ? hi : lo) : clamp(end[i]!);
    const taken: number[] = [];
    for (let j = from; s > 0 ? j < to : j > to; j += s) taken.push(j);
    indices.push(taken);
    out.push(taken.length);
    axis++;
  }
  return { indices, shape: out };
}

/**
 * TensorFlow's strided slice (tfjs's stridedSlice): per spec entry a
 * `begin`, `end` (exclusive) and step (`strides`, default 1; negative steps
 * walk backwards); negative indices count from the end and are clamped to
 * the axis. Bit i of a mask applies to entry i: `beginMask`/`endMask` ignore
 * begin/end (take from the start / to the end), `ellipsisMask` (one bit) marks
 * the entry standing for all axes not otherwise indexed, `newAxisMask` inserts
 * an axis of size 1, `shrinkAxisMask` takes the single element `begin[i]` and
 * drops the axis. Axes past the spec are taken whole. Any dtype; exact.
 * @example
 * stridedSlice(x, [0, 1], [4, 0], [2, -1]) // x[0:4:2, 1:0:-1]
 * stridedSlice(x, [0, -1], [0, 0], [1, 1], 0, 0, 1, 0, 2) // x[..., -1]
 */
export function stridedSlice(
  x: TensorLike,
  begin: readonly number[],
  end: readonly number[],
  strides?: readonly number[],
  beginMask = 0,
  endMask = 0,
  ellipsisMask = 0,
  newAxisMask = 0,
  shrinkAxisMask = 0,
): Tensor {
  const [t, owned] = convert('stridedSlice', 'x', x);
  try {
    const st = strides ?? (Array.isArray(begin) ? begin.map(() => 1) : []);
    const ints = (v: unknown): boolean => Array.isArray(v) && v.every(Number.isInteger);
    if (!ints(begin) || !ints(end) || !ints(st) || begin.length !== end.length || begin.length !== st.length) {
      throw new PolytensorError(
        `stridedSlice: begin ${JSON.stringify(begin)}, end ${JSON.stringify(end)} and strides ${JSON.stringify(strides)} must be integer arrays of one length`,
      );
    }
    const masks = { begin: beginMask, end: endMask, ellipsis: ellipsisMask, newAxis: newAxisMask, shrink: shrinkAxisMask };
    for (const [name, m] of Object.entries(masks)) {
      if (!Number.isInteger(m) || m < 0 || m >= 2 ** 31)
        throw new PolytensorError(`stridedSlice: ${name}Mask must be a non-negative integer bit mask, got ${m}`);
    }
    if ((ellipsisMask & (ellipsisMask - 1)) !== 0) {
      throw new PolytensorError(`stridedSlice: ellipsisMask ${ellipsisMask} has more than one bit set; a spec has at most one ellipsis`);
    }
    const zero = st.findIndex((s, i) => s === 0 && !bit(newAxisMask, i) && !bit(ellipsisMask, i));
    if (zero >= 0) throw new PolytensorError(`stridedSlice: strides[${zero}] is 0; a step must be non-zero`);
    const { indices, shape } = resolve(t.shape, begin, end, st, masks);
    if (sizeOf(shape) === 0 || t.size === 0) {
      return emptyFrom(
        t,
        shape,
        indices.map((ix) => ix.length === 0),
      );
    }
    return ENGINE.tidy(() => {
      // One slice to the span of every axis' indices, then a gather where they are not consecutive.
      const lo = indices.map((ix) => Math.min(...ix));
      const span = indices.map((ix, i) => Math.max(...ix) - lo[i]! + 1);
      let y = slice(t, lo, span);
      indices.forEach((ix, a) => {
        const rel = ix.map((v) => v - lo[a]!);
        if (!isIdentity(rel, span[a]!)) y = takeAlong(y, a, rel);
      });
      return reshape(y, shape);
    });
  } finally {
    if (owned) t.dispose();
  }
}
