/** Op cases: gatherND, scatterND, segment sums, topk, unique, searchSorted, bincount, where with broadcasting. */
import { gatherND, scatterND, tensorScatterUpdate, unsortedSegmentMax, unsortedSegmentSum } from '@polytensor/core';
import type { ConformanceCase } from '../cases/types.js';
import { host, sizeOf, type HostTensor } from '../host.js';
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

export const indexingOpCases: readonly ConformanceCase<'op'>[] = [...ndCases, ...segmentCases];
