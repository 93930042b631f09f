// Merge layers: forward values and gradients (every input) against float64
// references; configs round-trip; shapes are checked when applied.
import { describe, expect, it } from 'vitest';
import {
  Add,
  Average,
  Concatenate,
  Dot,
  type Layer,
  Maximum,
  Minimum,
  Multiply,
  Subtract,
  type Tensor,
  deserializeLayer,
  grads,
  input,
  mul,
  numericGrad,
  sum,
  tensor,
} from './helpers.js';

const values = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => Math.sin(1.7 * i + seed) * (0.6 + 0.4 * Math.cos(0.9 * i * seed)));
const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** Check layer([x_i]) and d/dx_i of sum(layer ⊙ R) against a float64 reference `ref(xs) → flat output`. */
function checkMerge(layer: Layer, shapes: number[][], ref: (xs: number[][]) => number[], outShape: number[]): void {
  const x0 = shapes.map((s, i) => values(size(s), i + 1));
  const xs = x0.map((v, i) => tensor(v, shapes[i]!));
  const y = layer.apply(xs);
  expect(y.shape).toEqual(outShape);
  const want = ref(x0);
  Array.from(y.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
  const r = values(want.length, 9);
  const loss64 = (vs: number[][]): number => ref(vs).reduce((s, v, i) => s + v * r[i]!, 0);
  const gs = grads((...ts: Tensor[]) => sum(mul(layer.apply(ts).reshape([-1]), tensor(r))))(xs);
  gs.forEach((g, k) => {
    const num = numericGrad((v) => loss64(x0.map((a, j) => (j === k ? Array.from(v) : a))), Float64Array.from(x0[k]!));
    Array.from(g.dataSync()).forEach((v, i) => expect(Math.abs(v - num[i]!), `d/dx${k}[${i}]`).toBeLessThan(1e-3));
  });
  // The config rebuilds an equivalent layer.
  const again = deserializeLayer({ className: layer.className, config: layer.getConfig() });
  const y2 = again.apply(xs);
  expect(Array.from(y2.dataSync())).toEqual(Array.from(y.dataSync()));
  for (const t of [...xs, ...gs, y, y2]) t.dispose();
}

const zip = (xs: number[][], f: (vs: number[]) => number): number[] => xs[0]!.map((_, i) => f(xs.map((x) => x[i]!)));

describe('merge layers match float64 references, forward and backward', () => {
  it('Add, Subtract, Multiply, Average, Maximum, Minimum over 2 or 3 inputs', () => {
    const s = [
      [2, 3],
      [2, 3],
      [2, 3],
    ];
    checkMerge(new Add(), s, (xs) => zip(xs, (v) => v[0]! + v[1]! + v[2]!), [2, 3]);
    checkMerge(new Subtract(), s.slice(0, 2), (xs) => zip(xs, (v) => v[0]! - v[1]!), [2, 3]);
    checkMerge(new Multiply(), s, (xs) => zip(xs, (v) => v[0]! * v[1]! * v[2]!), [2, 3]);
    checkMerge(new Average(), s, (xs) => zip(xs, (v) => (v[0]! + v[1]! + v[2]!) / 3), [2, 3]);
    checkMerge(new Maximum(), s.slice(0, 2), (xs) => zip(xs, (v) => Math.max(v[0]!, v[1]!)), [2, 3]);
    checkMerge(new Minimum(), s, (xs) => zip(xs, (v) => Math.min(...v)), [2, 3]);
  });

  it('Add broadcasts a dimension of 1', () => {
    checkMerge(
      new Add(),
      [
        [2, 1, 3],
        [2, 4, 3],
      ],
      ([a, b]) => b!.map((v, i) => v + a![Math.floor(i / 12) * 3 + (i % 3)]!),
      [2, 4, 3],
    );
  });

  it('Concatenate on the last and a middle axis', () => {
    checkMerge(
      new Concatenate(),
      [
        [2, 2],
        [2, 3],
      ],
      ([a, b]) => [...a!.slice(0, 2), ...b!.slice(0, 3), ...a!.slice(2), ...b!.slice(3)],
      [2, 5],
    );
    checkMerge(
      new Concatenate({ axis: 1 }),
      [
        [1, 1, 2],
        [1, 2, 2],
      ],
      ([a, b]) => [...a!, ...b!],
      [1, 3, 2],
    );
  });

  it('Dot: rank 2 (row dot products), rank 3 with each axis pairing, and normalized (cosine)', () => {
    const dot2 = ([a, b]: number[][]): number[] => [0, 1, 2].map((r) => [0, 1, 2, 3].reduce((s, k) => s + a![r * 4 + k]! * b![r * 4 + k]!, 0));
    checkMerge(
      new Dot({ axes: 1 }),
      [
        [3, 4],
        [3, 4],
      ],
      dot2,
      [3, 1],
    );
    // [b,n,d]·[b,m,d], axes 2 → [b,n,m]
    const bmm =
      (ta: boolean, tb: boolean, n: number, m: number, d: number) =>
      ([a, b]: number[][]): number[] => {
        const out: number[] = [];
        for (let bb = 0; bb < 2; bb++)
          for (let i = 0; i < n; i++)
            for (let j = 0; j < m; j++) {
              let s = 0;
              for (let k = 0; k < d; k++) s += a![bb * n * d + (ta ? k * n + i : i * d + k)]! * b![bb * m * d + (tb ? j * d + k : k * m + j)]!;
              out.push(s);
            }
        return out;
      };
    checkMerge(
      new Dot({ axes: 2 }),
      [
        [2, 3, 4],
        [2, 5, 4],
      ],
      bmm(false, true, 3, 5, 4),
      [2, 3, 5],
    );
    checkMerge(
      new Dot({ axes: [1, 1] }),
      [
        [2, 4, 3],
        [2, 4, 5],
      ],
      bmm(true, false, 3, 5, 4),
      [2, 3, 5],
    );
    const cos = ([a, b]: number[][]): number[] =>
      [0, 1, 2].map((r) => {
        const ra = a!.slice(r * 4, r * 4 + 4);
        const rb = b!.slice(r * 4, r * 4 + 4);
        const n = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
        return ra.reduce((s, x, k) => s + x * rb[k]!, 0) / (n(ra) * n(rb));
      });
    checkMerge(
      new Dot({ axes: -1, normalize: true }),
      [
        [3, 4],
        [3, 4],
      ],
      cos,
      [3, 1],
    );
  });
});

describe('merge layers refuse what they cannot take', () => {
  it('bad arguments and incompatible shapes, named', () => {
    expect(() => new Concatenate({ axis: 0 })).toThrow(/axis must be a non-zero integer \(0 is the batch axis\), got 0/);
    expect(() => new Dot({ axes: 0 })).toThrow(/axes must be a non-zero integer or a pair of them/);
    expect(() => new Subtract().apply([input({ shape: [2] }), input({ shape: [2] }), input({ shape: [2] })])).toThrow(
      /takes a list of exactly 2 inputs, got 3/,
    );
    expect(() => new Multiply().apply([input({ shape: [2, 3] }), input({ shape: [3] })])).toThrow(/inputs have different ranks/);
    expect(() => new Dot({ axes: 1 }).apply([input({ shape: [3] }), input({ shape: [4] })])).toThrow(
      /axis 1 of \[null,3\] has 3 entries but axis 1 of \[null,4\] has 4/,
    );
    expect(() => new Dot({ axes: 1 }).apply([input({ shape: [2, 2, 2] }), input({ shape: [2] })])).toThrow(/inputs must have rank 2 or 3/);
  });
});

describe('Lambda', () => {
  it('wraps a function (shape found by running it once), trains through it, and refuses to be saved with a clear error', async () => {
    const { Lambda, Sequential, Dense, model, sub, square, memory } = await import('./helpers.js');
    const before = memory().numTensors;
    const x = input({ shape: [3] });
    const sq = new Lambda({ fn: (t) => square(t as Tensor), name: 'sq' });
    const y = sq.apply(x);
    expect(y.shape).toEqual([null, 3]);
    const diff = new Lambda({ fn: (ts) => sub((ts as Tensor[])[0]!, (ts as Tensor[])[1]!), outputShape: [3] });
    const m = model({ inputs: x, outputs: diff.apply([y, x]) });
    const t = tensor(values(6, 3), [2, 3]);
    const out = m.predict(t) as Tensor;
    const v = t.dataSync();
    Array.from(out.dataSync()).forEach((o, i) => expect(o).toBeCloseTo(v[i]! * v[i]! - v[i]!, 6));
    await expect(m.save('memory://lambda')).rejects.toThrow(
      /sq \(Lambda\) holds a function, which a model file cannot store; write the step as a layer class and registerLayer\(\)/,
    );
    expect(() => new Lambda({ fn: () => 3 as never }).apply(x)).toThrow(/fn must return a Tensor, got number/);
    const s = new Sequential({ layers: [new Dense({ units: 2, inputShape: [3] }), new Lambda({ fn: (u) => square(u as Tensor) })] });
    expect(s.outputShape).toEqual([null, 2]);
    for (const u of [t, out]) u.dispose();
    m.dispose();
    s.dispose();
    expect(memory().numTensors).toBe(before);
  });
});
