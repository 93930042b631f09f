// Indexing and selection ops: values on small cases written out here, and the
// errors bad arguments get (each naming the op and the offending shape or
// value), with no tensor left behind. Conformance (packages/conformance,
// src/ops/indexing.ts) checks them against float64 on every backend.
import { describe, expect, it } from 'vitest';
import {
  bincount,
  booleanMaskAsync,
  denseBincount,
  gatherND,
  grad,
  inTopKAsync,
  logicalXor,
  lowerBound,
  memory,
  numericGrad,
  scatterND,
  searchSorted,
  setdiff1dAsync,
  sparseToDense,
  type Tensor,
  tensor,
  tensorScatterUpdate,
  topk,
  unique,
  unsortedSegmentMax,
  unsortedSegmentSum,
  upperBound,
  where,
  whereAsync,
} from './helpers.js';

const values = (t: Tensor): number[] => Array.from(t.dataSync());
/** Run `f`, dispose what it returns, and check no tensor outlives it. */
function noLeak(f: () => Tensor | Tensor[]): void {
  const before = memory().numTensors;
  const out = f();
  for (const t of Array.isArray(out) ? out : [out]) t.dispose();
  expect(memory().numTensors).toBe(before);
}
/** `f` throws a message matching every pattern and leaves no tensor behind; `args` are made before and disposed after. */
function throwsClean<A extends Tensor[]>(args: () => [...A], f: (...xs: A) => unknown, ...patterns: RegExp[]): void {
  const xs = args();
  const before = memory().numTensors;
  let message = '(did not throw)';
  try {
    f(...xs);
  } catch (e) {
    message = (e as Error).message;
  }
  for (const p of patterns) expect(message).toMatch(p);
  expect(memory().numTensors).toBe(before);
  for (const x of xs) x.dispose();
}
const int = (v: number | number[] | number[][]): Tensor => tensor(v, undefined, 'int32');
const x32 = (): Tensor => tensor([1, 2, 3, 4, 5, 6], [3, 2]);

describe('gatherND, scatterND, tensorScatterUpdate', () => {
  it('gather slices by index tuples, scatter them back, and replace them', () => {
    noLeak(() => {
      const x = tensor([1, 2, 3, 4, 5, 6], [3, 2]);
      const rows = gatherND(x, [[2], [0]]);
      expect(rows.shape).toEqual([2, 2]);
      expect(values(rows)).toEqual([5, 6, 1, 2]);
      const one = gatherND(x, [1, 1]);
      expect(one.shape).toEqual([]);
      expect(values(one)).toEqual([4]);
      const s = scatterND([[1], [3], [1]], [10, 20, 5], [4]);
      expect(values(s)).toEqual([0, 15, 0, 20]);
      const u = tensorScatterUpdate(
        x,
        [
          [0, 1],
          [2, 0],
          [0, 1],
        ],
        [-1, -2, -3],
      );
      expect(values(u)).toEqual([1, -3, 3, 4, -2, 6]);
      return [x, rows, one, s, u];
    });
  });

  it('reject out-of-range tuples, naming the op, the tuple and the valid range', () => {
    throwsClean(
      () => [
        x32(),
        int([
          [0, 1],
          [3, 0],
        ]),
      ],
      (x, i) => gatherND(x, i),
      /gatherND/,
      /index \[3,0\]/,
      /\[0, 3\)/,
    );
    throwsClean(
      () => [x32()],
      (x) => gatherND(x, [[0, -1]]),
      /gatherND/,
      /component 1 is -1/,
      /\[0, 2\)/,
    );
    throwsClean(
      () => [tensor([[1, 2]])],
      (u) => scatterND([[4]], u, [4, 2]),
      /scatterND/,
      /index \[4\]/,
      /\[0, 4\)/,
    );
    throwsClean(
      () => [x32(), tensor([[1, 2]])],
      (x, u) => tensorScatterUpdate(x, [[5]], u),
      /tensorScatterUpdate/,
      /index \[5\]/,
      /\[0, 3\)/,
    );
  });

  it('reject bad shapes and dtypes with the fix', () => {
    throwsClean(
      () => [x32()],
      (x) => gatherND(x, [[0, 1, 0]]),
      /gatherND/,
      /length 3/,
      /at most 2/,
    );
    throwsClean(
      () => [x32(), tensor([[0.5, 1]])],
      (x, i) => gatherND(x, i),
      /gatherND/,
      /'indices' has dtype float32/,
      /cast/,
    );
    throwsClean(
      () => [tensor(3)],
      (x) => gatherND(x, [0]),
      /gatherND/,
      /x is a scalar/,
    );
    throwsClean(
      () => [x32()],
      (x) => gatherND(x, 0),
      /gatherND/,
      /indices is a scalar/,
    );
    throwsClean(
      () => [tensor([1, 2, 3])],
      (u) => scatterND([[1], [2]], u, [4]),
      /scatterND/,
      /updates have shape \[3\]/,
      /need updates of shape \[2\]/,
    );
    throwsClean(
      () => [tensor([[true]])],
      (u) => scatterND([[1]], u, [4, 1]),
      /scatterND/,
      /'updates' has dtype bool/,
    );
    throwsClean(
      () => [tensor([1])],
      (u) => scatterND([[1]], u, []),
      /scatterND/,
      /scalar/,
    );
    throwsClean(
      () => [tensor([1])],
      (u) => scatterND([[1, 0, 0]], u, [4, 2]),
      /scatterND/,
      /length 3/,
    );
    throwsClean(
      () => [x32(), int([[1, 2]])],
      (x, u) => tensorScatterUpdate(x, [[1]], u),
      /tensorScatterUpdate/,
      /int32/,
      /cast/,
    );
    throwsClean(
      () => [x32(), tensor([[1, 2, 3]])],
      (x, u) => tensorScatterUpdate(x, [[1]], u),
      /tensorScatterUpdate/,
      /\[1,3\]/,
      /\[1,2\]/,
    );
  });
});

describe('unsortedSegmentSum, unsortedSegmentMax', () => {
  it('sum and max rows by segment: empty segments 0 and the lowest value, negative ids dropped', () => {
    noLeak(() => {
      const x = tensor([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
      const s = unsortedSegmentSum(x, [2, 0, 2, -1], 3);
      expect(values(s)).toEqual([3, 4, 0, 0, 6, 8]);
      const m = x.unsortedSegmentMax([2, 0, 2, -1], 3);
      expect(values(m)).toEqual([3, 4, -3.4028234663852886e38, -3.4028234663852886e38, 5, 6]);
      const xi = tensor([3, -5], undefined, 'int32');
      const mi = unsortedSegmentMax(xi, [1, 1], 2);
      expect(values(mi)).toEqual([-2147483648, 3]);
      const all = x.unsortedSegmentSum([0, 0, 0, 0], 1);
      expect(values(all)).toEqual([16, 20]);
      return [x, s, m, xi, mi, all];
    });
  });

  it('gradients match float64 finite differences: every row to its segment, dropped rows none', () => {
    const x0 = [0.3, -1.2, 0.8, 1.7, -0.4, 0.9, 2.1, -0.6];
    const ids = [1, 0, 1, -1];
    const f32 = (x: Tensor): Tensor =>
      unsortedSegmentSum(x, ids, 2)
        .square()
        .sum()
        .add(
          unsortedSegmentMax(x, ids, 2)
            .mul(tensor([1.5, -2, 0.5, 3], [2, 2]))
            .sum(),
        );
    const f64 = (v: Float64Array): number => {
      let out = 0;
      for (let seg = 0; seg < 2; seg++) {
        for (let c = 0; c < 2; c++) {
          const members = ids.flatMap((id, r) => (id === seg ? [v[r * 2 + c]!] : []));
          out += members.reduce((a, b) => a + b, 0) ** 2 + [1.5, -2, 0.5, 3][seg * 2 + c]! * Math.max(...members);
        }
      }
      return out;
    };
    const x = tensor(x0, [4, 2]);
    const g = grad(f32)(x);
    const want = numericGrad(f64, Float64Array.from(x0.map(Math.fround)));
    Array.from(g.dataSync()).forEach((v, i) => expect(Math.abs(v - want[i]!), `d/dx[${i}]`).toBeLessThan(1e-4));
    expect(values(g).slice(6)).toEqual([0, 0]);
    x.dispose();
    g.dispose();
  });

  it('reject ids out of range, ids that do not match x, bad numSegments and dtypes', () => {
    for (const op of [unsortedSegmentSum, unsortedSegmentMax]) {
      const name = op.name;
      throwsClean(
        () => [x32()],
        (x) => op(x, [0, 3, 1], 3),
        new RegExp(name),
        /segment id 3 at position 1/,
        /\[0, 3\)/,
      );
      throwsClean(
        () => [x32()],
        (x) => op(x, [0, 1], 3),
        new RegExp(name),
        /segmentIds \[2\]/,
        /x is \[3,2\]/,
      );
      throwsClean(
        () => [x32()],
        (x) => op(x, [0, 1, 0], 1.5),
        new RegExp(name),
        /numSegments must be a non-negative integer, got 1.5/,
      );
      throwsClean(
        () => [x32(), tensor([0, 1, 0])],
        (x, i) => op(x, i, 2),
        new RegExp(name),
        /'segmentIds' has dtype float32/,
      );
      throwsClean(
        () => [tensor([true, false])],
        (x) => op(x, [0, 1], 2),
        new RegExp(name),
        /'x' has dtype bool/,
      );
    }
  });
});

describe('topk, unique, where with broadcasting', () => {
  it('topk: largest first, ties by lower index, NaN first; gradient to the picked entries', () => {
    noLeak(() => {
      const x = tensor([2, 7, Number.NaN, 7, -1, 0, 3, 3, 3, -5], [2, 5]);
      const { values: v, indices: i } = topk(x, 3);
      expect(values(v)).toEqual([Number.NaN, 7, 7, 3, 3, 3]);
      expect(values(i)).toEqual([2, 1, 3, 1, 2, 3]);
      expect(i.dtype).toBe('int32');
      const w = tensor([1, 2, 3, 4], [2, 2]);
      const y = tensor([0.5, -1, 3, 4, 2, 6], [2, 3]);
      const g = grad((t: Tensor) => t.topk(2).values.mul(w).sum())(y);
      expect(values(g)).toEqual([2, 0, 1, 4, 0, 3]);
      const e = tensor([], [2, 0]);
      const none = topk(e, 0);
      expect(none.values.shape).toEqual([2, 0]);
      expect(none.indices.shape).toEqual([2, 0]);
      return [x, v, i, w, y, g, e, none.values, none.indices];
    });
  });

  it('unique: first appearances, NaN equal to NaN and −0 to 0, along any axis', () => {
    noLeak(() => {
      const x = tensor([-0, 3, Number.NaN, 0, 3, Number.NaN]);
      const { values: v, indices: i } = x.unique();
      expect(values(v)).toEqual([-0, 3, Number.NaN]);
      expect(Object.is(values(v)[0], -0)).toBe(true);
      expect(values(i)).toEqual([0, 1, 2, 0, 1, 2]);
      const m = tensor([1, 2, 1, 3, 4, 3], [2, 3]);
      const cols = unique(m, -1);
      expect(cols.values.shape).toEqual([2, 2]);
      expect(values(cols.values)).toEqual([1, 2, 3, 4]);
      expect(values(cols.indices)).toEqual([0, 1, 0]);
      return [x, v, i, m, cols.values, cols.indices];
    });
  });

  it('where broadcasts condition, a and b together', () => {
    noLeak(() => {
      const c = tensor([[true], [false]]);
      const a = tensor([1, 2, 3]);
      const w = where(c, a, -1);
      expect(w.shape).toEqual([2, 3]);
      expect(values(w)).toEqual([1, 2, 3, -1, -1, -1]);
      return [c, a, w];
    });
  });

  it('reject a bad k, a scalar x, a bad axis and unsupported dtypes', () => {
    throwsClean(
      () => [x32()],
      (x) => topk(x, 3),
      /topk/,
      /k must be an integer in \[0, 2\]/,
      /\[3,2\]/,
      /got 3/,
    );
    throwsClean(
      () => [x32()],
      (x) => topk(x, -1),
      /topk/,
      /got -1/,
    );
    throwsClean(
      () => [tensor(2)],
      (x) => topk(x),
      /topk/,
      /scalar/,
    );
    throwsClean(
      () => [tensor([true, false])],
      (x) => topk(x),
      /topk/,
      /'x' has dtype bool/,
    );
    throwsClean(
      () => [tensor(2)],
      (x) => unique(x),
      /unique/,
      /scalar/,
    );
    throwsClean(
      () => [x32()],
      (x) => unique(x, 2),
      /unique/,
      /axis 2/,
    );
  });
});

describe('searchSorted, bincount, sparseToDense, logicalXor', () => {
  it('compute insertion indices, counts, dense tensors and xor', () => {
    noLeak(() => {
      const seq = tensor([0, 3, 9, 10, 10]);
      const v = tensor([0, 4, 10, 11]);
      const l = searchSorted(seq, v);
      const r = upperBound(seq, v);
      const lb = lowerBound(seq, v);
      expect(l.dtype).toBe('int32');
      expect(values(l)).toEqual([0, 2, 3, 5]);
      expect(values(lb)).toEqual([0, 2, 3, 5]);
      expect(values(r)).toEqual([1, 2, 5, 5]);
      const x = tensor([1, 1, 3, 7], undefined, 'int32');
      const c = bincount(x, [], 4);
      expect(values(c)).toEqual([0, 2, 0, 1]);
      const dm = tensor([0, 2, 2, 2], [2, 2], 'int32');
      const d = denseBincount(dm, [0.5, 1, 2, 4], 3);
      expect(values(d)).toEqual([0.5, 0, 1, 0, 0, 6]);
      const b = denseBincount(dm, [], 3, true);
      expect(values(b)).toEqual([1, 0, 1, 0, 0, 1]);
      const s = sparseToDense(
        [
          [0, 1],
          [1, 0],
        ],
        [5, 6],
        [2, 2],
        -1,
      );
      expect(values(s)).toEqual([-1, 5, 6, -1]);
      const a = tensor([true, true, false, false]);
      const xo = a.logicalXor([true, false, true, false]);
      expect(values(xo)).toEqual([0, 1, 1, 0]);
      const xb = logicalXor(a, true);
      expect(values(xb)).toEqual([0, 0, 1, 1]);
      return [seq, v, l, r, lb, x, c, dm, d, b, s, a, xo, xb];
    });
  });

  it('reject mismatched rows, negative counts, out-of-range indices, bad shapes and dtypes', () => {
    throwsClean(
      () => [
        tensor([
          [1, 2],
          [3, 4],
        ]),
        tensor([1, 2, 3]),
      ],
      (s, v) => searchSorted(s, v),
      /searchSorted/,
      /2 rows/,
      /\[3\] have 1/,
    );
    throwsClean(
      () => [tensor([1, 2]), tensor([1], undefined, 'int32')],
      (s, v) => searchSorted(s, v),
      /searchSorted/,
      /values are int32/,
      /cast/,
    );
    throwsClean(
      () => [tensor(1), tensor([1])],
      (s, v) => lowerBound(s, v),
      /searchSorted/,
      /rank ≥ 1/,
    );
    throwsClean(
      () => [tensor([1, 2]), tensor([1])],
      (s, v) => searchSorted(s, v, 'middle' as 'left'),
      /searchSorted/,
      /side must be 'left' or 'right', got "middle"/,
    );
    throwsClean(
      () => [tensor([1, -2, 0], undefined, 'int32')],
      (x) => bincount(x, [], 3),
      /bincount/,
      /-2 at position 1/,
      /non-negative/,
    );
    throwsClean(
      () => [tensor([1, 2, 0], undefined, 'int32'), tensor([1, 2])],
      (x, w) => bincount(x, w, 3),
      /bincount/,
      /weights \[2\]/,
      /\[3\]/,
    );
    throwsClean(
      () => [tensor([1, 2])],
      (x) => bincount(x, [], 3),
      /bincount/,
      /'x' has dtype float32/,
    );
    throwsClean(
      () => [tensor([[1, 2]], undefined, 'int32')],
      (x) => bincount(x, [], 3),
      /bincount/,
      /rank 1, got rank 2/,
    );
    throwsClean(
      () => [tensor([1, 2], undefined, 'int32')],
      (x) => bincount(x, [], -1),
      /bincount/,
      /size must be a non-negative integer, got -1/,
    );
    throwsClean(
      () => [tensor([[[1]]], undefined, 'int32')],
      (x) => denseBincount(x, [], 3),
      /denseBincount/,
      /rank 1 or 2, got rank 3/,
    );
    throwsClean(
      () => [tensor([5, 6])],
      (v) =>
        sparseToDense(
          [
            [0, 1],
            [2, 0],
          ],
          v,
          [2, 2],
        ),
      /sparseToDense/,
      /index \[2,0\]/,
      /\[0, 2\)/,
    );
    throwsClean(
      () => [tensor([5, 6])],
      (v) =>
        sparseToDense(
          [
            [0, 1],
            [1, 0],
          ],
          v,
          [4],
        ),
      /sparseToDense/,
      /length 2/,
      /rank 1/,
    );
    throwsClean(
      () => [tensor([5, 6, 7])],
      (v) => sparseToDense([0, 1], v, [4]),
      /sparseToDense/,
      /sparseValues \[3\]/,
      /\[2\]/,
    );
    throwsClean(
      () => [tensor([5, 6]), tensor(0, undefined, 'int32')],
      (v, d) => sparseToDense([0, 1], v, [4], d),
      /sparseToDense/,
      /defaultValue/,
      /float32/,
    );
    throwsClean(
      () => [tensor([1, 0])],
      (a) => logicalXor(a, [true, false]),
      /logicalXor/,
      /'a' has dtype float32/,
    );
    throwsClean(
      () => [tensor([true, false]), tensor([true, false, true])],
      (a, b) => logicalXor(a, b),
      /logicalXor/,
      /\[2\]/,
      /\[3\]/,
    );
  });
});

/** Like throwsClean, for async ops: the promise rejects with a message matching every pattern, leaving no tensor behind. */
async function rejectsClean<A extends Tensor[]>(args: () => [...A], f: (...xs: A) => Promise<unknown>, ...patterns: RegExp[]): Promise<void> {
  const xs = args();
  const before = memory().numTensors;
  let message = '(did not reject)';
  try {
    await f(...xs);
  } catch (e) {
    message = (e as Error).message;
  }
  for (const p of patterns) expect(message).toMatch(p);
  expect(memory().numTensors).toBe(before);
  for (const x of xs) x.dispose();
}

describe('whereAsync, booleanMaskAsync, setdiff1dAsync, inTopKAsync', () => {
  it('select by the values, leaving nothing behind', async () => {
    const before = memory().numTensors;
    const c = tensor([
      [true, false],
      [false, true],
    ]);
    const w = await whereAsync(c);
    expect(w.shape).toEqual([2, 2]);
    expect(values(w)).toEqual([0, 0, 1, 1]);
    const x = tensor([1, 2, 3, 4, 5, 6], [3, 2]);
    const m = await booleanMaskAsync(x, [true, false, true]);
    expect(m.shape).toEqual([2, 2]);
    expect(values(m)).toEqual([1, 2, 5, 6]);
    const [d, di] = await setdiff1dAsync([1, 2, 3, 4], [2, 4]);
    expect(values(d)).toEqual([1, 3]);
    expect(values(di)).toEqual([0, 2]);
    const p = tensor([0.1, 0.8, 0.1, 0.5, 0.2, 0.3], [2, 3]);
    const k = await inTopKAsync(p, [1, 2], 1);
    expect(k.dtype).toBe('bool');
    expect(values(k)).toEqual([1, 0]);
    const k2 = await inTopKAsync(p, [2, 2], 2); // row 0: 0.1 at index 2 ties with index 0, which ranks first
    expect(values(k2)).toEqual([0, 1]);
    for (const t of [c, w, x, m, d, di, p, k, k2]) t.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('reject bad masks, shapes, dtypes, k and out-of-range targets', async () => {
    await rejectsClean(
      () => [tensor([1, 0])],
      (c) => whereAsync(c),
      /whereAsync/,
      /'condition' has dtype float32/,
    );
    await rejectsClean(
      () => [x32()],
      (x) => booleanMaskAsync(x, [true, false]),
      /booleanMaskAsync/,
      /mask \[2\]/,
      /\[3\]/,
    );
    await rejectsClean(
      () => [x32()],
      (x) => booleanMaskAsync(x, true),
      /booleanMaskAsync/,
      /scalar/,
    );
    await rejectsClean(
      () => [x32()],
      (x) => booleanMaskAsync(x, [true, false], 1.5),
      /booleanMaskAsync/,
      /axis 1.5/,
    );
    await rejectsClean(
      () => [tensor([1, 2]), tensor([1], undefined, 'int32')],
      (a, b) => setdiff1dAsync(a, b),
      /setdiff1dAsync/,
      /int32/,
      /cast/,
    );
    await rejectsClean(
      () => [x32(), tensor([1])],
      (a, b) => setdiff1dAsync(a, b),
      /setdiff1dAsync/,
      /\[3,2\]/,
      /rank 1/,
    );
    await rejectsClean(
      () => [x32()],
      (p) => inTopKAsync(p, [0, 2, 1]),
      /inTopKAsync/,
      /target 2 at position 1/,
      /\[0, 2\)/,
    );
    await rejectsClean(
      () => [x32()],
      (p) => inTopKAsync(p, [0, 1, 1], 3),
      /inTopKAsync/,
      /k must be an integer in \[1, 2\]/,
      /got 3/,
    );
    await rejectsClean(
      () => [x32()],
      (p) => inTopKAsync(p, [0, 1]),
      /inTopKAsync/,
      /targets \[2\]/,
      /\[3\]/,
    );
    await rejectsClean(
      () => [tensor([1, 2])],
      (p) => inTopKAsync(p, 0),
      /inTopKAsync/,
      /rank ≥ 2/,
    );
  });
});
