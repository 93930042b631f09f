import { describe, expect, it } from 'vitest';
import {
  type Tensor,
  add,
  grad,
  grads,
  logSoftmax,
  matMul,
  mean,
  memory,
  numericGrad,
  oneHot,
  relu,
  sigmoid,
  sum,
  tanh,
  tensor,
  tidy,
  valueAndGrad,
  variable,
  variableGrads,
  mul,
  conv2d,
  maxPool,
  avgPool,
  softmax,
  reshape,
  concat,
  slice,
  pad,
  gather,
  transpose,
  exp,
  log,
  div,
  sub,
  where,
  greater,
  max,
  expm1,
  elu,
} from './helpers.js';

/** Compare an autodiff gradient with float64 finite differences of a float64 twin of the function. */
function checkAgainstFD(f32: (x: Tensor) => Tensor, f64: (x: Float64Array) => number, x0: number[], shape: number[], tol = 2e-3): void {
  const x = tensor(x0, shape);
  const g = grad(f32)(x);
  const expected = numericGrad(f64, Float64Array.from(x0));
  const got = g.dataSync();
  const scale = Math.max(1, ...Array.from(expected, Math.abs));
  for (let i = 0; i < expected.length; i++) expect(Math.abs(got[i]! - expected[i]!)).toBeLessThan(tol * scale);
  x.dispose();
  g.dispose();
}

describe('autodiff', () => {
  it('differentiates the README example', () => {
    const x = tensor([1, 2, 3]);
    const g = grad((t) => t.square().sum())(x);
    expect(Array.from(g.dataSync())).toEqual([2, 4, 6]);
    x.dispose();
    g.dispose();
  });

  it('matches finite differences through a composite network', () => {
    // loss = mean(logSoftmax(tanh(x W1) W2)[label]) with x the variable
    const W1 = [0.3, -0.2, 0.5, 0.1, -0.4, 0.2];
    const W2 = [0.7, -0.1, 0.2, 0.4, -0.3, 0.6];
    const f32 = (x: Tensor): Tensor =>
      tidy(() => {
        const h = tanh(matMul(x, tensor(W1, [3, 2])));
        const lp = logSoftmax(matMul(h, tensor(W2, [2, 3])));
        return mean(sum(mul(lp, oneHot(tensor([2, 0], undefined, 'int32'), 3)), -1)).neg();
      });
    const f64 = (x: Float64Array): number => {
      let total = 0;
      const labels = [2, 0];
      for (let r = 0; r < 2; r++) {
        const h = [0, 1].map((j) => Math.tanh([0, 1, 2].reduce((s, k) => s + x[r * 3 + k]! * W1[k * 2 + j]!, 0)));
        const z = [0, 1, 2].map((j) => h[0]! * W2[j]! + h[1]! * W2[3 + j]!);
        const m = Math.max(...z);
        const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
        total -= z[labels[r]!]! - lse;
      }
      return total / 2;
    };
    checkAgainstFD(f32, f64, [0.5, -1, 0.25, 1.5, 0.3, -0.7], [2, 3]);
  });

  it('handles broadcasting, reuse of a tensor, and movement ops', () => {
    const f32 = (x: Tensor): Tensor =>
      tidy(() => {
        const y = add(mul(x, x), tensor([1, 2, 3]));
        const z = concat(
          [
            slice(y, [0, 1], [2, 2]),
            pad(transpose(y), [
              [0, 1],
              [0, 0],
            ]).reshape([2, 4]),
          ],
          1,
        );
        return sum(mul(gather(z, tensor([1, 0, 1], undefined, 'int32')), sigmoid(exp(div(sub(slice(z, [0, 0], [1, 6]), 1), 4)))));
      });
    const f64 = (x: Float64Array): number => {
      const y = Array.from(x, (v, i) => v * v + [1, 2, 3][i % 3]!);
      const s = [y[1]!, y[2]!, y[4]!, y[5]!];
      const t = [y[0]!, y[3]!, y[1]!, y[4]!, y[2]!, y[5]!, 0, 0];
      const z = [s[0]!, s[1]!, t[0]!, t[1]!, t[2]!, t[3]!, s[2]!, s[3]!, t[4]!, t[5]!, t[6]!, t[7]!];
      const rowOne = z.slice(0, 6);
      const gate = rowOne.map((v) => 1 / (1 + Math.exp(-Math.exp((v - 1) / 4))));
      const rows = [z.slice(6, 12), z.slice(0, 6), z.slice(6, 12)];
      return rows.reduce((acc, r) => acc + r.reduce((a, v, j) => a + v * gate[j]!, 0), 0);
    };
    checkAgainstFD(f32, f64, [0.1, -0.2, 0.3, 0.4, -0.5, 0.6], [2, 3]);
  });

  it('goes through where, relu, max and log', () => {
    const f32 = (x: Tensor): Tensor => tidy(() => sum(add(where(greater(x, 0), log(add(x, 2)), relu(x.neg())), max(x, 0))));
    // max(x, 0) is a scalar broadcast over the 4 elements, so it counts 4 times.
    const f64 = (x: Float64Array): number => {
      let s = 0;
      for (const v of x) s += v > 0 ? Math.log(v + 2) : Math.max(-v, 0);
      return s + 4 * Math.max(...x);
    };
    checkAgainstFD(f32, f64, [0.7, -0.3, 1.9, -1.2], [4]);
  });

  it('differentiates convolution and pooling', () => {
    const w = [0.2, -0.1, 0.4, 0.3, -0.2, 0.1, 0.5, -0.3];
    const f32 = (x: Tensor): Tensor =>
      tidy(() => {
        const y = conv2d(reshape(x, [1, 3, 3, 1]), tensor(w, [2, 2, 1, 2]), 1, 'same');
        return sum(mul(maxPool(y, 2, 1, 'valid'), 1.5))
          .add(sum(softmax(avgPool(y, 2, 2, 'same').reshape([1, -1]))).mul(0))
          .add(sum(avgPool(y, 2, 1)));
      });
    const conv = (x: Float64Array): number[] => {
      const out: number[] = [];
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 3; j++)
          for (let c = 0; c < 2; c++) {
            let s = 0;
            for (let di = 0; di < 2; di++)
              for (let dj = 0; dj < 2; dj++) {
                const ii = i + di;
                const jj = j + dj;
                if (ii < 3 && jj < 3) s += x[ii * 3 + jj]! * w[(di * 2 + dj) * 2 + c]!;
              }
            out.push(s);
          }
      return out;
    };
    const f64 = (x: Float64Array): number => {
      const y = conv(x);
      let total = 0;
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 2; j++)
          for (let c = 0; c < 2; c++) {
            const cells = [0, 1].flatMap((di) => [0, 1].map((dj) => y[((i + di) * 3 + j + dj) * 2 + c]!));
            total += 1.5 * Math.max(...cells) + cells.reduce((a, b) => a + b, 0) / 4;
          }
      return total;
    };
    checkAgainstFD(f32, f64, [0.1, 0.9, -0.4, 0.35, -0.8, 0.6, 0.2, -0.15, 0.45], [9]);
  });

  it('grads, valueAndGrad and zeros for unused inputs', () => {
    const a = tensor([1, 2]);
    const b = tensor([3, 4]);
    const c = tensor([5, 6]);
    const [ga, gb, gc] = grads((x, y) => sum(mul(x, y)))([a, b, c]);
    expect(Array.from(ga!.dataSync())).toEqual([3, 4]);
    expect(Array.from(gb!.dataSync())).toEqual([1, 2]);
    expect(Array.from(gc!.dataSync())).toEqual([0, 0]);
    const { value, grad: g } = valueAndGrad((x) => sum(mul(x, x)))(a);
    expect(value.dataSync()[0]).toBe(5);
    expect(Array.from(g.dataSync())).toEqual([2, 4]);
    for (const t of [a, b, c, ga!, gb!, gc!, value, g]) t.dispose();
  });

  it('variableGrads covers the trainable variables the loss uses', () => {
    const w = variable([1, -2], true, 'ad-w');
    const frozen = variable([3], false, 'ad-frozen');
    const unused = variable([7], true, 'ad-unused');
    const { value, grads: g } = variableGrads(() => sum(relu(mul(w, frozen))), [w, unused]);
    expect(Object.keys(g)).toEqual(['ad-w']);
    expect(Array.from(g['ad-w']!.dataSync())).toEqual([3, 0]);
    expect(() => variableGrads(() => mul(w, 2), [w])).toThrow(/the loss must be a scalar, got shape \[2\]/);
    value.dispose();
    g['ad-w']!.dispose();
    tidy(() => {
      w.assign(w.add(1));
      expect(Array.from(w.dataSync())).toEqual([2, -1]);
      expect(() => w.assign(tensor([1, 2, 3]))).toThrow(/variable 'ad-w' is \[2\] float32 but the new value is \[3\] float32/);
      expect(() => variable([0], true, 'ad-w')).toThrow(/a variable named 'ad-w' already exists/);
    });
    for (const v of [w, frozen, unused]) v.dispose();
  });

  it('keeps unary gradients accurate where the output saturates (issue 15)', () => {
    // float64 derivatives; formulas from the rounded output (expm1 + 1, y·(1 − y), 1 − y²) gave 0 or ±0.5% here
    const sig = (v: number): number => 1 / (1 + Math.exp(-v));
    const cases: Array<[string, (t: Tensor) => Tensor, number, number]> = [
      ['expm1', (t) => expm1(t), -18, Math.exp(-18)],
      ['elu', (t) => elu(t), -18, Math.exp(-18)],
      ['sigmoid', (t) => sigmoid(t), 12, sig(12) * sig(-12)],
      ['tanh', (t) => tanh(t), 9, 1 / Math.cosh(9) ** 2],
      ['tanh', (t) => tanh(t), -9, 1 / Math.cosh(9) ** 2],
    ];
    for (const [name, f, x0, want] of cases) {
      const x = tensor([x0]);
      const g = grad((t) => sum(f(t)))(x);
      expect(Math.abs(g.dataSync()[0]! - want) / want, `${name}'(${x0})`).toBeLessThan(1e-5);
      x.dispose();
      g.dispose();
    }
  });

  it('frees the tape and intermediates', () => {
    const x = tensor([0.5, 1.5]);
    const before = memory();
    const g = grad((t) => sum(sigmoid(mul(t, t).add(1)).log()))(x);
    expect(memory().numTensors).toBe(before.numTensors + 1);
    expect(memory().numDataIds).toBe(before.numDataIds + 1);
    g.dispose();
    x.dispose();
  });

  it('errors clearly on bad use', () => {
    const i = tensor([1], undefined, 'int32');
    expect(() => grad((t) => t)(i)).toThrow(/grad: input 0 is int32; gradients are defined for float32 inputs/);
    expect(() => grad(42 as unknown as (t: Tensor) => Tensor)).toThrow(/grad: pass a function/);
    const x = tensor([1, 2]);
    const dy = tensor([1, 2]);
    expect(() => grad((t) => t.sum())(x, dy)).toThrow(/dy has shape \[2\] but f returned \[\]/);
    dy.dispose();
    i.dispose();
    x.dispose();
  });
});
