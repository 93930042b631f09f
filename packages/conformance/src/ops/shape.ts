/** Op cases: tile, broadcastTo, stridedSlice, reverse, mirrorPad, space/batch/depth moves, diag, bandPart, meshgrid, linspace, einsum, broadcast matMul. */
import {
  batchToSpaceND,
  broadcastArgs,
  broadcastTo,
  depthToSpace,
  diag,
  einsum,
  ensureShape,
  linalg,
  linspace,
  matMul,
  meshgrid,
  mirrorPad,
  reverse,
  spaceToBatchND,
  stridedSlice,
  tile,
} from '@polytensor/core';
import type { ConformanceCase } from '../cases/types.js';
import { host, ravel, sizeOf, stridesOf, unravel, type HostTensor } from '../host.js';
import type { Rng } from '../rng.js';
import { EXACT, EXACT_SIGNED_ZERO, opCase, opGradient, ulps } from './harness.js';
import { uniform, specials } from './inputs.js';

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

/** Zero-pad the spatial axes, then each padded element (b, y…, rest) lands at batch offset·B + b, spatial y / block. */
function spaceToBatchRef(x: HostTensor, block: readonly number[], paddings: readonly (readonly [number, number])[]): HostTensor {
  const m = block.length;
  const B = x.shape[0]!;
  const padded = x.shape.map((d, i) => (i >= 1 && i <= m ? d + paddings[i - 1]![0] + paddings[i - 1]![1] : d));
  const shape = [B * sizeOf(block), ...block.map((b, i) => padded[i + 1]! / b), ...x.shape.slice(m + 1)];
  const out = new Float64Array(sizeOf(shape));
  const inStrides = stridesOf(x.shape);
  const outStrides = stridesOf(shape);
  for (let p = 0; p < sizeOf(padded); p++) {
    const y = unravel(p, padded);
    const src = y.map((v, i) => (i >= 1 && i <= m ? v - paddings[i - 1]![0] : v));
    const inside = src.every((v, i) => v >= 0 && v < x.shape[i]!);
    let offset = 0;
    for (let i = 0; i < m; i++) offset = offset * block[i]! + (y[i + 1]! % block[i]!);
    const dst = y.map((v, i) => (i === 0 ? offset * B + v : i <= m ? Math.floor(v / block[i - 1]!) : v));
    out[ravel(dst, outStrides)] = inside ? x.values[ravel(src, inStrides)]! : 0;
  }
  return { shape, values: out, dtype: x.dtype };
}

/** Each element (ob, s…, rest) of x goes to batch ob mod B, spatial s·block + its offset − crop start, if not cropped. */
function batchToSpaceRef(x: HostTensor, block: readonly number[], crops: readonly (readonly [number, number])[]): HostTensor {
  const m = block.length;
  const B = x.shape[0]! / sizeOf(block);
  const shape = [B, ...block.map((b, i) => x.shape[i + 1]! * b - crops[i]![0] - crops[i]![1]), ...x.shape.slice(m + 1)];
  const out = new Float64Array(sizeOf(shape));
  const outStrides = stridesOf(shape);
  for (let p = 0; p < x.values.length; p++) {
    const s = unravel(p, x.shape);
    let offset = Math.floor(s[0]! / B);
    const dst = [...s];
    dst[0] = s[0]! % B;
    for (let i = m - 1; i >= 0; i--) {
      dst[i + 1] = s[i + 1]! * block[i]! + (offset % block[i]!) - crops[i]![0];
      offset = Math.floor(offset / block[i]!);
    }
    if (dst.every((v, i) => v >= 0 && v < shape[i]!)) out[ravel(dst, outStrides)] = x.values[p]!;
  }
  return { shape, values: out, dtype: x.dtype };
}

/** Channel ch of pixel (h, w) is, of k = c/bs² channels, block ch / k (row-major in bs×bs) channel ch mod k. */
function depthToSpaceRef(x: HostTensor, bs: number, nchw = false): HostTensor {
  const [n, c, h, w] = nchw ? x.shape : [x.shape[0]!, x.shape[3]!, x.shape[1]!, x.shape[2]!];
  const k = c! / (bs * bs);
  const shape = nchw ? [n!, k, h! * bs, w! * bs] : [n!, h! * bs, w! * bs, k];
  const out = new Float64Array(sizeOf(shape));
  const outStrides = stridesOf(shape);
  for (let p = 0; p < x.values.length; p++) {
    const idx = unravel(p, x.shape);
    const [b, ch, y, xx] = nchw ? idx : [idx[0]!, idx[3]!, idx[1]!, idx[2]!];
    const blockAt = Math.floor(ch! / k);
    const [oy, ox, oc] = [y! * bs + Math.floor(blockAt / bs), xx! * bs + (blockAt % bs), ch! % k];
    out[ravel(nchw ? [b!, oc, oy, ox] : [b!, oy, ox, oc], outStrides)] = x.values[p]!;
  }
  return { shape, values: out, dtype: x.dtype };
}

function diagRef(x: HostTensor): HostTensor {
  const n = x.values.length;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = x.values[i]!;
  return { shape: [...x.shape, ...x.shape], values: out, dtype: x.dtype };
}

function bandRef(x: HostTensor, lower: number, upper: number): HostTensor {
  const [m, n] = x.shape.slice(-2) as [number, number];
  return {
    ...x,
    values: x.values.map((v, p) => {
      const i = Math.floor(p / n) % m;
      const j = p % n;
      return (lower < 0 || i - j <= lower) && (upper < 0 || j - i <= upper) ? v : 0;
    }),
  };
}

/** X[r][c] and Y[r][c] of the grid: 'xy' rows run over y, columns over x; 'ij' the transpose. */
function meshRef(x: HostTensor, y: HostTensor, ij = false): HostTensor[] {
  const [w, h] = [x.values.length, y.values.length];
  const shape = ij ? [w, h] : [h, w];
  const X = new Float64Array(w * h);
  const Y = new Float64Array(w * h);
  for (let r = 0; r < shape[0]!; r++)
    for (let c = 0; c < shape[1]!; c++) {
      X[r * shape[1]! + c] = x.values[ij ? r : c]!;
      Y[r * shape[1]! + c] = y.values[ij ? c : r]!;
    }
  return [
    { shape, values: X, dtype: x.dtype },
    { shape, values: Y, dtype: y.dtype },
  ];
}

const linspaceRef = (start: number, stop: number, num: number): HostTensor => ({
  shape: [num],
  values: Float64Array.from(upTo(num), (i) => (num === 1 || i === 0 ? start : start + (i * (stop - start)) / (num - 1))),
  dtype: 'float32',
});

function broadcastArgsRef(a: HostTensor, b: HostTensor): HostTensor {
  const rank = Math.max(a.values.length, b.values.length);
  const at = (t: HostTensor, i: number): number => t.values[t.values.length - rank + i] ?? 1;
  return host(
    [rank],
    upTo(rank).map((i) => (at(a, i) === 1 ? at(b, i) : at(a, i))),
    'int32',
  );
}

/** Einstein summation by brute force: every assignment of the letters, the product of the operands' elements added into the output's. */
function einsumRef(equation: string, xs: readonly HostTensor[]): HostTensor {
  const [lhs, out] = equation.split('->') as [string, string];
  const terms = lhs.split(',');
  const letters = [...new Set([...terms.join(''), ...out])];
  const size = new Map<string, number>();
  terms.forEach((t, i) => [...t].forEach((l, a) => size.set(l, xs[i]!.shape[a]!)));
  const dims = letters.map((l) => size.get(l)!);
  const shape = [...out].map((l) => size.get(l)!);
  const values = new Float64Array(sizeOf(shape));
  const outStrides = stridesOf(shape);
  for (let p = 0; p < sizeOf(dims); p++) {
    const at = new Map(unravel(p, dims).map((v, i) => [letters[i]!, v]));
    let prod = 1;
    terms.forEach((t, i) => {
      prod *=
        xs[i]!.values[
          ravel(
            [...t].map((l) => at.get(l)!),
            stridesOf(xs[i]!.shape),
          )
        ]!;
    });
    values[
      ravel(
        [...out].map((l) => at.get(l)!),
        outStrides,
      )
    ]! += prod;
  }
  return { shape, values, dtype: 'float32' };
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

  opCase({
    op: 'spaceToBatchND',
    name: '[1,4,4,2] block [2,2]',
    inputs: (r) => [uniform([1, 4, 4, 2])(r)],
    core: ([x]) =>
      spaceToBatchND(
        x!,
        [2, 2],
        [
          [0, 0],
          [0, 0],
        ],
      ),
    reference: ([x]) =>
      spaceToBatchRef(
        x!,
        [2, 2],
        [
          [0, 0],
          [0, 0],
        ],
      ),
  }),
  opCase({
    op: 'spaceToBatchND',
    name: '[2,2,4,1] block [2,3], paddings [[1,1],[0,2]], NaN ±Inf −0',
    inputs: (r) => [specials([2, 2, 4, 1])(r)],
    core: ([x]) =>
      spaceToBatchND(
        x!,
        [2, 3],
        [
          [1, 1],
          [0, 2],
        ],
      ),
    reference: ([x]) =>
      spaceToBatchRef(
        x!,
        [2, 3],
        [
          [1, 1],
          [0, 2],
        ],
      ),
    judge: EXACT_SIGNED_ZERO,
  }),
  opCase({
    op: 'spaceToBatchND',
    name: 'empty batch [0,2,2,1]; three block axes [1,2,2,2] by [2,1,2]',
    inputs: (r) => [uniform([0, 2, 2, 1])(r), uniform([1, 2, 2, 2])(r)],
    core: ([e, x]) => [
      spaceToBatchND(
        e!,
        [2, 2],
        [
          [0, 0],
          [0, 0],
        ],
      ),
      spaceToBatchND(
        x!,
        [2, 1, 2],
        [
          [0, 0],
          [0, 0],
          [0, 0],
        ],
      ),
    ],
    reference: ([e, x]) => [
      spaceToBatchRef(
        e!,
        [2, 2],
        [
          [0, 0],
          [0, 0],
        ],
      ),
      spaceToBatchRef(
        x!,
        [2, 1, 2],
        [
          [0, 0],
          [0, 0],
          [0, 0],
        ],
      ),
    ],
  }),
  opGradient({
    op: 'spaceToBatchND',
    name: '[1,2,4,1] block [2,2], paddings [[0,0],[1,1]]',
    inputs: (r) => [uniform([1, 2, 4, 1])(r)],
    core: ([x]) =>
      spaceToBatchND(
        x!,
        [2, 2],
        [
          [0, 0],
          [1, 1],
        ],
      ),
    reference: ([x]) =>
      spaceToBatchRef(
        x!,
        [2, 2],
        [
          [0, 0],
          [1, 1],
        ],
      ),
  }),

  opCase({
    op: 'batchToSpaceND',
    name: '[4,2,2,1] block [2,2]',
    inputs: (r) => [uniform([4, 2, 2, 1])(r)],
    core: ([x]) =>
      batchToSpaceND(
        x!,
        [2, 2],
        [
          [0, 0],
          [0, 0],
        ],
      ),
    reference: ([x]) =>
      batchToSpaceRef(
        x!,
        [2, 2],
        [
          [0, 0],
          [0, 0],
        ],
      ),
  }),
  opCase({
    op: 'batchToSpaceND',
    name: '[6,2,2,2] block [3,2], crops [[1,2],[0,1]], NaN ±Inf −0',
    inputs: (r) => [specials([6, 2, 2, 2])(r)],
    core: ([x]) =>
      batchToSpaceND(
        x!,
        [3, 2],
        [
          [1, 2],
          [0, 1],
        ],
      ),
    reference: ([x]) =>
      batchToSpaceRef(
        x!,
        [3, 2],
        [
          [1, 2],
          [0, 1],
        ],
      ),
    judge: EXACT_SIGNED_ZERO,
  }),
  opCase({
    op: 'batchToSpaceND',
    name: 'empty batch [0,1,1,1]; one block axis [2,3] by [2]',
    inputs: (r) => [uniform([0, 1, 1, 1])(r), uniform([2, 3])(r)],
    core: ([e, x]) => [
      batchToSpaceND(
        e!,
        [2, 2],
        [
          [0, 0],
          [0, 0],
        ],
      ),
      batchToSpaceND(x!, [2], [[0, 0]]),
    ],
    reference: ([e, x]) => [
      batchToSpaceRef(
        e!,
        [2, 2],
        [
          [0, 0],
          [0, 0],
        ],
      ),
      batchToSpaceRef(x!, [2], [[0, 0]]),
    ],
  }),
  opGradient({
    op: 'batchToSpaceND',
    name: '[4,1,2,1] block [2,2], crops [[0,1],[1,0]]',
    inputs: (r) => [uniform([4, 1, 2, 1])(r)],
    core: ([x]) =>
      batchToSpaceND(
        x!,
        [2, 2],
        [
          [0, 1],
          [1, 0],
        ],
      ),
    reference: ([x]) =>
      batchToSpaceRef(
        x!,
        [2, 2],
        [
          [0, 1],
          [1, 0],
        ],
      ),
  }),

  opCase({
    op: 'depthToSpace',
    name: 'NHWC [1,2,2,8] block 2',
    inputs: (r) => [uniform([1, 2, 2, 8])(r)],
    core: ([x]) => depthToSpace(x!, 2),
    reference: ([x]) => depthToSpaceRef(x!, 2),
  }),
  opCase({
    op: 'depthToSpace',
    name: 'NHWC [2,1,2,4] and NCHW [1,8,1,2] block 2, NaN ±Inf −0',
    inputs: (r) => [specials([2, 1, 2, 4])(r), specials([1, 8, 1, 2])(r)],
    core: ([x, y]) => [depthToSpace(x!, 2), depthToSpace(y!, 2, 'NCHW')],
    reference: ([x, y]) => [depthToSpaceRef(x!, 2), depthToSpaceRef(y!, 2, true)],
    judge: EXACT_SIGNED_ZERO,
  }),
  opCase({
    op: 'depthToSpace',
    name: 'empty [0,1,1,4]; block 3 [1,1,1,9]',
    inputs: (r) => [uniform([0, 1, 1, 4])(r), uniform([1, 1, 1, 9])(r)],
    core: ([e, x]) => [depthToSpace(e!, 2), depthToSpace(x!, 3)],
    reference: ([e, x]) => [depthToSpaceRef(e!, 2), depthToSpaceRef(x!, 3)],
  }),
  opGradient({
    op: 'depthToSpace',
    name: 'NHWC [1,2,1,8] block 2',
    inputs: (r) => [uniform([1, 2, 1, 8])(r)],
    core: ([x]) => depthToSpace(x!, 2),
    reference: ([x]) => depthToSpaceRef(x!, 2),
  }),

  opCase({
    op: 'diag',
    name: 'rank 1 [5]',
    inputs: (r) => [uniform([5])(r)],
    core: ([x]) => diag(x!),
    reference: ([x]) => diagRef(x!),
  }),
  opCase({
    op: 'diag',
    name: 'rank 2 [2,2] NaN ±Inf −0; int32 [3]',
    inputs: (r) => [specials([2, 2])(r), host([3], [4, -5, 2 ** 30], 'int32')],
    core: ([x, i]) => [diag(x!), diag(i!)],
    reference: ([x, i]) => [diagRef(x!), diagRef(i!)],
    judge: EXACT_SIGNED_ZERO,
  }),
  opCase({
    op: 'diag',
    name: 'rank 3 [1,2,2]; empty [0]',
    inputs: (r) => [uniform([1, 2, 2])(r), uniform([0])(r)],
    core: ([x, e]) => [diag(x!), diag(e!)],
    reference: ([x, e]) => [diagRef(x!), diagRef(e!)],
  }),
  opGradient({
    op: 'diag',
    name: 'rank 1 [4]',
    inputs: (r) => [uniform([4])(r)],
    core: ([x]) => diag(x!),
    reference: ([x]) => diagRef(x!),
  }),

  opCase({
    op: 'bandPart',
    name: 'upper triangle (0, -1) of [2,3,4]',
    inputs: (r) => [uniform([2, 3, 4])(r)],
    core: ([x]) => linalg.bandPart(x!, 0, -1),
    reference: ([x]) => bandRef(x!, 0, -1),
  }),
  opCase({
    op: 'bandPart',
    name: 'band (1, 2) of [4,5], NaN ±Inf −0; lower (-1, 0) of int32 [3,3]',
    inputs: (r) => [specials([4, 5])(r), host([3, 3], [1, 2, 3, 4, 5, 6, 7, 8, -9], 'int32')],
    core: ([x, i]) => [linalg.bandPart(x!, 1, 2), linalg.bandPart(i!, -1, 0)],
    reference: ([x, i]) => [bandRef(x!, 1, 2), bandRef(i!, -1, 0)],
    judge: EXACT_SIGNED_ZERO,
  }),
  opCase({
    op: 'bandPart',
    name: 'empty [0,2,2]',
    inputs: (r) => [uniform([0, 2, 2])(r)],
    core: ([x]) => linalg.bandPart(x!, 0, 0),
    reference: ([x]) => bandRef(x!, 0, 0),
  }),
  opGradient({
    op: 'bandPart',
    name: '(1, 0) of [3,4]',
    inputs: (r) => [uniform([3, 4])(r)],
    core: ([x]) => linalg.bandPart(x!, 1, 0),
    reference: ([x]) => bandRef(x!, 1, 0),
  }),

  opCase({
    op: 'meshgrid',
    name: "'xy', x [3], y [2]",
    inputs: (r) => [uniform([3])(r), uniform([2])(r)],
    core: ([x, y]) => meshgrid(x!, y!),
    reference: ([x, y]) => meshRef(x!, y!),
  }),
  opCase({
    op: 'meshgrid',
    name: "'ij', x [2,2] (flattened), y [3], NaN ±Inf −0",
    inputs: (r) => [specials([2, 2])(r), specials([3])(r)],
    core: ([x, y]) => meshgrid(x!, y!, { indexing: 'ij' }),
    reference: ([x, y]) => meshRef(x!, y!, true),
    judge: EXACT_SIGNED_ZERO,
  }),
  opCase({
    op: 'meshgrid',
    name: 'empty y [0]; x alone',
    inputs: (r) => [uniform([3])(r), uniform([0])(r)],
    core: ([x, y]) => [...meshgrid(x!, y!), ...meshgrid(x!)],
    reference: ([x, y]) => [...meshRef(x!, y!), x!],
  }),
  opGradient({
    op: 'meshgrid',
    name: "'xy': X·Y + X",
    inputs: (r) => [uniform([3])(r), uniform([2])(r)],
    core: ([x, y]) => {
      const [X, Y] = meshgrid(x!, y!);
      return X!.mul(Y!).add(X!);
    },
    reference: ([x, y]) => {
      const [X, Y] = meshRef(x!, y!);
      return { ...X!, values: X!.values.map((v, i) => v * Y!.values[i]! + v) };
    },
  }),

  opCase({
    op: 'linspace',
    name: '(0, 1, 5), (-3, 7.3, 11), (2, 9, 1)',
    inputs: () => [],
    core: () => [linspace(0, 1, 5), linspace(-3, 7.3, 11), linspace(2, 9, 1)],
    reference: () => [linspaceRef(0, 1, 5), linspaceRef(-3, 7.3, 11), linspaceRef(2, 9, 1)],
    judge: ulps(1),
  }),
  opCase({
    op: 'linspace',
    name: '(−0, 1, 2), (0, Inf, 3), (5, -1, 4)',
    inputs: () => [],
    core: () => [linspace(-0, 1, 2), linspace(0, Infinity, 3), linspace(5, -1, 4)],
    reference: () => [linspaceRef(-0, 1, 2), linspaceRef(0, Infinity, 3), linspaceRef(5, -1, 4)],
    judge: { kind: 'exact', signedZero: true },
  }),

  opCase({
    op: 'broadcastArgs',
    name: '[2,1] with [3]; [] with [4,1]; [0,1] with [1,5]',
    inputs: () => [
      host([2], [2, 1], 'int32'),
      host([1], [3], 'int32'),
      host([0], [], 'int32'),
      host([2], [4, 1], 'int32'),
      host([2], [0, 1], 'int32'),
      host([2], [1, 5], 'int32'),
    ],
    core: ([a, b, c, d, e, f]) => [broadcastArgs(a!, b!), broadcastArgs(c!, d!), broadcastArgs(e!, f!)],
    reference: ([a, b, c, d, e, f]) => [broadcastArgsRef(a!, b!), broadcastArgsRef(c!, d!), broadcastArgsRef(e!, f!)],
  }),

  opCase({
    op: 'ensureShape',
    name: '[2,3] against [null,3], NaN ±Inf −0; rank 0',
    inputs: (r) => [specials([2, 3])(r), uniform([])(r)],
    core: ([x, s]) => [ensureShape(x!, [null, 3]), ensureShape(s!, [])],
    reference: ([x, s]) => [x!, s!],
    judge: EXACT_SIGNED_ZERO,
  }),

  // einsum on multiples of 1/4: its products and short sums are exact in float32, whatever the order of the additions.
  opCase({
    op: 'einsum',
    name: "'bij,bjk->bik' and 'ij,j->i'",
    inputs: (r) => [quarters([2, 2, 3])(r), quarters([2, 3, 2])(r), quarters([3, 4])(r), quarters([4])(r)],
    core: ([a, b, m, v]) => [einsum('bij,bjk->bik', a!, b!), einsum('ij,j->i', m!, v!)],
    reference: ([a, b, m, v]) => [einsumRef('bij,bjk->bik', [a!, b!]), einsumRef('ij,j->i', [m!, v!])],
  }),
  opCase({
    op: 'einsum',
    name: "'bhqd,bhkd->bhqk' with a NaN, 'ij->ji' with NaN ±Inf −0, 'i,i->'",
    inputs: (r) => {
      const q = quarters([1, 2, 3, 2])(r);
      q.values[3] = Number.NaN;
      return [q, quarters([1, 2, 2, 2])(r), specials([2, 3])(r), quarters([5])(r), quarters([5])(r)];
    },
    core: ([q, k, m, u, v]) => [einsum('bhqd,bhkd->bhqk', q!, k!), einsum('ij->ji', m!), einsum('i,i->', u!, v!)],
    reference: ([q, k, m, u, v]) => [einsumRef('bhqd,bhkd->bhqk', [q!, k!]), einsumRef('ij->ji', [m!]), einsumRef('i,i->', [u!, v!])],
    // Not the sign of zero: a sum of zero products is −0 or +0 by the accumulator's start, which backends choose.
    judge: EXACT,
  }),
  opCase({
    op: 'einsum',
    name: "'bi,ij,bj->b', 'ij->i', 'ij,jk->ik' with j empty (zeros)",
    inputs: (r) => [quarters([2, 3])(r), quarters([3, 2])(r), quarters([2, 2])(r), quarters([3, 4])(r), quarters([2, 0])(r), quarters([0, 3])(r)],
    core: ([x, w, y, m, e, f]) => [einsum('bi,ij,bj->b', x!, w!, y!), einsum('ij->i', m!), einsum('ij,jk->ik', e!, f!)],
    reference: ([x, w, y, m, e, f]) => [einsumRef('bi,ij,bj->b', [x!, w!, y!]), einsumRef('ij->i', [m!]), einsumRef('ij,jk->ik', [e!, f!])],
  }),
  opGradient({
    op: 'einsum',
    name: "'bhqd,bhkd->bhqk'",
    inputs: (r) => [uniform([1, 2, 2, 2])(r), uniform([1, 2, 2, 2])(r)],
    core: ([q, k]) => einsum('bhqd,bhkd->bhqk', q!, k!),
    reference: ([q, k]) => einsumRef('bhqd,bhkd->bhqk', [q!, k!]),
  }),
  opGradient({
    op: 'einsum',
    name: "'bi,ij,bj->b'",
    inputs: (r) => [uniform([2, 2])(r), uniform([2, 3])(r), uniform([2, 3])(r)],
    core: ([x, w, y]) => einsum('bi,ij,bj->b', x!, w!, y!),
    reference: ([x, w, y]) => einsumRef('bi,ij,bj->b', [x!, w!, y!]),
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
