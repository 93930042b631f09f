// Indexing and selection ops: values on small cases written out here, and the
// errors bad arguments get (each naming the op and the offending shape or
// value), with no tensor left behind. Conformance (packages/conformance,
// src/ops/indexing.ts) checks them against float64 on every backend.
import { describe, expect, it } from 'vitest';
import { gatherND, memory, scatterND, type Tensor, tensor, tensorScatterUpdate } from './helpers.js';

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
