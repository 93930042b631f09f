/** Op cases: gatherND, scatterND, segment sums, topk, unique, searchSorted, bincount, where with broadcasting. */
import {
  bincount,
  booleanMaskAsync,
  denseBincount,
  gatherND,
  inTopKAsync,
  logicalXor,
  lowerBound,
  scatterND,
  searchSorted,
  setdiff1dAsync,
  sparseToDense,
  tensorScatterUpdate,
  topk,
  unique,
  unsortedSegmentMax,
  unsortedSegmentSum,
  upperBound,
  where,
  whereAsync,
} from '@polytensor/core';
import type { ConformanceCase } from '../cases/types.js';
import { broadcastMap, broadcastShapes, host, sizeOf, type HostTensor } from '../host.js';
import type { Rng } from '../rng.js';
import { EXACT_SIGNED_ZERO, opCase, opGradient } from './harness.js';
import { specials, uniform, unrounded } from './inputs.js';

const ints = (shape: readonly number[], values: readonly number[]) => host(shape, values, 'int32');

/** Row-major tuples of the last axis of `idx` (an index of rank 1 is tuples of length `rank1Depth`). */
function tuples(idx: HostTensor, rank1Depth: number | null): { depth: number; batch: number[]; list: number[][] } {
  const depth = idx.shape.length === 1 && rank1Depth !== null ? rank1Depth : idx.shape[idx.shape.length - 1]!;
  const batch = idx.shape.length === 1 && rank1Depth !== null ? [...idx.shape] : idx.shape.slice(0, -1);
  const list: number[][] = [];
  for (let b = 0; b < sizeOf(batch); b++) list.push(Array.from(idx.values.subarray(b * depth, (b + 1) * depth)));
  return { depth, batch, list };
}

/** The offset of the slice `tuple` addresses in `shape`, and the slice's size. */
function sliceAt(shape: readonly number[], tuple: readonly number[]): { offset: number; size: number } {
  const size = sizeOf(shape.slice(tuple.length));
  let offset = 0;
  tuple.forEach((v, k) => (offset = offset * shape[k]! + v));
  return { offset: offset * size, size };
}

function gatherNDRef(x: HostTensor, idx: HostTensor): HostTensor {
  const { depth, batch, list } = tuples(idx, null);
  const out: number[] = [];
  for (const t of list) {
    const { offset, size } = sliceAt(x.shape, t);
    for (let j = 0; j < size; j++) out.push(x.values[offset + j]!);
  }
  return unrounded([...batch, ...x.shape.slice(depth)], out, x.dtype);
}

/** Scatter `u` at the tuples of `idx` into `base`: added (scatterND) or replacing, the last one winning (tensorScatterUpdate). */
function scatterRef(base: HostTensor, idx: HostTensor, u: HostTensor, add: boolean): HostTensor {
  const { list } = tuples(idx, 1);
  const out = Float64Array.from(base.values);
  list.forEach((t, b) => {
    const { offset, size } = sliceAt(base.shape, t);
    for (let j = 0; j < size; j++) out[offset + j] = add ? out[offset + j]! + u.values[b * size + j]! : u.values[b * size + j]!;
  });
  return { shape: [...base.shape], values: out, dtype: u.dtype };
}
const zerosOf = (shape: readonly number[]): HostTensor => host(shape, new Array<number>(sizeOf(shape)).fill(0));

const ndCases: ConformanceCase<'op'>[] = [
  opCase({
    op: 'gatherND',
    name: 'x [3,4,2], tuples of length 2 in a [2,2] batch',
    inputs: (r) => [uniform([3, 4, 2])(r), ints([2, 2, 2], [2, 3, 0, 0, 1, 2, 2, 3])],
    core: ([x, i]) => gatherND(x!, i!),
    reference: ([x, i]) => gatherNDRef(x!, i!),
  }),
  opCase({
    op: 'gatherND',
    name: 'full tuples, NaN ±Inf −0',
    inputs: (r) => [specials([2, 5])(r), ints([5, 2], [0, 0, 0, 1, 1, 2, 1, 3, 0, 4])],
    core: ([x, i]) => gatherND(x!, i!),
    reference: ([x, i]) => gatherNDRef(x!, i!),
    judge: EXACT_SIGNED_ZERO,
  }),
  opCase({
    op: 'gatherND',
    name: 'one tuple to a scalar; empty batch',
    inputs: (r) => [uniform([2, 3])(r), ints([2], [1, 2]), ints([0, 1], [])],
    core: ([x, i, e]) => [gatherND(x!, i!), gatherND(x!, e!)],
    reference: ([x, i, e]) => [gatherNDRef(x!, i!), gatherNDRef(x!, e!)],
  }),
  opGradient({
    op: 'gatherND',
    name: 'repeated tuples add up',
    inputs: (r) => [uniform([3, 2, 2])(r), ints([4, 2], [2, 1, 0, 0, 2, 1, 1, 0])],
    core: ([x, i]) => gatherND(x!, i!).square(),
    reference: ([x, i]) => {
      const g = gatherNDRef(x!, i!);
      return { ...g, values: g.values.map((v) => v * v) };
    },
  }),
  opCase({
    op: 'scatterND',
    name: 'rows into [4,3], a repeated index summed',
    inputs: (r) => [ints([3, 1], [0, 2, 0]), uniform([3, 3])(r)],
    core: ([i, u]) => scatterND(i!, u!, [4, 3]),
    reference: ([i, u]) => scatterRef(zerosOf([4, 3]), i!, u!, true),
  }),
  opCase({
    op: 'scatterND',
    name: 'indices of rank 1, NaN ±Inf −0 updates',
    inputs: (r) => [ints([5], [5, 1, 3, 0, 4]), specials([5])(r)],
    core: ([i, u]) => scatterND(i!, u!, [6]),
    reference: ([i, u]) => scatterRef(zerosOf([6]), i!, u!, true),
  }),
  opCase({
    op: 'scatterND',
    name: 'int32 elements of [2,3], empty updates',
    inputs: () => [ints([3, 2], [1, 2, 0, 0, 1, 2]), ints([3], [7, -4, 9]), ints([0, 2], []), ints([0], [])],
    core: ([i, u, ei, eu]) => [scatterND(i!, u!, [2, 3]), scatterND(ei!, eu!, [2, 3])],
    reference: ([i, u, ei, eu]) => [
      scatterRef(host([2, 3], [0, 0, 0, 0, 0, 0], 'int32'), i!, u!, true),
      scatterRef(host([2, 3], [0, 0, 0, 0, 0, 0], 'int32'), ei!, eu!, true),
    ],
  }),
  opGradient({
    op: 'scatterND',
    name: 'updates into [3,2,2], a repeated tuple',
    inputs: (r) => [ints([3, 2], [2, 1, 0, 0, 2, 1]), uniform([3, 2])(r)],
    core: ([i, u]) => scatterND(i!, u!, [3, 2, 2]).tanh(),
    reference: ([i, u]) => {
      const s = scatterRef(zerosOf([3, 2, 2]), i!, u!, true);
      return { ...s, values: s.values.map(Math.tanh) };
    },
  }),
  opCase({
    op: 'tensorScatterUpdate',
    name: 'NaN ±Inf −0 both ways, a repeated index (last wins)',
    inputs: (r) => [specials([6, 2])(r), ints([3, 1], [4, 1, 4]), specials([3, 2])(r)],
    core: ([t, i, u]) => tensorScatterUpdate(t!, i!, u!),
    reference: ([t, i, u]) => scatterRef(t!, i!, u!, false),
    judge: EXACT_SIGNED_ZERO,
  }),
  opCase({
    op: 'tensorScatterUpdate',
    name: 'tensor [2,3,2], tuples of length 2; no updates',
    inputs: (r) => [uniform([2, 3, 2])(r), ints([2, 2], [1, 2, 0, 1]), uniform([2, 2])(r), ints([0, 2], []), host([0, 2], [])],
    core: ([t, i, u, ei, eu]) => [tensorScatterUpdate(t!, i!, u!), tensorScatterUpdate(t!, ei!, eu!)],
    reference: ([t, i, u, ei, eu]) => [scatterRef(t!, i!, u!, false), scatterRef(t!, ei!, eu!, false)],
  }),
  opGradient({
    op: 'tensorScatterUpdate',
    name: 'to the kept elements and the updates that land',
    inputs: (r) => [uniform([4, 2])(r), ints([3, 1], [2, 0, 2]), uniform([3, 2])(r)],
    core: ([t, i, u]) => tensorScatterUpdate(t!, i!, u!).sin(),
    reference: ([t, i, u]) => {
      const s = scatterRef(t!, i!, u!, false);
      return { ...s, values: s.values.map(Math.sin) };
    },
  }),
];

/** Quarter-integers: their sums of a few terms are exact in float32, whatever the order of addition. */
const quarters = (shape: readonly number[]) => (r: Rng) =>
  host(
    shape,
    r.array(sizeOf(shape), (q) => q.int(-12, 12) / 4),
  );

/** Segment reduction in float64: each slice of x (one per id) folded into its segment; negative ids dropped. */
function segmentRef(x: HostTensor, ids: HostTensor, numSegments: number, kind: 'sum' | 'max'): HostTensor {
  const rest = x.shape.slice(ids.shape.length);
  const size = sizeOf(rest);
  const lowest = x.dtype === 'int32' ? -2147483648 : -3.4028234663852886e38;
  const out = new Float64Array(numSegments * size).fill(kind === 'sum' ? 0 : Number.NaN);
  const seen = new Array<boolean>(numSegments).fill(false);
  ids.values.forEach((id, row) => {
    if (id < 0) return;
    for (let j = 0; j < size; j++) {
      const v = x.values[row * size + j]!;
      const o = id * size + j;
      if (kind === 'sum') out[o] = out[o]! + v;
      else out[o] = !seen[id] || Number.isNaN(v) || v > out[o]! ? v : out[o]!;
    }
    seen[id] = true;
  });
  if (kind === 'max') seen.forEach((s, id) => !s && out.fill(lowest, id * size, (id + 1) * size));
  return { shape: [numSegments, ...rest], values: out, dtype: x.dtype };
}

const segmentCases: ConformanceCase<'op'>[] = [
  opCase({
    op: 'unsortedSegmentSum',
    name: 'rows of [7,2] into 4 segments: one empty, a dropped (negative) id',
    inputs: (r) => [quarters([7, 2])(r), ints([7], [2, 0, 2, -1, 0, 3, 2])],
    core: ([x, i]) => unsortedSegmentSum(x!, i!, 4),
    reference: ([x, i]) => segmentRef(x!, i!, 4, 'sum'),
  }),
  opCase({
    op: 'unsortedSegmentSum',
    name: 'NaN ±Inf −0; ids of rank 2; int32; none',
    inputs: (r) => [
      specials([2, 5])(r),
      ints([2, 5], [0, 1, 2, 3, 4, 4, 3, 2, 1, 0]),
      ints([3, 2], [5, -7, 1, 2, 3, 4]),
      ints([3], [1, 0, 1]),
      ints([0, 2], []),
      ints([0], []),
    ],
    core: ([x, i, n, ni, e, ei]) => [unsortedSegmentSum(x!, i!, 6), n!.unsortedSegmentSum(ni!, 2), unsortedSegmentSum(e!, ei!, 2)],
    reference: ([x, i, n, ni, e, ei]) => [segmentRef(x!, i!, 6, 'sum'), segmentRef(n!, ni!, 2, 'sum'), segmentRef(e!, ei!, 2, 'sum')],
  }),
  opGradient({
    op: 'unsortedSegmentSum',
    name: 'rows of [5,3], one dropped',
    inputs: (r) => [uniform([5, 3])(r), ints([5], [1, -1, 0, 1, 1])],
    core: ([x, i]) => unsortedSegmentSum(x!, i!, 3).square(),
    reference: ([x, i]) => {
      const s = segmentRef(x!, i!, 3, 'sum');
      return { ...s, values: s.values.map((v) => v * v) };
    },
  }),
  opCase({
    op: 'unsortedSegmentMax',
    name: 'rows of [6,2] into 4 segments: one empty (lowest), a dropped id',
    inputs: (r) => [uniform([6, 2])(r), ints([6], [2, 0, -3, 0, 2, 3])],
    core: ([x, i]) => unsortedSegmentMax(x!, i!, 4),
    reference: ([x, i]) => segmentRef(x!, i!, 4, 'max'),
  }),
  opCase({
    op: 'unsortedSegmentMax',
    name: 'NaN propagates, −Inf alone, −0 alone; int32 with an empty segment',
    inputs: () => [
      host([6], [Number.NaN, 1, -Infinity, -0, 2, Infinity]),
      ints([6], [0, 0, 1, 2, 3, 3]),
      ints([4, 2], [5, -7, 1, 2, -2147483647, 4, 0, 0]),
      ints([4], [2, 0, 2, 0]),
    ],
    core: ([x, i, n, ni]) => [unsortedSegmentMax(x!, i!, 5), n!.unsortedSegmentMax(ni!, 3)],
    reference: ([x, i, n, ni]) => [segmentRef(x!, i!, 5, 'max'), segmentRef(n!, ni!, 3, 'max')],
    judge: EXACT_SIGNED_ZERO,
  }),
  opGradient({
    op: 'unsortedSegmentMax',
    name: 'to each segment maximum, per column',
    inputs: (r) => [uniform([5, 2])(r), ints([5], [1, 0, 1, -1, 1])],
    core: ([x, i]) => unsortedSegmentMax(x!, i!, 2).mul(unsortedSegmentMax(x!, i!, 2).add(1)),
    reference: ([x, i]) => {
      const s = segmentRef(x!, i!, 2, 'max');
      return { ...s, values: s.values.map((v) => v * (v + 1)) };
    },
  }),
];

/** Each row's k largest (NaN above every number; equal entries by lower index): values and int32 indices. */
function topkRef(x: HostTensor, k: number): [HostTensor, HostTensor] {
  const n = x.shape[x.shape.length - 1]!;
  const rows = sizeOf(x.shape) / (n || 1);
  const vals: number[] = [];
  const idx: number[] = [];
  const key = (v: number): number => (Number.isNaN(v) ? Infinity : v);
  for (let r = 0; r < (n === 0 ? 0 : rows); r++) {
    const order = Array.from({ length: n }, (_, i) => i);
    const at = (i: number): number => x.values[r * n + i]!;
    const beats = (a: number, b: number): boolean => (Number.isNaN(at(a)) && !Number.isNaN(at(b))) || (!Number.isNaN(at(b)) && key(at(a)) > key(at(b)));
    order.sort((a, b) => (beats(a, b) ? -1 : beats(b, a) ? 1 : a - b));
    for (const i of order.slice(0, k)) {
      vals.push(at(i));
      idx.push(i);
    }
  }
  const shape = [...x.shape.slice(0, -1), k];
  return [unrounded(shape, vals, x.dtype), host(shape, idx, 'int32')];
}

/** Distinct slices along `axis` in order of first appearance (NaN equal to NaN, −0 to 0), and each slice's distinct index. */
function uniqueRef(x: HostTensor, axis: number): [HostTensor, HostTensor] {
  const dim = x.shape[axis]!;
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  const sliceOf = (i: number): number[] => {
    const s: number[] = [];
    for (let o = 0; o < outer; o++) for (let j = 0; j < inner; j++) s.push(x.values[(o * dim + i) * inner + j]!);
    return s;
  };
  const same = (a: number[], b: number[]): boolean => a.every((v, j) => v === b[j] || (Number.isNaN(v) && Number.isNaN(b[j]!)));
  const firsts: number[] = [];
  const indices: number[] = [];
  for (let i = 0; i < dim; i++) {
    const found = firsts.findIndex((f) => same(sliceOf(f), sliceOf(i)));
    if (found < 0) firsts.push(i);
    indices.push(found < 0 ? firsts.length - 1 : found);
  }
  const out: number[] = [];
  for (let o = 0; o < outer; o++) for (const f of firsts) for (let j = 0; j < inner; j++) out.push(x.values[(o * dim + f) * inner + j]!);
  const shape = x.shape.map((d, i) => (i === axis ? firsts.length : d));
  return [unrounded(shape, out, x.dtype), host([dim], indices, 'int32')];
}

/** condition ? a : b with all three broadcast. */
function whereRef(c: HostTensor, a: HostTensor, b: HostTensor): HostTensor {
  const shape = broadcastShapes(broadcastShapes(c.shape, a.shape), b.shape);
  const [mc, ma, mb] = [c, a, b].map((t) => broadcastMap(t.shape, shape));
  const out = new Float64Array(sizeOf(shape));
  for (let o = 0; o < out.length; o++) out[o] = c.values[mc![o]!] ? a.values[ma![o]!]! : b.values[mb![o]!]!;
  return { shape, values: out, dtype: a.dtype };
}
const bools = (shape: readonly number[], values: readonly number[]) => host(shape, values, 'bool');

const selectionCases: ConformanceCase<'op'>[] = [
  opCase({
    op: 'topk',
    name: 'rows of [3,6], k 3, ties by lower index',
    inputs: (r) => [
      host(
        [3, 6],
        r.array(18, (q) => q.int(-3, 3)),
      ),
    ],
    core: ([x]) => {
      const { values, indices } = topk(x!, 3);
      return [values, indices];
    },
    reference: ([x]) => topkRef(x!, 3),
  }),
  opCase({
    op: 'topk',
    name: 'NaN ±Inf, −0 and 0 tied, k = n',
    inputs: () => [host([2, 5], [0, Number.NaN, -0, Infinity, -Infinity, 1, -0, 0, Number.NaN, Number.NaN])],
    core: ([x]) => {
      const { values, indices } = x!.topk(5);
      return [values, indices];
    },
    reference: ([x]) => topkRef(x!, 5),
    judge: EXACT_SIGNED_ZERO,
  }),
  opCase({
    op: 'topk',
    name: 'int32 rank 1; k 0 (empty)',
    inputs: () => [ints([5], [3, -2147483648, 7, 3, 2147483647]), ints([2, 3], [1, 2, 3, 4, 5, 6])],
    core: ([x, y]) => {
      const a = topk(x!, 4);
      const b = topk(y!, 0);
      return [a.values, a.indices, b.values, b.indices];
    },
    reference: ([x, y]) => [...topkRef(x!, 4), ...topkRef(y!, 0)],
  }),
  opGradient({
    op: 'topk',
    name: 'to the picked entries of [3,5], k 2',
    inputs: (r) => [uniform([3, 5])(r)],
    core: ([x]) => topk(x!, 2).values.sin(),
    reference: ([x]) => {
      const [v] = topkRef(x!, 2);
      return { ...v, values: v.values.map(Math.sin) };
    },
  }),
  opCase({
    op: 'unique',
    name: 'rank 1: NaN, −0 and 0, ±Inf repeated',
    inputs: () => [host([9], [-0, Number.NaN, 2, 0, Infinity, Number.NaN, -Infinity, 2, Infinity])],
    core: ([x]) => {
      const { values, indices } = unique(x!);
      return [values, indices];
    },
    reference: ([x]) => uniqueRef(x!, 0),
    judge: EXACT_SIGNED_ZERO,
  }),
  opCase({
    op: 'unique',
    name: 'columns of int32 [2,5] (axis 1), rows of bool [4,2], empty',
    inputs: () => [ints([2, 5], [1, 2, 1, 1, 2, 3, 4, 3, 5, 4]), bools([4, 2], [1, 0, 0, 0, 1, 0, 1, 1]), host([0, 3], [])],
    core: ([x, b, e]) => {
      const u = x!.unique(1);
      const v = unique(b!, 0);
      const w = unique(e!, 0);
      return [u.values, u.indices, v.values, v.indices, w.values, w.indices];
    },
    reference: ([x, b, e]) => [...uniqueRef(x!, 1), ...uniqueRef(b!, 0), ...uniqueRef(e!, 0)],
  }),
  opCase({
    op: 'whereBroadcast',
    name: 'condition [2,1,3], a [1,4,1] with NaN ±Inf −0, b rank 0',
    inputs: (r) => [bools([2, 1, 3], [1, 0, 1, 0, 1, 1]), host([1, 4, 1], [Number.NaN, -0, Infinity, -Infinity]), specials([])(r)],
    core: ([c, a, b]) => where(c!, a!, b!),
    reference: ([c, a, b]) => whereRef(c!, a!, b!),
    judge: EXACT_SIGNED_ZERO,
  }),
  opCase({
    op: 'whereBroadcast',
    name: 'condition rank 0, a [2,3], b [3] with −0; empty',
    inputs: () => [bools([], [0]), host([2, 3], [1, 2, 3, 4, 5, 6]), host([3], [-0, Number.NaN, -Infinity]), bools([0, 1], []), host([3], [1, 2, 3])],
    core: ([c, a, b, e, f]) => [where(c!, a!, b!), where(e!, f!, b!)],
    reference: ([c, a, b, e, f]) => [whereRef(c!, a!, b!), whereRef(e!, f!, b!)],
    judge: EXACT_SIGNED_ZERO,
  }),
  opGradient({
    op: 'whereBroadcast',
    name: 'a [1,4] and b [3,1] summed back over their broadcast axes',
    inputs: (r) => [bools([3, 4], [1, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]), uniform([1, 4])(r), uniform([3, 1])(r)],
    core: ([c, a, b]) => where(c!, a!, b!).square(),
    reference: ([c, a, b]) => {
      const w = whereRef(c!, a!, b!);
      return { ...w, values: w.values.map((v) => v * v) };
    },
  }),
];

/** Per value, the number of its row's entries that go before it: less ('left') or not greater ('right'); int32 of values' shape. */
function searchRef(seq: HostTensor, vals: HostTensor, side: 'left' | 'right'): HostTensor {
  const m = seq.shape[seq.shape.length - 1]!;
  const n = vals.shape[vals.shape.length - 1]!;
  const out = new Float64Array(vals.values.length);
  for (let o = 0; o < out.length; o++) {
    const row = Math.floor(o / n);
    const v = vals.values[o]!;
    let c = 0;
    for (let j = 0; j < m; j++) {
      const e = seq.values[row * m + j]!;
      if (side === 'left' ? e < v : e <= v) c++;
    }
    out[o] = c;
  }
  return { shape: [...vals.shape], values: out, dtype: 'int32' };
}

/** Per row of x (a vector is one row), the count or summed weight of each value in [0, size); binary: 1 where it occurs. */
function bincountRef(x: HostTensor, w: HostTensor, size: number, binary: boolean): HostTensor {
  const n = x.shape[x.shape.length - 1]!;
  const rows = x.shape.length === 2 ? x.shape[0]! : 1;
  const out = new Float64Array(rows * size);
  x.values.forEach((v, i) => {
    if (v >= size) return;
    const o = Math.floor(i / n) * size + v;
    out[o] = binary ? 1 : out[o]! + (w.values.length === 0 ? 1 : w.values[i]!);
  });
  return { shape: x.shape.length === 2 ? [rows, size] : [size], values: out, dtype: w.dtype };
}

/** defaultValue everywhere, the values at the indices (a scalar value for all; the last one wins at a repeated index). */
function sparseToDenseRef(idx: HostTensor, vals: HostTensor, shape: readonly number[], dflt: HostTensor): HostTensor {
  const depth = idx.shape.length > 1 ? idx.shape[1]! : 1;
  const n = idx.shape.length > 0 ? idx.shape[0]! : 1;
  const out = new Float64Array(sizeOf(shape)).fill(dflt.values[0]!);
  for (let e = 0; e < n; e++) {
    let flat = 0;
    for (let k = 0; k < depth; k++) flat = flat * shape[k]! + idx.values[e * depth + k]!;
    out[flat] = vals.shape.length === 0 ? vals.values[0]! : vals.values[e]!;
  }
  return { shape: [...shape], values: out, dtype: vals.dtype };
}

const xorRef = (a: HostTensor, b: HostTensor): HostTensor => {
  const shape = broadcastShapes(a.shape, b.shape);
  const [ma, mb] = [broadcastMap(a.shape, shape), broadcastMap(b.shape, shape)];
  return host(
    shape,
    Array.from({ length: sizeOf(shape) }, (_, o) => (a.values[ma[o]!]! !== b.values[mb[o]!]! ? 1 : 0)),
    'bool',
  );
};

const countingCases: ConformanceCase<'op'>[] = [
  opCase({
    op: 'searchSorted',
    name: 'rows of [2,5] with repeats and ±Inf, left and right; NaN and −0 values',
    inputs: () => [host([2, 5], [-Infinity, 0, 1, 1, 3, -2, -2, 0.5, 4, Infinity]), host([2, 4], [1, -0, Number.NaN, Infinity, -2, 4, 5, -Infinity])],
    core: ([s, v]) => [searchSorted(s!, v!, 'left'), searchSorted(s!, v!, 'right')],
    reference: ([s, v]) => [searchRef(s!, v!, 'left'), searchRef(s!, v!, 'right')],
  }),
  opCase({
    op: 'searchSorted',
    name: 'int32 vector; no values; empty sequence',
    inputs: () => [ints([4], [-3, 0, 0, 7]), ints([5], [0, -4, 7, 8, 1]), ints([0], []), host([0], []), host([2], [1, 2])],
    core: ([s, v, e, es, ev]) => [searchSorted(s!, v!), searchSorted(s!, e!, 'right'), searchSorted(es!, ev!, 'right')],
    reference: ([s, v, e, es, ev]) => [searchRef(s!, v!, 'left'), searchRef(s!, e!, 'right'), searchRef(es!, ev!, 'right')],
  }),
  opCase({
    op: 'lowerBound',
    name: 'first index not less, −0 against 0',
    inputs: () => [host([6], [-1, -0, 0, 0, 2, 2]), host([4], [0, -0, 2, 3])],
    core: ([s, v]) => lowerBound(s!, v!),
    reference: ([s, v]) => searchRef(s!, v!, 'left'),
  }),
  opCase({
    op: 'upperBound',
    name: 'first index greater, rows of [2,3]',
    inputs: () => [host([2, 3], [0, 0, 1, -Infinity, 2, 2]), host([2, 2], [0, 1, 2, -Infinity])],
    core: ([s, v]) => upperBound(s!, v!),
    reference: ([s, v]) => searchRef(s!, v!, 'right'),
  }),
  opCase({
    op: 'bincount',
    name: 'counts of [0,size), larger values ignored; weights with NaN ±Inf',
    inputs: () => [ints([8], [1, 2, 1, 0, 7, 3, 1, 4]), host([0], []), host([8], [0.25, Number.NaN, 1.5, Infinity, 2, -Infinity, -0.5, -1])],
    core: ([x, e, w]) => [bincount(x!, e!, 5), bincount(x!, w!, 4)],
    reference: ([x, e, w]) => [bincountRef(x!, e!, 5, false), bincountRef(x!, w!, 4, false)],
  }),
  opCase({
    op: 'bincount',
    name: 'int32 weights; size 0; empty x',
    inputs: () => [ints([4], [2, 2, 0, 1]), ints([4], [5, -3, 7, 1]), ints([0], []), host([0], [])],
    core: ([x, w, e, ew]) => [bincount(x!, w!, 3), bincount(x!, w!, 0), bincount(e!, ew!, 2)],
    reference: ([x, w, e, ew]) => [bincountRef(x!, w!, 3, false), bincountRef(x!, w!, 0, false), bincountRef(e!, ew!, 2, false)],
  }),
  opGradient({
    op: 'bincount',
    name: 'to the weights',
    inputs: (r) => [ints([6], [2, 0, 2, 5, 1, 2]), uniform([6])(r)],
    core: ([x, w]) => bincount(x!, w!, 4).square(),
    reference: ([x, w]) => {
      const b = bincountRef(x!, w!, 4, false);
      return { ...b, values: b.values.map((v) => v * v) };
    },
  }),
  opCase({
    op: 'denseBincount',
    name: 'rows of [2,4]: counts, weights, binary',
    inputs: (r) => [ints([2, 4], [0, 2, 2, 9, 1, 1, 1, 3]), host([0], []), quarters([2, 4])(r)],
    core: ([x, e, w]) => [denseBincount(x!, e!, 4), denseBincount(x!, w!, 4), denseBincount(x!, w!, 4, true)],
    reference: ([x, e, w]) => [bincountRef(x!, e!, 4, false), bincountRef(x!, w!, 4, false), bincountRef(x!, w!, 4, true)],
  }),
  opCase({
    op: 'denseBincount',
    name: 'vector, int32 weights, binary; empty rows',
    inputs: () => [ints([5], [3, 0, 3, 1, 3]), ints([5], [2, 4, -1, 6, 8]), ints([2, 0], []), host([0], [])],
    core: ([x, w, e, ew]) => [denseBincount(x!, w!, 4), denseBincount(x!, w!, 4, true), denseBincount(e!, ew!, 3)],
    reference: ([x, w, e, ew]) => [bincountRef(x!, w!, 4, false), bincountRef(x!, w!, 4, true), bincountRef(e!, ew!, 3, false)],
  }),
  opGradient({
    op: 'denseBincount',
    name: 'to the weights of [2,3]',
    inputs: (r) => [ints([2, 3], [1, 1, 0, 2, 0, 2]), uniform([2, 3])(r)],
    core: ([x, w]) => denseBincount(x!, w!, 3).sin(),
    reference: ([x, w]) => {
      const b = bincountRef(x!, w!, 3, false);
      return { ...b, values: b.values.map(Math.sin) };
    },
  }),
  opCase({
    op: 'sparseToDense',
    name: 'tuples into [3,4]: NaN ±Inf −0 values, default −0, a repeated index',
    inputs: (r) => [ints([5, 2], [0, 1, 2, 3, 1, 0, 0, 1, 2, 2]), specials([5])(r), host([], [-0])],
    core: ([i, v, d]) => sparseToDense(i!, v!, [3, 4], d!),
    reference: ([i, v, d]) => sparseToDenseRef(i!, v!, [3, 4], d!),
    judge: EXACT_SIGNED_ZERO,
  }),
  opCase({
    op: 'sparseToDense',
    name: 'vector indices and a scalar value (int32); a scalar index; none',
    inputs: () => [ints([3], [4, 0, 2]), ints([], [7]), ints([], [-1]), ints([], [1]), host([], [2.5]), host([], [0]), ints([0, 2], []), host([0], [])],
    core: ([i, v, d, si, sv, sd, ei, ev]) => [sparseToDense(i!, v!, [6], d!), sparseToDense(si!, sv!, [3], sd!), sparseToDense(ei!, ev!, [2, 2], sv!)],
    reference: ([i, v, d, si, sv, sd, ei, ev]) => [
      sparseToDenseRef(i!, v!, [6], d!),
      sparseToDenseRef(si!, sv!, [3], sd!),
      sparseToDenseRef(ei!, ev!, [2, 2], sv!),
    ],
  }),
  opGradient({
    op: 'sparseToDense',
    name: 'to the values set and the default elsewhere',
    inputs: (r) => [ints([3, 2], [0, 0, 1, 2, 0, 2]), uniform([3])(r), uniform([])(r)],
    core: ([i, v, d]) => sparseToDense(i!, v!, [2, 3], d!).sin(),
    reference: ([i, v, d]) => {
      const s = sparseToDenseRef(i!, v!, [2, 3], d!);
      return { ...s, values: s.values.map(Math.sin) };
    },
  }),
  opCase({
    op: 'logicalXor',
    name: '[2,1] against [3], rank 0, empty',
    inputs: () => [bools([2, 1], [1, 0]), bools([3], [1, 0, 1]), bools([], [1]), bools([0, 3], [])],
    core: ([a, b, s, e]) => [logicalXor(a!, b!), a!.logicalXor(s!), logicalXor(e!, b!)],
    reference: ([a, b, s, e]) => [xorRef(a!, b!), xorRef(a!, s!), xorRef(e!, b!)],
  }),
];

/** Row-major coordinates of the true elements: int32 [numTrue, rank]. */
function whereAsyncRef(c: HostTensor): HostTensor {
  const coords: number[] = [];
  let n = 0;
  c.values.forEach((v, i) => {
    if (!v) return;
    n++;
    let rest = i;
    const at: number[] = [];
    for (let d = c.shape.length - 1; d >= 0; d--) {
      at.unshift(rest % c.shape[d]!);
      rest = Math.floor(rest / c.shape[d]!);
    }
    coords.push(...at);
  });
  return host([n, c.shape.length], coords, 'int32');
}

/** The slices of x whose flag is true, the mask's axes (from `axis`) flattened into one. */
function booleanMaskRef(x: HostTensor, mask: HostTensor, axis: number): HostTensor {
  const outer = sizeOf(x.shape.slice(0, axis));
  const flags = mask.values.length;
  const inner = sizeOf(x.shape.slice(axis + mask.shape.length));
  const kept = Array.from(mask.values).flatMap((f, i) => (f ? [i] : []));
  const out: number[] = [];
  for (let o = 0; o < outer; o++) for (const i of kept) for (let j = 0; j < inner; j++) out.push(x.values[(o * flags + i) * inner + j]!);
  return unrounded([...x.shape.slice(0, axis), kept.length, ...x.shape.slice(axis + mask.shape.length)], out, x.dtype);
}

/** x's values not in y (NaN matches NaN, −0 matches 0) and their indices. */
function setdiffRef(x: HostTensor, y: HostTensor): [HostTensor, HostTensor] {
  const inY = (v: number): boolean => Array.from(y.values).some((u) => u === v || (Number.isNaN(u) && Number.isNaN(v)));
  const keep = Array.from(x.values).flatMap((v, i) => (inY(v) ? [] : [i]));
  return [
    host(
      [keep.length],
      keep.map((i) => x.values[i]!),
      x.dtype,
    ),
    host([keep.length], keep, 'int32'),
  ];
}

/** Whether each target is among its row's k largest (by topk's order). */
function inTopKRef(p: HostTensor, t: HostTensor, k: number): HostTensor {
  const [, idx] = topkRef(p, k);
  return host(
    t.shape,
    Array.from(t.values).map((target, r) => (Array.from(idx.values.subarray(r * k, (r + 1) * k)).includes(target) ? 1 : 0)),
    'bool',
  );
}

const asyncCases: ConformanceCase<'op'>[] = [
  opCase({
    op: 'whereAsync',
    name: 'rank 3; rank 0; none true',
    inputs: () => [bools([2, 2, 3], [1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 1]), bools([], [1]), bools([4], [0, 0, 0, 0])],
    core: async ([c, s, n]) => [await whereAsync(c!), await whereAsync(s!), await whereAsync(n!)],
    reference: ([c, s, n]) => [whereAsyncRef(c!), whereAsyncRef(s!), whereAsyncRef(n!)],
    judge: EXACT_SIGNED_ZERO,
  }),
  opCase({
    op: 'booleanMaskAsync',
    name: 'mask [2,3] at axis 1 of [2,2,3,2], NaN ±Inf −0',
    inputs: (r) => [specials([2, 2, 3, 2])(r), bools([2, 3], [1, 0, 1, 0, 1, 1])],
    core: ([x, m]) => booleanMaskAsync(x!, m!, 1),
    reference: ([x, m]) => booleanMaskRef(x!, m!, 1),
    judge: EXACT_SIGNED_ZERO,
  }),
  opCase({
    op: 'booleanMaskAsync',
    name: 'int32 rows; all false',
    inputs: () => [ints([4, 2], [1, 2, 3, 4, 5, 6, 7, 8]), bools([4], [0, 1, 1, 0]), bools([4], [0, 0, 0, 0])],
    core: async ([x, m, f]) => [await booleanMaskAsync(x!, m!), await booleanMaskAsync(x!, f!)],
    reference: ([x, m, f]) => [booleanMaskRef(x!, m!, 0), booleanMaskRef(x!, f!, 0)],
    judge: EXACT_SIGNED_ZERO,
  }),
  opCase({
    op: 'setdiff1dAsync',
    name: 'NaN, −0 against 0, ±Inf',
    inputs: () => [host([7], [Number.NaN, -0, 1, Infinity, 2, -Infinity, 1]), host([3], [0, Number.NaN, Infinity])],
    core: ([x, y]) => setdiff1dAsync(x!, y!),
    reference: ([x, y]) => setdiffRef(x!, y!),
    judge: EXACT_SIGNED_ZERO,
  }),
  opCase({
    op: 'setdiff1dAsync',
    name: 'int32; y empty; x empty',
    inputs: () => [ints([5], [4, 1, 4, 9, 2]), ints([2], [4, 2]), ints([0], [])],
    core: async ([x, y, e]) => [...(await setdiff1dAsync(x!, y!)), ...(await setdiff1dAsync(x!, e!)), ...(await setdiff1dAsync(e!, y!))],
    reference: ([x, y, e]) => [...setdiffRef(x!, y!), ...setdiffRef(x!, e!), ...setdiffRef(e!, y!)],
    judge: EXACT_SIGNED_ZERO,
  }),
  opCase({
    op: 'inTopKAsync',
    name: 'rows of [4,5], k 2, ties and NaN',
    inputs: () => [host([4, 5], [0.1, 0.9, 0.3, 0.9, 0, 1, 2, 3, 4, 5, Number.NaN, 1, 2, 3, 4, -0, 0, 0, -1, Infinity]), ints([4], [3, 2, 0, 1])],
    core: ([p, t]) => inTopKAsync(p!, t!, 2),
    reference: ([p, t]) => inTopKRef(p!, t!, 2),
    judge: EXACT_SIGNED_ZERO,
  }),
];

export const indexingOpCases: readonly ConformanceCase<'op'>[] = [...ndCases, ...segmentCases, ...selectionCases, ...countingCases, ...asyncCases];
