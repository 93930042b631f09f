/** Op cases: gatherND, scatterND, segment sums, topk, unique, searchSorted, bincount, where with broadcasting. */
import { gatherND, scatterND, tensorScatterUpdate, topk, unique, unsortedSegmentMax, unsortedSegmentSum, where } from '@polytensor/core';
import type { ConformanceCase } from '../cases/types.js';
import { broadcastMap, broadcastShapes, host, sizeOf, type HostTensor } from '../host.js';
import type { Rng } from '../rng.js';
import { EXACT_SIGNED_ZERO, opCase, opGradient } from './harness.js';

const uniform = (shape: readonly number[]) => (r: Rng) =>
  host(
    shape,
    r.array(sizeOf(shape), (q) => q.float(-2, 2)),
  );
/** NaN, ±Inf, −0 and ordinary values in turn: selection must move them bit for bit. */
const specials = (shape: readonly number[]) => (r: Rng) =>
  host(
    shape,
    r.array(sizeOf(shape), (q, i) => [Number.NaN, Infinity, -Infinity, -0, q.float(-2, 2)][i % 5]!),
  );
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
  return host([...batch, ...x.shape.slice(depth)], out, x.dtype);
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
  return [host(shape, vals, x.dtype), host(shape, idx, 'int32')];
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
  return [host(shape, out, x.dtype), host([dim], indices, 'int32')];
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

export const indexingOpCases: readonly ConformanceCase<'op'>[] = [...ndCases, ...segmentCases, ...selectionCases];
