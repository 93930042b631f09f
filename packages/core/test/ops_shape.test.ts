// Shape and movement ops (tile, broadcastTo, reverse, stridedSlice, mirrorPad,
// the rank-checked slice/concat/pad spellings, matMul's batch broadcasting):
// values of the Tensor methods and aliases, gradients of broadcast matMul
// against float64 finite differences, and the errors bad arguments get,
// allocating nothing. Forward values and gradients on every backend are in
// the conformance suite (packages/conformance/src/ops/shape.ts).
import { describe, expect, it } from 'vitest';
import {
  broadcastTo,
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
