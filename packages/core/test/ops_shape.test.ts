// Shape and movement ops (tile, broadcastTo, reverse, stridedSlice, mirrorPad,
// the rank-checked slice/concat/pad spellings, matMul's batch broadcasting):
// values of the Tensor methods and aliases, gradients of broadcast matMul
// against float64 finite differences, and the errors bad arguments get,
// allocating nothing. Forward values and gradients on every backend are in
// the conformance suite (packages/conformance/src/ops/shape.ts).
import { describe, expect, it } from 'vitest';
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
  meshgrid,
  spaceToBatchND,
  concat1d,
  concat2d,
  concat3d,
  concat4d,
  grads,
  matMul,
  memory,
  mirrorPad,
  numericGrad,
  pad1d,
  pad2d,
  pad3d,
  pad4d,
  reverse,
  reverse1d,
  reverse2d,
  reverse3d,
  reverse4d,
  slice1d,
  slice2d,
  slice3d,
  slice4d,
  stridedSlice,
  sum,
  tensor,
  tile,
  zeros,
  type Tensor,
} from './helpers.js';

const values = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => Math.fround(Math.sin(1.3 * i + seed) * 1.5));
const flat = (t: Tensor): number[] => Array.from(t.dataSync());

/** Run `f` on fresh tensors, check what it returns, and that nothing outlives it. */
function noLeak(f: () => Tensor[]): void {
  const before = memory().numTensors;
  for (const t of f()) t.dispose();
  expect(memory().numTensors).toBe(before);
}

describe('shape and movement ops: Tensor methods and rank-checked spellings', () => {
  it('tile, broadcastTo, reverse, stridedSlice and mirrorPad as methods', () => {
    noLeak(() => {
      const x = tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      const t = x.tile([1, 2]);
      expect(t.arraySync()).toEqual([
        [1, 2, 3, 1, 2, 3],
        [4, 5, 6, 4, 5, 6],
      ]);
      const v = tensor([7, 8, 9]);
      const b = v.broadcastTo([2, 3]);
      expect(b.arraySync()).toEqual([
        [7, 8, 9],
        [7, 8, 9],
      ]);
      const r = x.reverse(1);
      expect(r.arraySync()).toEqual([
        [3, 2, 1],
        [6, 5, 4],
      ]);
      const s = x.stridedSlice([0, 2], [2, 0], [1, -2], 0, 0b01);
      expect(s.arraySync()).toEqual([[3], [6]]);
      const m = x.mirrorPad(
        [
          [1, 0],
          [0, 2],
        ],
        'reflect',
      );
      expect(m.arraySync()).toEqual([
        [4, 5, 6, 5, 4],
        [1, 2, 3, 2, 1],
        [4, 5, 6, 5, 4],
      ]);
      return [x, v, t, b, r, s, m];
    });
  });

  it('reverse1d…4d, slice1d…4d, concat1d…4d, pad1d…4d agree with the general ops', () => {
    noLeak(() => {
      const v = tensor([1, 2, 3, 4]);
      const m = tensor(values(6, 1), [2, 3]);
      const c = tensor(values(8, 2), [2, 2, 2]);
      const q = tensor(values(16, 3), [2, 2, 2, 2]);
      const out = [
        reverse1d(v),
        reverse2d(m, 1),
        reverse3d(c, [0, 2]),
        reverse4d(q),
        slice1d(v, 1, 2),
        slice2d(m, [0, 1], [2, -1]),
        slice3d(c, [1, 0, 0], [1, 2, 1]),
        slice4d(q, [0, 1, 0, 1], [2, 1, 2, 1]),
        concat1d([v, v]),
        concat2d([m, m], 1),
        concat3d([c, c], 2),
        concat4d([q, q], 0),
        pad1d(v, [1, 2], 9),
        pad2d(
          m,
          [
            [1, 0],
            [0, 1],
          ],
          -1,
        ),
        pad3d(c, [
          [0, 1],
          [0, 0],
          [1, 0],
        ]),
        pad4d(q, [
          [0, 0],
          [1, 0],
          [0, 0],
          [0, 1],
        ]),
      ];
      expect(flat(out[0]!)).toEqual([4, 3, 2, 1]);
      const general = reverse(m, 1);
      expect(flat(out[1]!)).toEqual(flat(general));
      general.dispose();
      expect(flat(out[4]!)).toEqual([2, 3]);
      expect(out[5]!.shape).toEqual([2, 2]);
      expect(flat(out[8]!)).toEqual([1, 2, 3, 4, 1, 2, 3, 4]);
      expect(out[9]!.shape).toEqual([2, 6]);
      expect(flat(out[12]!)).toEqual([9, 1, 2, 3, 4, 9, 9]);
      expect(out[13]!.shape).toEqual([3, 4]);
      expect(out.slice(14).map((t) => t.shape)).toEqual([
        [3, 2, 3],
        [2, 3, 2, 3],
      ]);
      return [v, m, c, q, ...out];
    });
  });

  it('stridedSlice follows TensorFlow: ellipsis, new axes, shrink, clamping, negative steps', () => {
    noLeak(() => {
      const x = tensor(
        Array.from({ length: 24 }, (_, i) => i),
        [2, 3, 4],
      );
      // x[1, ..., ::-2] → [[7,5],[11,9],[15,13]] with axis 0 shrunk
      const a = stridedSlice(x, [1, 0, 0], [2, 0, 0], [1, 1, -2], 0b100, 0b100, 0b010, 0, 0b001);
      expect(a.arraySync()).toEqual([
        [15, 13],
        [19, 17],
        [23, 21],
      ]);
      // x[newaxis, :1, -2:] → shape [1,1,2,4]
      const b = stridedSlice(x, [0, 0, -2], [0, 1, 0], [1, 1, 1], 0, 0b100, 0, 0b001);
      expect(b.shape).toEqual([1, 1, 2, 4]);
      expect(flat(b)).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
      // out-of-range begin/end clamp; an empty range gives an empty axis
      const c = stridedSlice(x, [-100, 5], [100, 0]);
      expect(c.shape).toEqual([2, 0, 4]);
      return [x, a, b, c];
    });
  });
});

describe('matMul broadcasts its batch axes NumPy-style', () => {
  it('values and gradients (summed over the broadcast batch axes) match float64', () => {
    const av = values(12, 4); // [3,1,2,2]
    const bv = values(12, 5); // [1,3,2,2]
    const wv = values(36, 6); // weights on the [3,3,2,2] output
    const f64 = (A: ArrayLike<number>, B: ArrayLike<number>): number => {
      let s = 0;
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 3; j++)
          for (let r = 0; r < 2; r++)
            for (let c = 0; c < 2; c++) {
              let dot = 0;
              for (let k = 0; k < 2; k++) dot += A[i * 4 + r * 2 + k]! * B[j * 4 + k * 2 + c]!;
              s += wv[((i * 3 + j) * 2 + r) * 2 + c]! * dot;
            }
      return s;
    };
    const before = memory().numTensors;
    const a = tensor(av, [3, 1, 2, 2]);
    const b = tensor(bv, [1, 3, 2, 2]);
    const w = tensor(wv, [3, 3, 2, 2]);
    const y = matMul(a, b);
    expect(y.shape).toEqual([3, 3, 2, 2]);
    const [ga, gb] = grads((p: Tensor, q: Tensor) => sum(matMul(p, q).mul(w)))([a, b]);
    const wantA = numericGrad((v) => f64(v, bv), Float64Array.from(av));
    const wantB = numericGrad((v) => f64(av, v), Float64Array.from(bv));
    expect(ga!.shape).toEqual([3, 1, 2, 2]);
    expect(gb!.shape).toEqual([1, 3, 2, 2]);
    flat(ga!).forEach((g, i) => expect(Math.abs(g - wantA[i]!), `da[${i}]`).toBeLessThan(1e-4));
    flat(gb!).forEach((g, i) => expect(Math.abs(g - wantB[i]!), `db[${i}]`).toBeLessThan(1e-4));
    for (const t of [a, b, w, y, ga!, gb!]) t.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('a rank-2 operand against a batch, and batch 1 against a longer batch, keep their shapes', () => {
    noLeak(() => {
      const a = zeros([2, 3]);
      const b = zeros([4, 1, 3, 5]);
      const c = zeros([1, 1, 2, 3]);
      const d = zeros([5, 3, 2]);
      return [a, b, c, d, matMul(a, b), matMul(c, d), matMul(b, d, true)].map((t, i) => {
        if (i === 4) expect(t.shape).toEqual([4, 1, 2, 5]);
        if (i === 5) expect(t.shape).toEqual([1, 5, 2, 2]);
        if (i === 6) expect(t.shape).toEqual([4, 5, 5, 2]);
        return t;
      });
    });
  });
});

describe('shape and movement ops refuse bad arguments clearly, allocating nothing', () => {
  it('tile, broadcastTo, reverse', () => {
    const x = tensor(values(6, 7), [2, 3]);
    const before = memory().numTensors;
    expect(() => tile(x, [2])).toThrow('tile: reps [2] must hold one non-negative integer per axis of x [2,3] (2 of them)');
    expect(() => tile(x, [1, -1])).toThrow(/tile: reps \[1,-1\] must hold one non-negative integer/);
    expect(() => tile(x, [1.5, 1])).toThrow(/tile: reps \[1.5,1\]/);
    expect(() => broadcastTo(x, [3, 3])).toThrow(
      "broadcastTo: x [2,3] cannot be broadcast to [3,3]; the target needs at least x's rank, and each axis of x must equal the target's",
    );
    expect(() => broadcastTo(x, [3])).toThrow(/broadcastTo: x \[2,3\] cannot be broadcast to \[3\]/);
    expect(() => broadcastTo(x, [1, 2, -3])).toThrow(/broadcastTo: shape \[1,2,-3\] has an invalid dimension -3/);
    expect(() => reverse(x, 2)).toThrow(/reverse: axis 2 is out of range for a tensor of rank 2; use an axis in \[-2, 1\]/);
    expect(() => reverse1d(x)).toThrow('reverse1d: x must have rank 1, got rank 2 (shape [2,3]); use reverse() for other ranks');
    expect(() => reverse3d(x, 0)).toThrow(/reverse3d: x must have rank 3/);
    expect(memory().numTensors).toBe(before);
    x.dispose();
  });

  it('stridedSlice and mirrorPad', () => {
    const x = tensor(values(6, 8), [2, 3]);
    const before = memory().numTensors;
    expect(() => stridedSlice(x, [0, 0], [1])).toThrow(/stridedSlice: begin \[0,0\], end \[1\] and strides undefined must be integer arrays of one length/);
    expect(() => stridedSlice(x, [0, 0], [1, 1], [1, 0])).toThrow('stridedSlice: strides[1] is 0; a step must be non-zero');
    expect(() => stridedSlice(x, [0, 0], [1, 1], [1, 1], 0, 0, 0b11)).toThrow(/stridedSlice: ellipsisMask 3 has more than one bit set/);
    expect(() => stridedSlice(x, [0, 0, 0], [1, 1, 1])).toThrow(/stridedSlice: the spec indexes more axes than x \[2,3\] has \(2\)/);
    expect(() => stridedSlice(x, [0, 3], [1, 4], [1, 1], 0, 0, 0, 0, 0b10)).toThrow(
      'stridedSlice: index 3 (shrinkAxisMask entry 1) is out of range for axis 1 of size 3 of x [2,3]',
    );
    expect(() => stridedSlice(x, [0], [1], [1], -1)).toThrow(/stridedSlice: beginMask must be a non-negative integer bit mask, got -1/);
    expect(() => mirrorPad(x, [[1, 1]], 'reflect')).toThrow(
      "mirrorPad: paddings [[1,1]] must hold one [before, after] pair per axis of x [2,3], each a non-negative integer at most the axis' size minus 1",
    );
    expect(() =>
      mirrorPad(
        x,
        [
          [2, 0],
          [0, 0],
        ],
        'reflect',
      ),
    ).toThrow(/mirrorPad: paddings \[\[2,0\],\[0,0\]\] must hold/);
    expect(() =>
      mirrorPad(
        x,
        [
          [0, 0],
          [0, 4],
        ],
        'symmetric',
      ),
    ).toThrow(/at most the axis' size$/);
    expect(() =>
      mirrorPad(
        x,
        [
          [0, 0],
          [0, 0],
        ],
        'edge' as 'reflect',
      ),
    ).toThrow(`mirrorPad: mode must be 'reflect' or 'symmetric', got "edge"`);
    const s = tensor(1);
    expect(() => mirrorPad(s, [], 'reflect')).toThrow('mirrorPad: x is a scalar; it has no axis to pad (reshape it to [1] first)');
    s.dispose();
    expect(memory().numTensors).toBe(before);
    x.dispose();
  });

  it('the rank-checked spellings and matMul batch shapes', () => {
    const x = tensor(values(6, 9), [2, 3]);
    const before = memory().numTensors;
    expect(() => slice1d(x, 0, 1)).toThrow('slice1d: x must have rank 1, got shape [2,3]; use slice() for other ranks');
    expect(() => slice3d(x, [0, 0, 0], [1, 1, 1])).toThrow(/slice3d: x must have rank 3, got shape \[2,3\]/);
    expect(() => concat1d([x])).toThrow('concat1d: tensors[0] must have rank 1, got shape [2,3]; use concat() for other ranks');
    const one = tensor([1]);
    expect(() => concat2d([x, one], 0)).toThrow(/concat2d: tensors\[1\] must have rank 2, got shape \[1\]/);
    one.dispose();
    expect(() => pad1d(x, [1, 1])).toThrow('pad1d: x must have rank 1, got shape [2,3]; use pad() for other ranks');
    expect(() =>
      pad4d(x, [
        [0, 0],
        [0, 0],
        [0, 0],
        [0, 0],
      ]),
    ).toThrow(/pad4d: x must have rank 4/);
    expect(memory().numTensors).toBe(before);
    x.dispose();
    const a = zeros([3, 2, 2, 2]);
    const b = zeros([2, 2, 2]);
    const c = zeros([4, 2, 2]);
    const n = memory().numTensors;
    expect(() => matMul(a, c)).toThrow(
      'matMul: batch dimensions [3,2] and [4] of a [3,2,2,2] and b [4,2,2] cannot be broadcast (2 vs 4); make each leading axis equal or 1 on one side',
    );
    expect(() => matMul(b, c)).toThrow(/matMul: batch dimensions \[2\] and \[4\] of a \[2,2,2\] and b \[4,2,2\] cannot be broadcast \(2 vs 4\)/);
    expect(memory().numTensors).toBe(n);
    for (const t of [a, b, c]) t.dispose();
  });
});

describe('space/batch/depth moves, diag, bandPart, meshgrid, linspace, broadcastArgs, ensureShape', () => {
  it("reproduce TensorFlow's documented examples (and as Tensor methods)", () => {
    noLeak(() => {
      const x = tensor(
        Array.from({ length: 16 }, (_, i) => i + 1),
        [1, 4, 4, 1],
      );
      const s2b = x.spaceToBatchND(
        [2, 2],
        [
          [0, 0],
          [0, 0],
        ],
      );
      expect(s2b.shape).toEqual([4, 2, 2, 1]);
      expect(flat(s2b)).toEqual([1, 3, 9, 11, 2, 4, 10, 12, 5, 7, 13, 15, 6, 8, 14, 16]);
      const back = s2b.batchToSpaceND(
        [2, 2],
        [
          [0, 0],
          [0, 0],
        ],
      );
      expect(flat(back)).toEqual(flat(x));
      const y = tensor(
        Array.from({ length: 12 }, (_, i) => i + 1),
        [4, 1, 1, 3],
      );
      const b2s = y.batchToSpaceND(
        [2, 2],
        [
          [0, 0],
          [0, 0],
        ],
      );
      expect(b2s.arraySync()).toEqual([
        [
          [
            [1, 2, 3],
            [4, 5, 6],
          ],
          [
            [7, 8, 9],
            [10, 11, 12],
          ],
        ],
      ]);
      const d = tensor(
        Array.from({ length: 16 }, (_, i) => i + 1),
        [1, 2, 2, 4],
      );
      const d2s = d.depthToSpace(2);
      expect(d2s.shape).toEqual([1, 4, 4, 1]);
      expect(flat(d2s)).toEqual([1, 2, 5, 6, 3, 4, 7, 8, 9, 10, 13, 14, 11, 12, 15, 16]);
      const dv = tensor([1, 2, 3]);
      const dg = diag(dv);
      expect(dg.arraySync()).toEqual([
        [1, 0, 0],
        [0, 2, 0],
        [0, 0, 3],
      ]);
      const m = tensor([
        [0, 1, 2, 3],
        [-1, 0, 1, 2],
        [-2, -1, 0, 1],
        [-3, -2, -1, 0],
      ]);
      const band = linalg.bandPart(m, 1, -1);
      expect(band.arraySync()).toEqual([
        [0, 1, 2, 3],
        [-1, 0, 1, 2],
        [0, -1, 0, 1],
        [0, 0, -1, 0],
      ]);
      const k = tensor(2, undefined, 'int32');
      const band2 = linalg.bandPart(m, k, 0);
      expect(band2.arraySync()).toEqual([
        [0, 0, 0, 0],
        [-1, 0, 0, 0],
        [-2, -1, 0, 0],
        [0, -2, -1, 0],
      ]);
      const [X, Y] = meshgrid([1, 2, 3], [4, 5]);
      expect([X!.arraySync(), Y!.arraySync()]).toEqual([
        [
          [1, 2, 3],
          [1, 2, 3],
        ],
        [
          [4, 4, 4],
          [5, 5, 5],
        ],
      ]);
      expect(meshgrid()).toEqual([]);
      const ls = linspace(0, 1, 5);
      expect(flat(ls)).toEqual([0, 0.25, 0.5, 0.75, 1]);
      const s0 = tensor([2, 1, 4], undefined, 'int32');
      const s1 = tensor([3, 1], undefined, 'int32');
      const ba = broadcastArgs(s0, s1);
      expect([ba.dtype, flat(ba)]).toEqual(['int32', [2, 3, 4]]);
      expect(ensureShape(x, [null, 4, null, 1])).toBe(x);
      return [x, s2b, back, y, b2s, d, d2s, dv, dg, m, band, k, band2, X!, Y!, ls, s0, s1, ba];
    });
  });

  it('refuse bad arguments clearly, allocating nothing', () => {
    const x = tensor(values(16, 10), [1, 4, 4, 1]);
    const v = tensor([1, 2]);
    const i = tensor([2, 3], undefined, 'int32');
    const j = tensor([4], undefined, 'int32');
    const before = memory().numTensors;
    const none: [number, number][] = [
      [0, 0],
      [0, 0],
    ];
    expect(() => spaceToBatchND(x, [3, 2], none)).toThrow(
      'spaceToBatchND: spatial axis 1 of x [1,4,4,1] padded by [0,0] has size 4, not divisible by its block 3; change the paddings so it is',
    );
    expect(() => spaceToBatchND(x, [0, 2], none)).toThrow(/spaceToBatchND: blockShape \[0,2\] must be a non-empty list of positive integers/);
    expect(() => spaceToBatchND(x, [2, 2], [[0, 0]])).toThrow(
      /spaceToBatchND: paddings \[\[0,0\]\] must hold one \[start, end\] pair of non-negative integers per block axis \(2\)/,
    );
    expect(() => spaceToBatchND(v, [2, 2], none)).toThrow(/spaceToBatchND: x \[2\] has rank 1; blockShape \[2,2\] needs rank ≥ 3/);
    expect(() => batchToSpaceND(x, [2, 2], none)).toThrow("batchToSpaceND: the batch 1 of x [1,4,4,1] is not divisible by the block's size 4 (2·2)");
    expect(() =>
      batchToSpaceND(
        x,
        [1, 1],
        [
          [3, 2],
          [0, 0],
        ],
      ),
    ).toThrow(/batchToSpaceND: crops \[3,2\] on spatial axis 1 remove more than its size 4/);
    expect(() => depthToSpace(x, 2)).toThrow('depthToSpace: the 1 channels of x [1,4,4,1] are not divisible by blockSize² = 4');
    expect(() => depthToSpace(x, 1)).toThrow(/depthToSpace: blockSize must be an integer ≥ 2, got 1/);
    expect(() => depthToSpace(v, 2)).toThrow(/depthToSpace: x must have rank 4 \(NHWC\), got shape \[2\]/);
    expect(() => depthToSpace(x, 2, 'NWHC' as 'NHWC')).toThrow(/depthToSpace: dataFormat must be 'NHWC' or 'NCHW', got "NWHC"/);
    expect(() => diag(x)).toThrow('diag: x must have rank 1 to 3 (the result has twice its rank, at most 6), got shape [1,4,4,1]');
    expect(() => linalg.bandPart(v, 0, 0)).toThrow(/bandPart: a must have rank ≥ 2 \(matrices on its last two axes\), got shape \[2\]/);
    expect(() => linalg.bandPart(x, 5, 0)).toThrow('bandPart: numLower must be an integer at most the number of rows (4), or negative for all of them; got 5');
    expect(() => linalg.bandPart(x, 0, 1.5)).toThrow(/bandPart: numUpper must be an integer at most the number of columns \(1\)/);
    expect(() => linalg.bandPart(x, v, 0)).toThrow(/bandPart: numLower must be a number or an int32 scalar, got a float32 \[2\]/);
    expect(() => meshgrid(v, v, { indexing: 'yx' as 'xy' })).toThrow(`meshgrid: indexing must be 'xy' or 'ij', got "yx"`);
    expect(() => linspace(0, 1, 0)).toThrow('linspace: num must be a positive integer, got 0');
    expect(() => linspace(Number.NaN, 1, 3)).toThrow(/linspace: start and stop must be numbers/);
    expect(() => broadcastArgs(i, j)).toThrow(/broadcastArgs: shapes \[2,3\] and \[4\] cannot be broadcast: dimension 1 is 3 vs 4/);
    expect(() => broadcastArgs(v, j)).toThrow('broadcastArgs: s0 must be an int32 vector (a shape), got a float32 [2]');
    expect(() => ensureShape(x, [1, 4, 5, 1])).toThrow(
      'ensureShape: x has shape [1,4,4,1], not [1,4,5,1] (null matches any size); reshape x or fix the expected shape',
    );
    expect(() => ensureShape(x, [null, 4])).toThrow(/ensureShape: x has shape \[1,4,4,1\], not \[null,4\]/);
    expect(memory().numTensors).toBe(before);
    for (const t of [x, v, i, j]) t.dispose();
  });
});

describe('einsum', () => {
  it('contracts attention and bilinear forms like matMul, transposes and sums, and leaves nothing behind', () => {
    noLeak(() => {
      const q = tensor(values(12, 11), [1, 2, 3, 2]);
      const k = tensor(values(8, 12), [1, 2, 2, 2]);
      const scores = einsum('bhqd,bhkd->bhqk', q, k);
      const viaMatMul = matMul(q, k, false, true);
      expect(scores.shape).toEqual([1, 2, 3, 2]);
      expect(flat(scores)).toEqual(flat(viaMatMul));
      const m = tensor([
        [1, 2],
        [3, 4],
      ]);
      const t = einsum('ij->ji', m);
      expect(t.arraySync()).toEqual([
        [1, 3],
        [2, 4],
      ]);
      const a = tensor([1, 2, 3]);
      const b = tensor([4, 5, 6]);
      const dot = einsum('i,i->', a, b);
      expect([dot.shape, dot.dataSync()[0]]).toEqual([[], 32]);
      return [q, k, scores, viaMatMul, m, t, a, b, dot];
    });
  });

  it('refuses equations it does not support, and bad operands, naming the equation', () => {
    const m = tensor(values(6, 13), [2, 3]);
    const v = tensor([1, 2]);
    const i = tensor([1, 2], undefined, 'int32');
    const before = memory().numTensors;
    expect(() => einsum('ij', m)).toThrow(/einsum: 'ij' is not of the form 'terms->output'; einsum supports explicit equations/);
    expect(() => einsum('...ij->...ji', m)).toThrow(/einsum: '...ij->...ji' is not of the form 'terms->output'.*no '...'/);
    expect(() => einsum('ii->i', m)).toThrow(/einsum: 'ii->i' repeats a letter in term 0 \('ii'\).*no diagonals/);
    expect(() => einsum('ij,j->i', m)).toThrow("einsum: 'ij,j->i' has 2 input term(s) but 1 tensor(s) were given");
    expect(() => einsum('ijk->i', m)).toThrow(/einsum: 'ijk->i' gives term 0 \('ijk'\) 3 letters, but tensors\[0\] has rank 2 \(\[2,3\]\)/);
    expect(() => einsum('ij,j->i', m, v)).toThrow("einsum: 'ij,j->i': letter 'j' has size 3 in one term but 2 on axis 0 of tensors[1] [2]; they must match");
    expect(() => einsum('ij->k', m)).toThrow(/einsum: 'ij->k' has output letter 'k' in no input term/);
    expect(() => einsum('ij->ii', m)).toThrow(/einsum: 'ij->ii' repeats a letter in the output/);
    expect(() => einsum('i->i', i)).toThrow(/einsum: 'tensors\[0\]' has dtype int32 but einsum accepts float32/);
    expect(memory().numTensors).toBe(before);
    for (const t of [m, v, i]) t.dispose();
  });
});
