/** Op cases: tile, broadcastTo, stridedSlice, reverse, mirrorPad, space/batch/depth moves, diag, bandPart, meshgrid, linspace, einsum, broadcast matMul. */
import { broadcastTo, matMul, mirrorPad, reverse, stridedSlice, tile } from '@polytensor/core';
import type { ConformanceCase } from '../cases/types.js';
import { host, ravel, sizeOf, stridesOf, unravel, type HostTensor } from '../host.js';
import type { Rng } from '../rng.js';
import { EXACT_SIGNED_ZERO, opCase, opGradient } from './harness.js';

const uniform = (shape: readonly number[]) => (r: Rng) =>
  host(
    shape,
    r.array(sizeOf(shape), (q) => q.float(-2, 2)),
  );
/** NaN, ±Inf, −0 among ordinary values: a movement op must carry them bit for bit. */
const specials = (shape: readonly number[]) => (r: Rng) =>
  host(
    shape,
    r.array(sizeOf(shape), (q, i) => [Number.NaN, Infinity, -Infinity, -0, q.float(-2, 2)][i % 5]!),
  );
/** Multiples of 1/4 in [−2, 2]: products and short sums of them are exact in float32, so a matMul's result is too. */
const quarters = (shape: readonly number[]) => (r: Rng) =>
  host(
    shape,
    r.array(sizeOf(shape), (q) => q.int(-8, 8) / 4),
  );

/** out[i0, i1, …] = x[lists[0][i0], lists[1][i1], …], then viewed as `shape` (default: the lists' lengths). */
function pick(x: HostTensor, lists: readonly (readonly number[])[], shape?: readonly number[]): HostTensor {
  const outShape = lists.map((l) => l.length);
  const strides = stridesOf(x.shape);
  const out = new Float64Array(sizeOf(outShape));
  for (let o = 0; o < out.length; o++)
    out[o] =
      x.values[
        ravel(
          unravel(o, outShape).map((v, a) => lists[a]![v]!),
          strides,
        )
      ]!;
  return { shape: [...(shape ?? outShape)], values: out, dtype: x.dtype };
}
const upTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

function tileRef(x: HostTensor, reps: readonly number[]): HostTensor {
  return pick(
    x,
    x.shape.map((d, a) => upTo(d * reps[a]!).map((j) => j % d)),
  );
}

/** NumPy broadcasting: output index i on an axis where x has size 1 reads x's element 0. */
function broadcastRef(x: HostTensor, shape: readonly number[]): HostTensor {
  const lead = shape.length - x.shape.length;
  const strides = stridesOf(x.shape);
  const out = new Float64Array(sizeOf(shape));
  for (let o = 0; o < out.length; o++) {
    const idx = unravel(o, shape).slice(lead);
    out[o] =
      x.values[
        ravel(
          idx.map((v, a) => (x.shape[a] === 1 ? 0 : v)),
          strides,
        )
      ]!;
  }
  return { shape: [...shape], values: out, dtype: x.dtype };
}

function reverseRef(x: HostTensor, axes: readonly number[]): HostTensor {
  return pick(
    x,
    x.shape.map((d, a) => upTo(d).map((j) => (axes.includes(a) ? d - 1 - j : j))),
  );
}

/** Mirror an out-of-range position back into [0, d): reflect across the edge element, or symmetric across the edge. */
function mirrorRef(x: HostTensor, paddings: readonly (readonly [number, number])[], mode: 'reflect' | 'symmetric'): HostTensor {
  const fold = (p: number, d: number): number => {
    let q = p;
    while (q < 0 || q >= d) {
      if (mode === 'reflect') q = q < 0 ? -q : 2 * (d - 1) - q;
      else q = q < 0 ? -q - 1 : 2 * d - 1 - q;
    }
    return q;
  };
  return pick(
    x,
    x.shape.map((d, a) => {
      const [before, after] = paddings[a]!;
      return upTo(before + d + after).map((j) => fold(j - before, d));
    }),
  );
}

/** Batched matMul with NumPy broadcasting of the leading axes, in float64. */
function matMulRef(a: HostTensor, b: HostTensor, tA = false, tB = false): HostTensor {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const [m, k] = tA ? [a.shape[ra - 1]!, a.shape[ra - 2]!] : [a.shape[ra - 2]!, a.shape[ra - 1]!];
  const n = tB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const rank = Math.max(batchA.length, batchB.length);
  const batch = upTo(rank).map((i) => {
    const da = batchA[batchA.length - rank + i] ?? 1;
    return da === 1 ? (batchB[batchB.length - rank + i] ?? 1) : da;
  });
  const shape = [...batch, m, n];
  const out = new Float64Array(sizeOf(shape));
  const at = (t: HostTensor, bShape: readonly number[], bi: readonly number[], r: number, c: number): number => {
    const idx = bi.slice(rank - bShape.length).map((v, j) => (bShape[j] === 1 ? 0 : v));
    return t.values[ravel([...idx, r, c], stridesOf(t.shape))]!;
  };
  for (let o = 0; o < out.length; o++) {
    const idx = unravel(o, shape);
    const bi = idx.slice(0, rank);
    const [i, j] = [idx[rank]!, idx[rank + 1]!];
    let s = 0;
    for (let p = 0; p < k; p++) s += (tA ? at(a, batchA, bi, p, i) : at(a, batchA, bi, i, p)) * (tB ? at(b, batchB, bi, j, p) : at(b, batchB, bi, p, j));
    out[o] = s;
  }
  return { shape, values: out, dtype: 'float32' };
}

export const shapeOpCases: readonly ConformanceCase<'op'>[] = [
  opCase({
    op: 'tile',
    name: 'rank 3, reps [2,1,3]',
    inputs: (r) => [uniform([1, 2, 3])(r)],
    core: ([x]) => tile(x!, [2, 1, 3]),
    reference: ([x]) => tileRef(x!, [2, 1, 3]),
  }),
  opCase({
    op: 'tile',
    name: 'NaN ±Inf −0, int32 and bool, reps [3,2]',
    inputs: (r) => [specials([2, 3])(r), host([2, 2], [1, -7, 0, 2 ** 30], 'int32'), host([1, 3], [1, 0, 1], 'bool')],
    core: ([x, i, b]) => [tile(x!, [3, 2]), tile(i!, [1, 3]), tile(b!, [2, 2])],
    reference: ([x, i, b]) => [tileRef(x!, [3, 2]), tileRef(i!, [1, 3]), tileRef(b!, [2, 2])],
    judge: EXACT_SIGNED_ZERO,
  }),
  opCase({
    op: 'tile',
    name: 'a rep of 0 (empty), an empty x, rank 0',
    inputs: (r) => [uniform([2, 3])(r), uniform([0, 2])(r), uniform([])(r)],
    core: ([x, e, s]) => [tile(x!, [0, 2]), tile(e!, [3, 2]), tile(s!, [])],
    reference: ([x, e, s]) => [tileRef(x!, [0, 2]), tileRef(e!, [3, 2]), s!],
  }),
  opGradient({
    op: 'tile',
    name: 'reps [2,3]: copies summed',
    inputs: (r) => [uniform([2, 3])(r)],
    core: ([x]) => tile(x!, [2, 3]),
    reference: ([x]) => tileRef(x!, [2, 3]),
  }),

  opCase({
    op: 'broadcastTo',
    name: '[3,1] to [2,3,4]',
    inputs: (r) => [uniform([3, 1])(r)],
    core: ([x]) => broadcastTo(x!, [2, 3, 4]),
    reference: ([x]) => broadcastRef(x!, [2, 3, 4]),
  }),
  opCase({
    op: 'broadcastTo',
    name: 'NaN ±Inf −0 [1,5] to [4,5], int32 [2,1] to [2,3], same shape',
    inputs: (r) => [specials([1, 5])(r), host([2, 1], [-3, 2 ** 30], 'int32'), specials([2, 5])(r)],
    core: ([x, i, y]) => [broadcastTo(x!, [4, 5]), broadcastTo(i!, [2, 3]), broadcastTo(y!, [2, 5])],
    reference: ([x, i, y]) => [broadcastRef(x!, [4, 5]), broadcastRef(i!, [2, 3]), y!],
    judge: EXACT_SIGNED_ZERO,
  }),
  opCase({
    op: 'broadcastTo',
    name: 'rank 0 to [2,3]; [1,3] to [0,3] (empty)',
    inputs: (r) => [uniform([])(r), uniform([1, 3])(r)],
    core: ([s, x]) => [broadcastTo(s!, [2, 3]), broadcastTo(x!, [0, 3])],
    reference: ([s, x]) => [broadcastRef(s!, [2, 3]), broadcastRef(x!, [0, 3])],
  }),
  opGradient({
    op: 'broadcastTo',
    name: '[3,1] to [2,3,4]: summed over the broadcast axes',
    inputs: (r) => [uniform([3, 1])(r)],
    core: ([x]) => broadcastTo(x!, [2, 3, 4]),
    reference: ([x]) => broadcastRef(x!, [2, 3, 4]),
  }),

  opCase({
    op: 'reverse',
    name: 'axes [0,-1] of rank 3',
    inputs: (r) => [uniform([2, 3, 4])(r)],
    core: ([x]) => reverse(x!, [0, -1]),
    reference: ([x]) => reverseRef(x!, [0, 2]),
  }),
  opCase({
    op: 'reverse',
    name: 'NaN ±Inf −0, every axis (default); bool axis 0',
    inputs: (r) => [specials([3, 5])(r), host([3], [1, 0, 0], 'bool')],
    core: ([x, b]) => [reverse(x!), reverse(b!, 0)],
    reference: ([x, b]) => [reverseRef(x!, [0, 1]), reverseRef(b!, [0])],
    judge: EXACT_SIGNED_ZERO,
  }),
  opCase({
    op: 'reverse',
    name: 'rank 0; empty [0,3] on axis 1',
    inputs: (r) => [uniform([])(r), uniform([0, 3])(r)],
    core: ([s, e]) => [reverse(s!), reverse(e!, 1)],
    reference: ([s, e]) => [s!, e!],
  }),
  opGradient({
    op: 'reverse',
    name: 'axis 1 of [2,3,2]',
    inputs: (r) => [uniform([2, 3, 2])(r)],
    core: ([x]) => reverse(x!, 1),
    reference: ([x]) => reverseRef(x!, [1]),
  }),

  opCase({
    op: 'stridedSlice',
    name: 'x[3:0:-1, ::2] of [4,5] (negative step, masks)',
    inputs: (r) => [uniform([4, 5])(r)],
    core: ([x]) => stridedSlice(x!, [3, 0], [0, 0], [-1, 2], 0b10, 0b10),
    reference: ([x]) =>
      pick(x!, [
        [3, 2, 1],
        [0, 2, 4],
      ]),
  }),
  opCase({
    op: 'stridedSlice',
    name: 'x[..., newaxis, -1] of [2,3,4], NaN ±Inf −0',
    inputs: (r) => [specials([2, 3, 4])(r)],
    core: ([x]) => stridedSlice(x!, [0, 0, -1], [0, 0, 0], [1, 1, 1], 0, 0, 0b001, 0b010, 0b100),
    reference: ([x]) => pick(x!, [[0, 1], [0, 1, 2], [3]], [2, 3, 1]),
    judge: EXACT_SIGNED_ZERO,
  }),
  opCase({
    op: 'stridedSlice',
    name: 'x[2:1, -10:10] of [3,4] (empty, clamped); rank 0',
    inputs: (r) => [uniform([3, 4])(r), uniform([])(r)],
    core: ([x, s]) => [stridedSlice(x!, [2, -10], [1, 10]), stridedSlice(s!, [], [])],
    reference: ([x, s]) => [pick(x!, [[], [0, 1, 2, 3]]), s!],
  }),
  opGradient({
    op: 'stridedSlice',
    name: 'x[0:4:2, 4:0:-2] of [4,5], and x[1] (shrink)',
    inputs: (r) => [uniform([4, 5])(r)],
    core: ([x]) => stridedSlice(x!, [0, 4], [4, 0], [2, -2]).mul(stridedSlice(x!, [1], [2], [1], 0, 0, 0, 0, 1).slice([1], [2])),
    reference: ([x]) => {
      const a = pick(x!, [
        [0, 2],
        [4, 2],
      ]);
      const row = pick(x!, [[1], [1, 2]]);
      return host(
        [2, 2],
        a.values.map((v, i) => v * row.values[i % 2]!),
      );
    },
  }),

  opCase({
    op: 'mirrorPad',
    name: 'reflect [3,4] by [[2,1],[1,3]]',
    inputs: (r) => [uniform([3, 4])(r)],
    core: ([x]) =>
      mirrorPad(
        x!,
        [
          [2, 1],
          [1, 3],
        ],
        'reflect',
      ),
    reference: ([x]) =>
      mirrorRef(
        x!,
        [
          [2, 1],
          [1, 3],
        ],
        'reflect',
      ),
  }),
  opCase({
    op: 'mirrorPad',
    name: 'symmetric [1,3,2] by [[0,1],[2,1],[1,1]], NaN ±Inf −0; int32',
    inputs: (r) => [specials([1, 3, 2])(r), host([3], [5, -6, 7], 'int32')],
    core: ([x, i]) => [
      mirrorPad(
        x!,
        [
          [0, 1],
          [2, 1],
          [1, 1],
        ],
        'symmetric',
      ),
      mirrorPad(i!, [[3, 2]], 'symmetric'),
    ],
    reference: ([x, i]) => [
      mirrorRef(
        x!,
        [
          [0, 1],
          [2, 1],
          [1, 1],
        ],
        'symmetric',
      ),
      mirrorRef(i!, [[3, 2]], 'symmetric'),
    ],
    judge: EXACT_SIGNED_ZERO,
  }),
  opCase({
    op: 'mirrorPad',
    name: 'empty [0,3] symmetric by [[0,0],[2,1]]',
    inputs: (r) => [uniform([0, 3])(r)],
    core: ([x]) =>
      mirrorPad(
        x!,
        [
          [0, 0],
          [2, 1],
        ],
        'symmetric',
      ),
    reference: ([x]) =>
      mirrorRef(
        x!,
        [
          [0, 0],
          [2, 1],
        ],
        'symmetric',
      ),
  }),
  opGradient({
    op: 'mirrorPad',
    name: 'reflect [3,4] by [[2,1],[1,2]]',
    inputs: (r) => [uniform([3, 4])(r)],
    core: ([x]) =>
      mirrorPad(
        x!,
        [
          [2, 1],
          [1, 2],
        ],
        'reflect',
      ),
    reference: ([x]) =>
      mirrorRef(
        x!,
        [
          [2, 1],
          [1, 2],
        ],
        'reflect',
      ),
  }),
  opGradient({
    op: 'mirrorPad',
    name: 'symmetric [5] by [[3,2]]',
    inputs: (r) => [uniform([5])(r)],
    core: ([x]) => mirrorPad(x!, [[3, 2]], 'symmetric'),
    reference: ([x]) => mirrorRef(x!, [[3, 2]], 'symmetric'),
  }),

  // matMul's leading axes broadcast NumPy-style (row 'matMulBroadcast': the kernel's rows are 'matMul').
  opCase({
    op: 'matMulBroadcast',
    name: 'a [3,1,2,2] · b [1,3,2,2]',
    inputs: (r) => [quarters([3, 1, 2, 2])(r), quarters([1, 3, 2, 2])(r)],
    core: ([a, b]) => matMul(a!, b!),
    reference: ([a, b]) => matMulRef(a!, b!),
  }),
  opCase({
    op: 'matMulBroadcast',
    name: 'a [2,1,2,3] · b [4,3,2] (batch [2,4]), a NaN in a',
    inputs: (r) => {
      const a = quarters([2, 1, 2, 3])(r);
      a.values[4] = Number.NaN;
      return [a, quarters([4, 3, 2])(r)];
    },
    core: ([a, b]) => matMul(a!, b!),
    reference: ([a, b]) => matMulRef(a!, b!),
  }),
  opCase({
    op: 'matMulBroadcast',
    name: 'a [0,1,2,2] · b [3,2,2] (empty batch); transposeB a [2,1,3,2] · b [3,2,2]',
    inputs: (r) => [quarters([0, 1, 2, 2])(r), quarters([3, 2, 2])(r), quarters([2, 1, 3, 2])(r)],
    core: ([a, b, c]) => [matMul(a!, b!), matMul(c!, b!, false, true)],
    reference: ([a, b, c]) => [matMulRef(a!, b!), matMulRef(c!, b!, false, true)],
  }),
  opGradient({
    op: 'matMulBroadcast',
    name: 'a [2,1,2,2] · b [1,3,2,2]: summed over the broadcast batch axes',
    inputs: (r) => [uniform([2, 1, 2, 2])(r), uniform([1, 3, 2, 2])(r)],
    core: ([a, b]) => matMul(a!, b!),
    reference: ([a, b]) => matMulRef(a!, b!),
  }),
  opGradient({
    op: 'matMulBroadcast',
    name: 'transposeA a [3,1,2,2] · b [2,2,3]',
    inputs: (r) => [uniform([3, 1, 2, 2])(r), uniform([2, 2, 3])(r)],
    core: ([a, b]) => matMul(a!, b!, true),
    reference: ([a, b]) => matMulRef(a!, b!, true),
  }),
];
