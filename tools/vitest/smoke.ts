// A small exact workout of the active backend through core (the README
// snippet, plus a reduction and a pooling): small integers, so every backend
// must give the float64 answers to the bit. Entry-point tests run it, and the
// memory-limit suites run it after a refusal to show the backend still works.
import { expect } from 'vitest';
import { add, conv2d, grad, matMul, maxPool, memory, sum, tensor, tidy } from '@polytensor/core';

/** matMul, conv2d's gradient, add + sum and maxPool on the active backend; exact, and nothing left alive. */
export async function expectExactSmoke(): Promise<void> {
  const before = memory().numTensors;
  const out = tidy(() => {
    const a = tensor([
      [1, 2],
      [3, 4],
    ]);
    const b = tensor([
      [5, 6],
      [7, 8],
    ]);
    const g = grad((x) => sum(conv2d(x, tensor([[[[1]], [[2]]]]), 1, 'same')))(tensor([1, 2, 3, 4], [1, 2, 2, 1]));
    return [matMul(a, b), g, add(a, 1).sum(), maxPool(tensor([1, 5, 3, 2], [1, 2, 2, 1]), 2)] as const;
  });
  const [product, g, total, pooled] = out;
  expect(product.shape).toEqual([2, 2]);
  expect(Array.from(await product.data())).toEqual([19, 22, 43, 50]);
  expect(g.arraySync()).toEqual([
    [
      [[1], [3]],
      [[1], [3]],
    ],
  ]);
  expect(Array.from(await total.data())).toEqual([14]);
  expect(Array.from(await pooled.data())).toEqual([5]);
  for (const t of out) t.dispose();
  expect(memory().numTensors, 'tensors left alive by the smoke test').toBe(before);
}
