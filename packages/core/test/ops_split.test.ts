// split and unstack: values, gradients against float64 finite differences
// (including outputs no gradient reaches), a backward pass whose cost is
// linear in the number of pieces, and the errors bad arguments get.
import { describe, expect, it } from 'vitest';
import { countKernels, grad, memory, mul, numericGrad, split, stack, sum, tanh, tensor, type Tensor, unstack } from './helpers.js';

const values = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => Math.sin(1.3 * i + seed) * (0.5 + 0.5 * Math.cos(0.7 * i * seed)));
const x0 = values(24, 1); // [2, 3, 4] row-major
const at = (i: number, j: number, k: number): number => x0[(i * 3 + j) * 4 + k]!;

describe('split and unstack', () => {
  it('cut a tensor into equal pieces, pieces of given sizes (one -1 for the rest), or the slices along an axis', () => {
    const x = tensor(x0, [2, 3, 4]);
    const halves = split(x, 2, -1);
    expect(halves.map((t) => t.shape)).toEqual([
      [2, 3, 2],
      [2, 3, 2],
    ]);
    expect(Array.from(halves[1]!.dataSync())).toEqual(
      Array.from({ length: 12 }, (_, n) => Math.fround(at(Math.floor(n / 6), Math.floor(n / 2) % 3, 2 + (n % 2)))),
    );
    const parts = x.split([1, -1], 1);
    expect(parts.map((t) => t.shape)).toEqual([
      [2, 1, 4],
      [2, 2, 4],
    ]);
    expect(Array.from(parts[0]!.dataSync())).toEqual([0, 1, 2, 3, 12, 13, 14, 15].map((n) => Math.fround(x0[n]!)));
    const steps = unstack(x, 1);
    expect(steps.map((t) => t.shape)).toEqual([
      [2, 4],
      [2, 4],
      [2, 4],
    ]);
    steps.forEach((s, j) => expect(Array.from(s.dataSync())).toEqual([0, 1].flatMap((i) => [0, 1, 2, 3].map((k) => Math.fround(at(i, j, k))))));
    const rows = x.unstack();
    expect(rows.map((t) => t.shape)).toEqual([
      [3, 4],
      [3, 4],
    ]);
    const back = stack(steps, 1);
    expect(Array.from(back.dataSync())).toEqual(Array.from(x.dataSync()));
    for (const t of [x, ...halves, ...parts, ...steps, ...rows, back]) t.dispose();
  });

  it('gradients match float64 finite differences, with zeros where a piece is not used', () => {
    const r = values(24, 2);
    // L = Σ r·tanh(piece) over unstack's pieces 0 and 2 along axis 1, and split's first piece along axis 2 (sizes 1, 3).
    const f32 = (x: Tensor): Tensor => {
      const s = unstack(x, 1);
      const [first] = split(x, [1, 3], 2);
      const a = sum(mul(tanh(s[0]!), tensor(r.slice(0, 8), [2, 4])));
      const b = sum(mul(tanh(s[2]!), tensor(r.slice(8, 16), [2, 4])));
      const c = sum(mul(tanh(first!), tensor(r.slice(16, 22), [2, 3, 1])));
      return a.add(b).add(c);
    };
    const f64 = (v: Float64Array): number => {
      const x = (i: number, j: number, k: number): number => v[(i * 3 + j) * 4 + k]!;
      let s = 0;
      for (let i = 0; i < 2; i++) for (let k = 0; k < 4; k++) s += Math.tanh(x(i, 0, k)) * r[i * 4 + k]! + Math.tanh(x(i, 2, k)) * r[8 + i * 4 + k]!;
      for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) s += Math.tanh(x(i, j, 0)) * r[16 + i * 3 + j]!;
      return s;
    };
    const x = tensor(x0, [2, 3, 4]);
    const g = grad(f32)(x);
    const want = numericGrad(f64, Float64Array.from(x0));
    Array.from(g.dataSync()).forEach((v, i) => expect(Math.abs(v - want[i]!), `d/dx[${i}]`).toBeLessThan(1e-4));
    // Row 1 of axis 1, except its first column (split's piece), gets no gradient at all.
    expect([5, 6, 7, 17, 18, 19].map((i) => g.dataSync()[i])).toEqual([0, 0, 0, 0, 0, 0]);
    x.dispose();
    g.dispose();
  });

  it("the backward pass is one concat of the pieces' gradients: linear in the number of pieces, no padding to the full size per piece", () => {
    const run = (pieces: number): { concat: number; pad: number; slice: number; elements: number } => {
      const { calls, elements } = countKernels(() => {
        const x = tensor(values(pieces * 8, 3), [pieces, 8]);
        const g = grad((t: Tensor) => unstack(t).reduce((s, p, i) => s.add(sum(mul(p, i + 1))), tensor(0)))(x);
        expect(Array.from(g.dataSync())).toEqual(Array.from({ length: pieces * 8 }, (_, i) => Math.floor(i / 8) + 1));
        x.dispose();
        g.dispose();
      });
      const total = [...elements.values()].reduce((a, b) => a + b, 0);
      return { concat: calls.get('concat') ?? 0, pad: calls.get('pad') ?? 0, slice: calls.get('slice') ?? 0, elements: total };
    };
    const small = run(16);
    const big = run(64);
    expect(big.concat).toBe(1);
    expect(big.pad).toBe(0);
    expect(big.slice).toBe(64);
    // Every kernel writes O(pieces) elements in all; slices' own gradients would write pieces² (each padded to the whole input).
    expect(big.elements / small.elements).toBeLessThan(4.5);
  });

  it('refuses bad arguments clearly, allocating nothing', () => {
    const x = tensor(x0, [2, 3, 4]);
    const before = memory().numTensors;
    expect(() => split(x, 3, 2)).toThrow('split: cannot split axis 2 of [2,3,4] (size 4) into 3 equal pieces; pass a divisor of 4 or a list of sizes');
    expect(() => split(x, 0, 2)).toThrow(/into 0 equal pieces/);
    expect(() => split(x, [1, 2], 2)).toThrow(
      'split: sizes [1,2] must be non-negative integers (at most one -1 for the rest) adding up to 4, the size of axis 2 of [2,3,4]',
    );
    expect(() => split(x, [-1, -1], 2)).toThrow(/at most one -1/);
    expect(() => split(x, [5, -1], 2)).toThrow(/adding up to 4/);
    expect(() => split(x, [1.5, 2.5], 2)).toThrow(/non-negative integers/);
    expect(() => split(x, [], 2)).toThrow(/a positive integer or a non-empty list of sizes, got \[\]/);
    expect(() => split(x, 2, 3)).toThrow(/split: axis 3 is out of range for a tensor of rank 3; use an axis in \[-3, 2\]/);
    expect(() => unstack(x, -4)).toThrow(/unstack: axis -4 is out of range for a tensor of rank 3/);
    const s = tensor(1);
    expect(() => split(s, 1)).toThrow('split: x is a scalar; it needs at least one axis to split along');
    expect(() => unstack(s)).toThrow('unstack: x is a scalar; it needs at least one axis to unstack along');
    s.dispose();
    expect(memory().numTensors).toBe(before);
    x.dispose();
    expect(() => unstack(x)).toThrow(/disposed/);
  });
});
