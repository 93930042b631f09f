import { describe, expect, it } from 'vitest';
import {
  add,
  argMax,
  cast,
  concat,
  conv2d,
  gather,
  matMul,
  maxPool,
  oneHot,
  pad,
  reshape,
  scalar,
  slice,
  softmax,
  sum,
  tensor,
  tidy,
  transpose,
  where,
  zeros,
  mean,
  stack,
  squeeze,
  expandDims,
  fusedMatMul,
  leakyRelu,
  memory,
} from './helpers.js';

const vals = (t: { dataSync(): ArrayLike<number> }): number[] => Array.from(t.dataSync());

describe('ops: values', () => {
  it('broadcasts like NumPy', () => {
    tidy(() => {
      const a = tensor([[1], [2], [3]]);
      const b = tensor([10, 20]);
      const c = add(a, b);
      expect(c.shape).toEqual([3, 2]);
      expect(vals(c)).toEqual([11, 21, 12, 22, 13, 23]);
    });
  });

  it('keeps dtype for int32 arithmetic and literals follow the tensor dtype', () => {
    tidy(() => {
      const a = tensor([1, 2, 3], undefined, 'int32');
      const b = a.mul(2);
      expect(b.dtype).toBe('int32');
      expect(vals(b)).toEqual([2, 4, 6]);
    });
  });

  it('reduces with keepDims and negative axes', () => {
    tidy(() => {
      const x = tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      expect(vals(sum(x))).toEqual([21]);
      expect(sum(x, -1, true).shape).toEqual([2, 1]);
      expect(vals(mean(x, 0))).toEqual([2.5, 3.5, 4.5]);
      expect(vals(argMax(x, 1))).toEqual([2, 2]);
    });
  });

  it('moves data: transpose, slice, pad, concat, stack, gather, oneHot, squeeze', () => {
    tidy(() => {
      const x = tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      expect(vals(transpose(x))).toEqual([1, 4, 2, 5, 3, 6]);
      expect(vals(slice(x, [0, 1], [2, 2]))).toEqual([2, 3, 5, 6]);
      expect(vals(pad(tensor([1, 2]), [[1, 2]], 9))).toEqual([9, 1, 2, 9, 9]);
      expect(vals(concat([x, x], 1))).toEqual([1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6]);
      expect(stack([x, x]).shape).toEqual([2, 2, 3]);
      expect(vals(gather(x, tensor([1, 1, 0], undefined, 'int32'), 0))).toEqual([4, 5, 6, 4, 5, 6, 1, 2, 3]);
      expect(vals(oneHot(tensor([0, 2], undefined, 'int32'), 3))).toEqual([1, 0, 0, 0, 0, 1]);
      expect(squeeze(expandDims(x, 1)).shape).toEqual([2, 3]);
    });
  });

  it('computes matMul, fusedMatMul, conv2d, pools and softmax', () => {
    tidy(() => {
      const a = tensor([
        [1, 2],
        [3, 4],
      ]);
      expect(vals(matMul(a, a))).toEqual([7, 10, 15, 22]);
      expect(vals(matMul(a, a, true, false))).toEqual([10, 14, 14, 20]);
      expect(vals(fusedMatMul({ a, b: a, bias: tensor([-8, 0]), activation: 'relu' }))).toEqual([0, 10, 7, 22]);
      const img = reshape(tensor([1, 2, 3, 4, 5, 6, 7, 8, 9]), [1, 3, 3, 1]);
      const ones = reshape(tensor([1, 1, 1, 1]), [2, 2, 1, 1]);
      expect(vals(conv2d(img, ones, 1, 'valid'))).toEqual([12, 16, 24, 28]);
      expect(conv2d(img, ones, 1, 'same').shape).toEqual([1, 3, 3, 1]);
      expect(vals(maxPool(img, 2, 1))).toEqual([5, 6, 8, 9]);
      const s = softmax(tensor([[0, Math.log(3)]]));
      expect(vals(s)[0]).toBeCloseTo(0.25, 6);
      expect(vals(leakyRelu(tensor([-1, 2]), 0.1))).toEqual([Math.fround(-0.1), 2]);
    });
  });

  it('where selects and casts convert', () => {
    tidy(() => {
      const c = tensor([true, false, true]);
      expect(vals(where(c, tensor([1, 2, 3]), 0))).toEqual([1, 0, 3]);
      expect(vals(cast(tensor([1.7, -1.7, 0]), 'int32'))).toEqual([1, -1, 0]);
      expect(vals(cast(tensor([0.5, 0, NaN]), 'bool'))).toEqual([1, 0, 1]);
    });
  });

  it('returns nested arrays', async () => {
    const t = tensor([[true, false]]);
    expect(await t.array()).toEqual([[true, false]]);
    t.dispose();
    const s = scalar(3);
    expect(s.arraySync()).toBe(3);
    s.dispose();
  });
});

describe('ops: bad input names the op, the shapes and the fix', () => {
  it('shape mismatches', () => {
    tidy(() => {
      expect(() => add(zeros([2, 3]), zeros([4]))).toThrow(/add: shapes \[2,3\] and \[4\] cannot be broadcast: dimension 1 is 3 vs 4; make them equal or 1/);
      expect(() => matMul(zeros([64, 784]), zeros([64, 10]))).toThrow(
        'matMul: inner dimensions differ: a is [64,784], b is [64,10]: 784 vs 64; transpose one operand or fix the shapes',
      );
      expect(() => reshape(zeros([2, 3]), [4, 2])).toThrow(/reshape: cannot reshape \[2,3\] \(6 elements\) to \[4,2\] \(8 elements\)/);
      expect(() => conv2d(zeros([1, 4, 4, 3]), zeros([3, 3, 2, 8]))).toThrow(/conv2d: input has 3 channels but the filter expects 2/);
      expect(() => conv2d(zeros([4, 3]), zeros([3, 3, 3, 8]))).toThrow(/conv2d: input must be rank 4 \[batch, height, width, channels\], got shape \[4,3\]/);
      expect(() => slice(zeros([2, 2]), [1, 0], [2, 2])).toThrow(/slice: begin \[1,0\] with size \[2,2\] is out of bounds on axis 0/);
      expect(() => concat([zeros([2, 2]), zeros([3, 3])], 0)).toThrow(/concat: xs\[1\] has shape \[3,3\], incompatible with xs\[0\] \[2,2\]/);
      expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/tensor: shape \[2,2\] needs 4 values but 3 were given/);
      expect(() => tensor([[1, 2], [3]])).toThrow(/ragged nested array/);
      expect(() => transpose(zeros([2, 3]), [0, 0])).toThrow(/transpose: perm \[0,0\] is not a permutation/);
      expect(() => sum(zeros([2, 3]), 2)).toThrow(/sum: axis 2 is out of range for a tensor of rank 2/);
    });
  });

  it('wrong dtypes', () => {
    tidy(() => {
      const i = tensor([1, 2], undefined, 'int32');
      const f = tensor([1, 2]);
      expect(() => add(i, f)).toThrow("add: dtypes differ: a is int32, b is float32; cast one of them with cast(x, 'int32')");
      expect(() => i.exp()).toThrow("exp: 'x' has dtype int32 but exp accepts float32; convert it with cast(x, 'float32')");
      expect(() => matMul(tensor([[1]], undefined, 'int32'), tensor([[1]]))).toThrow(/matMul: 'a' has dtype int32 but matMul accepts float32/);
      expect(() => gather(f, f)).toThrow(/gather: 'indices' has dtype float32 but gather accepts int32/);
      expect(() => where(f, f, f)).toThrow(/where: 'condition' has dtype float32 but where accepts bool/);
      expect(() => tensor([1], [1], 'float64' as 'float32')).toThrow(/unknown dtype 'float64'/);
    });
  });

  it('frees the tensors made from literals when a later argument or check fails', () => {
    const intFilter = tensor([[[[1]]]], undefined, 'int32');
    const before = memory().numTensors;
    expect(() => conv2d([[[[1]]]], null as unknown as number)).toThrow("conv2d: argument 'filter' is null; pass a Tensor, number or array");
    expect(() => conv2d([[[[1]]]], intFilter)).toThrow(/conv2d: 'filter' has dtype int32 but conv2d accepts float32/);
    expect(() => add([1, 2], [1, 2, 3])).toThrow(/add/);
    expect(() => softmax(3)).toThrow('softmax: logits must have rank ≥ 1 (classes on the last axis), got a scalar');
    expect(memory().numTensors).toBe(before);
    intFilter.dispose();
  });

  it('out-of-range indices', () => {
    tidy(() => {
      expect(() => gather(zeros([3, 2]), tensor([0, 3], undefined, 'int32'))).toThrow(/gather: index 3 at position 1 is out of range \[0, 3\)/);
      expect(() => argMax(zeros([0, 2]), 0)).toThrow(/argMax: axis 0 of \[0,2\] is empty/);
    });
  });
});
