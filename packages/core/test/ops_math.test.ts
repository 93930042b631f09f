// The math family (clipByValue, logSumExp, cumsum …, trig, norms, activations):
// the values and gradients that need more than the conformance cases (gradients
// with zeros, stability at the extremes, tfjs's edge cases), the errors bad
// arguments get, and no leaks.
import { describe, expect, it } from 'vitest';
import * as tf from './helpers.js';
import { grad, memory, numericGrad, tensor, type Tensor } from './helpers.js';

const values = (t: Tensor): number[] => Array.from(t.dataSync());
/** The values of f's result; the tensors f makes are freed. */
function run(f: () => Tensor): number[] {
  const out = tf.tidy(f);
  const v = values(out);
  out.dispose();
  return v;
}
/** Gradient of Σ w·f(x) through autodiff (float32) against central differences of the float64 forward. */
function checkGrad(f32: (x: Tensor) => Tensor, f64: (x: Float64Array) => Float64Array, x0: number[], tol = 1e-3): void {
  const w = Array.from(f64(Float64Array.from(x0)), (_, i) => Math.cos(1.7 * i + 0.3));
  const before = memory().numTensors;
  const x = tensor(x0);
  const g = grad((t: Tensor) => {
    const y = f32(t);
    return tf.sum(tf.mul(y, tensor(w, y.shape)));
  })(x);
  const want = numericGrad((v) => f64(v).reduce((s, y, i) => s + y * w[i]!, 0), Float64Array.from(x0));
  values(g).forEach((v, i) => expect(Math.abs(v - want[i]!), `d/dx[${i}]: got ${v}, want ${want[i]}`).toBeLessThan(tol * (1 + Math.abs(want[i]!))));
  x.dispose();
  g.dispose();
  expect(memory().numTensors).toBe(before);
}

describe('clipByValue, logSumExp, logSigmoid, step', () => {
  it('clip with NaN kept and the gradient passing at both ends', () => {
    expect(run(() => tf.clipByValue(tensor([-3, -1, 0.5, 1, 9, Number.NaN]), -1, 1))).toEqual([-1, -1, 0.5, 1, 1, Number.NaN]);
    expect(run(() => tf.clipByValue(tensor([-3, 2, Number.NaN]), 0.5, 0.5))).toEqual([0.5, 0.5, 0.5]);
    const x = tensor([-3, -1, 0.5, 1, 9]);
    const g = grad((t: Tensor) => t.clipByValue(-1, 1).sum())(x);
    expect(values(g)).toEqual([0, 1, 1, 1, 0]);
    tf.dispose([x, g]);
  });
  it('logSumExp: stable for large values, −∞ for −∞ rows, and a gradient of softmax', () => {
    const v = run(() =>
      tf.logSumExp(
        tensor([
          [1000, 1000],
          [-Infinity, -Infinity],
          [-1e30, -1e30],
        ]),
        1,
      ),
    );
    expect(v[0]).toBeCloseTo(1000 + Math.LN2, 3);
    expect(v[1]).toBe(-Infinity);
    expect(v[2]).toBe(Math.fround(-1e30));
    checkGrad(
      (t) => tf.logSumExp(t.reshape([2, 3]), 1, true),
      (x) => Float64Array.from([0, 3], (o) => Math.log(Math.exp(x[o]!) + Math.exp(x[o + 1]!) + Math.exp(x[o + 2]!))),
      [0.3, -1.2, 2, 5, 4.5, -3],
    );
  });
  it('logSigmoid is −softplus(−x): no overflow or log(0) at the extremes', () => {
    const v = run(() => tf.logSigmoid(tensor([-200, 0, 200])));
    expect(v[0]).toBe(-200);
    expect(v[1]).toBeCloseTo(-Math.LN2, 6);
    expect(v[2]).toBeLessThanOrEqual(0);
    expect(v[2]).toBeGreaterThan(-1e-30);
  });
  it('step: 1 above 0, alpha at and below, NaN kept; gradient 0', () => {
    expect(run(() => tf.step(tensor([-1, 0, -0, 2, Number.NaN]), -0.5))).toEqual([-0.5, -0.5, -0.5, 1, Number.NaN]);
    const x = tensor([-1, 2, Number.NaN]);
    const g = grad((t: Tensor) => tf.step(t).sum())(x);
    expect(values(g)).toEqual([0, 0, 0]);
    tf.dispose([x, g]);
  });
});

describe('cumsum and cumprod', () => {
  const x0 = [2, -1, 0.5, 3, -2, 1.5];
  it('match a sequential scan along any axis, exclusive and reversed', () => {
    for (const [axis, exclusive, reverse] of [
      [0, false, false],
      [1, true, false],
      [-1, false, true],
      [0, true, true],
    ] as const) {
      const got = run(() => tf.cumsum(tensor(x0, [2, 3]), axis, exclusive, reverse));
      const want = new Array<number>(6).fill(0);
      const a = axis < 0 ? axis + 2 : axis;
      const n = a === 0 ? 2 : 3;
      for (let line = 0; line < (a === 0 ? 3 : 2); line++) {
        let acc = 0;
        for (let s = 0; s < n; s++) {
          const k = a === 0 ? (reverse ? n - 1 - s : s) * 3 + line : line * 3 + (reverse ? n - 1 - s : s);
          if (exclusive) want[k] = acc;
          acc += x0[k]!;
          if (!exclusive) want[k] = acc;
        }
      }
      expect(got, `axis ${axis} exclusive ${exclusive} reverse ${reverse}`).toEqual(want);
    }
  });
  it("cumprod's gradient is right with zeros in x (one zero, two zeros)", () => {
    const prefix = (x: Float64Array): Float64Array => {
      const out = new Float64Array(x.length);
      let p = 1;
      x.forEach((v, i) => (out[i] = p *= v));
      return out;
    };
    checkGrad((t) => tf.cumprod(t), prefix, [1.5, 0, 2, -0.5, 1.25]);
    checkGrad((t) => tf.cumprod(t), prefix, [0.5, 0, 2, 0, 1.25, 3]);
    checkGrad(
      (t) => tf.cumprod(t, 0, true, true),
      (x) => {
        const out = new Float64Array(x.length);
        let p = 1;
        for (let i = x.length - 1; i >= 0; i--) {
          out[i] = p;
          p *= x[i]!;
        }
        return out;
      },
      [1.5, 0, 2, -0.5, 1.25],
    );
  });
  it('int32 stays int32 and exact', () => {
    const x = tensor([1, 2, 3, 4], [4], 'int32');
    const s = tf.cumsum(x);
    const p = tf.cumprod(x, 0, false, true);
    expect([s.dtype, p.dtype]).toEqual(['int32', 'int32']);
    expect([values(s), values(p)]).toEqual([
      [1, 3, 6, 10],
      [24, 24, 12, 4],
    ]);
    tf.dispose([x, s, p]);
  });
});

describe('addN, divNoNan, floorDiv, mod', () => {
  it('divNoNan gives 0 and a finite gradient where b is 0', () => {
    expect(run(() => tf.divNoNan(tensor([1, 0, Number.NaN, 6]), tensor([0, 0, 0, 3])))).toEqual([0, 0, 0, 2]);
    const a = tensor([1, 2]);
    const b = tensor([0, 4]);
    const [ga, gb] = tf.grads((x: Tensor, y: Tensor) => tf.divNoNan(x, y).sum())([a, b]);
    expect(values(ga!)).toEqual([0, 0.25]);
    expect(values(gb!)).toEqual([0, -2 / 16]);
    tf.dispose([a, b, ga!, gb!]);
  });
  it("mod takes the divisor's sign (tfjs), floorDiv floors; int32 exact, by 0 gives 0", () => {
    expect(run(() => tf.mod(tensor([7, -7, 7, -7, 0]), tensor([3, 3, -3, -3, 3])))).toEqual([1, 2, -2, -1, 0]);
    expect(run(() => tf.floorDiv(tensor([7, -7, 7, -7]), tensor([2, 2, -2, -2])))).toEqual([3, -4, -4, 3]);
    // Exact, as tfjs's CPU backend, also where the float32 quotient rounds up to an integer (1 / 0.1f → 10).
    const a1 = [1, -1, 0.3, 3, 100, -7.5, 1e30, 5];
    const b1 = [0.1, 0.1, 0.1, 0.3, 0.7, 2.5, 3, 1e-30];
    const f = (v: number[]): number[] => v.map(Math.fround);
    expect(run(() => tf.floorDiv(tensor(a1), tensor(b1)))).toEqual(f(a1).map((v, k) => Math.fround(Math.floor(v / f(b1)[k]!))));
    // mod exact while |a/b| < 2^24 (beyond, the float32 quotient is not the floor: within an ULP of |a|).
    expect(run(() => tf.mod(tensor(a1.slice(0, 6)), tensor(b1.slice(0, 6))))).toEqual(
      f(a1.slice(0, 6)).map((v, k) => {
        const b = f(b1)[k]!;
        return Math.fround(v - Math.floor(v / b) * b);
      }),
    );
    checkGrad(
      (t) => tf.mod(tensor([7.3, -7.3, 5.1]), t),
      (x) => Float64Array.from([7.3, -7.3, 5.1], (v, k) => v - Math.floor(v / x[k]!) * x[k]!),
      [2.2, 2.2, -1.3],
    );
    // Near 2^24 the float32 quotient rounds; the integer correction makes it exact.
    const a0 = [16777216, -16777215, 16777213, -16777214, 9, -9, 5, 0];
    const b0 = [3, 7, 5, 3, 0, 4, -5, -3];
    const ai = tensor(a0, [8], 'int32');
    const bi = tensor(b0, [8], 'int32');
    const q = a0.map((v, k) => (b0[k] === 0 ? 0 : Math.floor(v / b0[k]!) + 0)); // + 0: int32 has no −0
    expect(run(() => tf.floorDiv(ai, bi))).toEqual(q);
    expect(run(() => tf.mod(ai, bi))).toEqual(a0.map((v, k) => (b0[k] === 0 ? 0 : v - q[k]! * b0[k]! + 0)));
    tf.dispose([ai, bi]);
    expect(run(() => tf.mod(tensor([1, -1, 1, -1]), tensor([Infinity, Infinity, -Infinity, -Infinity])))).toEqual([1, Number.NaN, Number.NaN, -1]);
  });
  it('refuse bad arguments, naming the op and the values', () => {
    const x = tensor([1, 2, 3]);
    const i = tensor([1, 2, 3], [3], 'int32');
    const bool = tensor([true, false, true]);
    const x2 = tensor([1, 2]);
    const s = tensor(1);
    const before = memory().numTensors;
    expect(() => tf.clipByValue(x, 2, 1)).toThrow(/clipByValue: clipValueMin \(2\) must be a number no greater than clipValueMax \(1\)/);
    expect(() => tf.clipByValue(x, Number.NaN, 1)).toThrow(/clipByValue: clipValueMin \(NaN\)/);
    expect(() => tf.clipByValue(bool, 0, 1)).toThrow(/clipByValue: 'x' has dtype bool/);
    expect(() => tf.logSumExp(x, 1)).toThrow(/logSumExp: axis 1 is out of range for a tensor of rank 1/);
    expect(() => tf.logSumExp(i)).toThrow(/logSumExp: 'x' has dtype int32 but logSumExp accepts float32/);
    expect(() => tf.logSigmoid(i)).toThrow(/logSigmoid: 'x' has dtype int32/);
    expect(() => tf.cumsum(s)).toThrow(/cumsum: x is a scalar; it needs an axis/);
    expect(() => tf.cumprod(x, 1)).toThrow(/cumprod: axis 1 is out of range for a tensor of rank 1/);
    expect(() => tf.cumsum(bool)).toThrow(/cumsum: 'x' has dtype bool/);
    expect(() => tf.addN([])).toThrow(/addN: expected a non-empty list of tensors, got \[\]/);
    expect(() => tf.addN([x, x2])).toThrow(/addN: tensors\[1\] is \[2\] float32 but tensors\[0\] is \[3\] float32; .*does not broadcast/);
    expect(() => tf.addN([x, i])).toThrow(/addN: tensors\[1\] is \[3\] int32 but tensors\[0\] is \[3\] float32/);
    expect(() => tf.divNoNan(x, x2)).toThrow(/divNoNan: .*\[3\].*\[2\]/);
    expect(() => tf.divNoNan(i, i)).toThrow(/divNoNan: 'a' has dtype int32 but divNoNan accepts float32/);
    expect(() => tf.mod(x, i)).toThrow(/mod: dtypes differ: a is float32, b is int32/);
    expect(() => tf.floorDiv(x, x2)).toThrow(/floorDiv: .*\[3\].*\[2\]/);
    expect(() => tf.floorDiv(bool, bool)).toThrow(/floorDiv: 'a' has dtype bool/);
    expect(() => tf.step(i)).toThrow(/step: 'x' has dtype int32/);
    expect(() => tf.addN([x, [1, 2, 3], [1, 2]])).toThrow(/addN: tensors\[2\] is \[2\]/);
    expect(memory().numTensors).toBe(before);
    tf.dispose([x, i, bool, x2, s]);
  });
});

describe('trig, hyperbolic and erf composites', () => {
  const unary = [
    ['tan', tf.tan, Math.tan, [-1.2, -0.3, 0, 0.7, 1.3]],
    ['atan', tf.atan, Math.atan, [-30, -2.5, -1, -0.3, 0, 0.2, 0.45, 2.3, 100]],
    ['asin', tf.asin, Math.asin, [-0.99, -0.5, 0, 0.3, 0.95]],
    ['acos', tf.acos, Math.acos, [-0.99, -0.5, 0, 0.3, 0.95]],
    ['sinh', tf.sinh, Math.sinh, [-5, -0.01, 0, 1e-3, 3]],
    ['cosh', tf.cosh, Math.cosh, [-5, -0.01, 0, 1e-3, 3]],
    ['asinh', tf.asinh, Math.asinh, [-50, -0.5, 0, 1e-3, 7]],
    ['acosh', tf.acosh, Math.acosh, [1.05, 1.5, 3, 40]],
    ['atanh', tf.atanh, Math.atanh, [-0.95, -0.2, 0, 1e-3, 0.9]],
  ] as const;
  it('gradients are the closed forms, also at 0 and across the range-reduction branches', () => {
    for (const [, f32, f64, x0] of unary)
      checkGrad(
        (t) => f32(t),
        (x) => x.map(f64),
        [...x0],
        2e-3,
      );
    const erf64 = (x: number): number => {
      let term = x;
      let sum = x;
      for (let n = 1; n < 60; n++) sum += (term *= (-x * x) / n) / (2 * n + 1);
      return (2 / Math.sqrt(Math.PI)) * sum;
    };
    checkGrad(
      (t) => tf.erf(t),
      (x) => x.map(erf64),
      [-2.5, -1, -0.4, 0, 0.9, 1.1, 2],
    );
  });
  it('atan2: every quadrant, its gradients, and broadcasting', () => {
    const ys = [0.5, -0.5, 2, -2, 0.7, -1e-3];
    const xs = [1, 1, -1, -1, -0.01, -3];
    run(() => tf.atan2(tensor(ys), tensor(xs))).forEach((v, i) => {
      const want = Math.atan2(ys[i]!, xs[i]!);
      expect(Math.abs(v - want), `atan2(${ys[i]}, ${xs[i]})`).toBeLessThan(4e-7 * Math.abs(want));
    });
    const y = tensor(ys);
    const x = tensor(xs);
    const [gy, gx] = tf.grads((a: Tensor, b: Tensor) => tf.atan2(a, b).sum())([y, x]);
    values(gy!).forEach((v, i) => expect(v).toBeCloseTo(xs[i]! / (xs[i]! ** 2 + ys[i]! ** 2), 4));
    values(gx!).forEach((v, i) => expect(v).toBeCloseTo(-ys[i]! / (xs[i]! ** 2 + ys[i]! ** 2), 4));
    const col = tensor([[1], [-1]]);
    const [gc] = tf.grads((a: Tensor) => tf.atan2(a, x).sum())([col]);
    expect(gc!.shape).toEqual([2, 1]);
    tf.dispose([y, x, gy!, gx!, col, gc!]);
  });
  it('refuse int32 and bool, and mismatched shapes, naming the op', () => {
    const i = tensor([1, 2], [2], 'int32');
    const x3 = tensor([1, 2, 3]);
    const x2 = tensor([1, 2]);
    const before = memory().numTensors;
    for (const [name, f] of [...unary.map(([n, f]) => [n, f] as const), ['erf', tf.erf] as const]) {
      expect(() => f(i), name).toThrow(new RegExp(`^${name}: 'x' has dtype int32 but ${name} accepts float32`));
    }
    expect(() => tf.atan2(x3, x2)).toThrow(/atan2: .*\[3\].*\[2\]/);
    expect(() => tf.atan2(x2, i)).toThrow(/atan2: 'b' has dtype int32/);
    expect(memory().numTensors).toBe(before);
    tf.dispose([i, x3, x2]);
  });
});

describe('reductions, norms and normalization', () => {
  it('any/all: bool results, empty reductions give false/true, other dtypes count x ≠ 0', () => {
    const b = tensor([
      [true, false, false],
      [false, false, false],
    ]);
    const anyRows = tf.any(b, 1);
    const allCols = tf.all(b, 0, true);
    expect([anyRows.dtype, allCols.dtype, allCols.shape]).toEqual(['bool', 'bool', [1, 3]]);
    expect([values(anyRows), values(allCols)]).toEqual([
      [1, 0],
      [0, 0, 0],
    ]);
    expect(run(() => tf.all(tensor([], [0])))).toEqual([1]);
    expect(run(() => tf.any(tensor([], [2, 0]), 1))).toEqual([0, 0]);
    expect(run(() => tf.all(tensor([1, -2, Number.NaN])))).toEqual([1]);
    tf.dispose([b, anyRows, allCols]);
  });
  it('norm: no overflow for large values, exact gradient x/‖x‖, matrix ords as tfjs', () => {
    expect(run(() => tf.norm(tensor([3e25, -4e25])))[0]).toBeCloseTo(5e25, -20);
    expect(run(() => tf.norm(tensor([3e-30, 4e-30])))[0]! / 5e-30).toBeCloseTo(1, 6);
    const m = [
      [1, -2, 0.5],
      [3, 4, -1],
    ];
    expect(run(() => tf.norm(tensor(m), 1, [0, 1]))).toEqual([6]); // largest column sum
    expect(run(() => tf.norm(tensor(m), Infinity, [0, 1]))).toEqual([8]); // largest row sum
    expect(run(() => tf.norm(tensor(m), -Infinity, [-2, -1]))).toEqual([3.5]);
    expect(run(() => tf.norm(tensor(m), 1, [1, 0]))).toEqual([8]); // axes swapped: rows are axis 1
    checkGrad(
      (t) => tf.norm(t),
      (x) => Float64Array.of(Math.hypot(...x)),
      [1e-3, -2, 0.5, 3],
    );
  });
  it('moments, batchNorm and LRN match their float64 definitions', () => {
    const x0 = [1, 2, 4, 7, -1, 3];
    const xt = tensor(x0, [3, 2]);
    const { mean, variance } = tf.moments(xt, 0);
    expect(values(mean)).toEqual([Math.fround(4 / 3), 4]);
    const v0 = ((1 - 4 / 3) ** 2 + (4 - 4 / 3) ** 2 + (-1 - 4 / 3) ** 2) / 3;
    expect(values(variance)[0]).toBeCloseTo(v0, 5);
    tf.dispose([xt, mean, variance]);
    checkGrad(
      (t) => tf.batchNorm(t.reshape([3, 2]), [0.5, -1], [2, 0.25], [0.1, 0.2], [1.5, -1], 0.01),
      (x) => x.map((v, k) => ((v - [0.5, -1][k % 2]!) * [1.5, -1][k % 2]!) / Math.sqrt([2, 0.25][k % 2]! + 0.01) + [0.1, 0.2][k % 2]!),
      x0,
    );
    checkGrad(
      (t) => tf.localResponseNormalization(t.reshape([1, 1, 1, 6]), 1, 2, 0.5, 0.75),
      (x) => x.map((v, c) => v * (2 + 0.5 * [c - 1, c, c + 1].filter((d) => d >= 0 && d < 6).reduce((s, d) => s + x[d]! ** 2, 0)) ** -0.75),
      x0,
    );
  });
  it('dot and outerProduct follow tfjs shapes', () => {
    const m = tensor([
      [1, 2],
      [3, 4],
    ]);
    const v = tensor([1, -1]);
    const vv = tf.dot(v, v);
    const mv = tf.dot(m, v);
    const vm = v.dot(m);
    const w = tensor([1, 2, 3]);
    const o = tf.outerProduct(v, w);
    expect([vv.shape, mv.shape, vm.shape, o.shape]).toEqual([[], [2], [2], [2, 3]]);
    expect([values(vv), values(mv), values(vm), values(o)]).toEqual([[2], [-1, -1], [-2, -2], [1, 2, 3, -1, -2, -3]]);
    tf.dispose([m, v, w, vv, mv, vm, o]);
  });
  it('refuse bad arguments, naming the op and the values', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    const v3 = tensor([1, 2, 3]);
    const i = tensor([1, 2], [2], 'int32');
    const r5 = tensor([1], [1, 1, 1, 1, 1]);
    const r4 = tensor([1], [1, 1, 1, 1]);
    const m3 = tensor([1], [1, 1, 1]);
    const before = memory().numTensors;
    expect(() => tf.any(x, 2)).toThrow(/any: axis 2 is out of range for a tensor of rank 2/);
    expect(() => tf.all(x, -3)).toThrow(/all: axis -3 is out of range/);
    expect(() => tf.norm(x, 2, [0, 1])).toThrow(
      /norm: ord 2 is not supported for a matrix \(two axes\) norm; use one of 1, Infinity, -Infinity, fro, euclidean/,
    );
    expect(() => tf.norm(v3, 'fro')).toThrow(/norm: ord fro is not supported for a vector norm/);
    expect(() => tf.norm(x, 3 as never)).toThrow(/norm: ord 3 is not supported/);
    expect(() => tf.norm(x, 1, [0, 0])).toThrow(/norm: the two axes \[0,0\] are the same axis/);
    expect(() => tf.norm(x, 1, [0, 1, 2] as never)).toThrow(/norm: axis must be null, one axis or two \(rows, cols\), got \[0,1,2\]/);
    expect(() => tf.norm(x, 1, 5)).toThrow(/norm: axis 5 is out of range for a tensor of rank 2/);
    expect(() => tf.norm(i)).toThrow(/norm: 'x' has dtype int32 but norm accepts float32/);
    expect(() => tf.euclideanNorm(x, [0, 1, 2])).toThrow(/euclideanNorm: axis must be null, one axis or two, got \[0,1,2\]/);
    expect(() => tf.moments(x, 2)).toThrow(/moments: axis 2 is out of range/);
    expect(() => tf.batchNorm(x, v3, v3)).toThrow(/batchNorm: .*\[2,2\].*\[3\]/);
    expect(() => tf.batchNorm(x, [1, 2], [1, 1], null, null, -1)).toThrow(/batchNorm: varianceEpsilon must be a non-negative number, got -1/);
    expect(() => tf.batchNorm4d(x, [1, 2], [1, 1])).toThrow(/batchNorm4d: x must have rank 4, got \[2,2\]; use batchNorm for other ranks/);
    expect(() => tf.batchNorm(x, m3, [1, 1])).toThrow(/batchNorm: mean \[1,1,1\] must broadcast to x's shape \[2,2\]/);
    expect(() => tf.localResponseNormalization(x)).toThrow(/localResponseNormalization: x must have rank 3 \(HWC\) or 4 \(NHWC\), got \[2,2\]/);
    expect(() => tf.localResponseNormalization(r4, 1.5)).toThrow(/localResponseNormalization: depthRadius must be a non-negative integer, got 1.5/);
    expect(() => tf.localResponseNormalization(r4, 1, Number.NaN)).toThrow(/localResponseNormalization: bias must be a finite number, got NaN/);
    expect(() => tf.dot(x, v3)).toThrow(/dot: inner dimensions differ: t1 \[2,2\] has 2, t2 \[3\] has 3/);
    expect(() => tf.dot(r5, v3)).toThrow(/dot: t1 \[1,1,1,1,1\] and t2 \[3\] must be vectors or matrices/);
    expect(() => tf.dot(i, i)).toThrow(/dot: 't1' has dtype int32/);
    expect(() => tf.outerProduct(x, v3)).toThrow(/outerProduct: v1 \[2,2\] and v2 \[3\] must both be rank 1/);
    expect(() => tf.outerProduct(i, i)).toThrow(/outerProduct: v1 and v2 must be float32, got int32 and int32/);
    expect(memory().numTensors).toBe(before);
    tf.dispose([x, v3, i, r5, r4, m3]);
  });
});

describe('activation ops', () => {
  it('relu6, selu, prelu, gelu, swish, softsign: values, and gradients without NaN at the extremes', () => {
    expect(run(() => tf.relu6(tensor([-1, 0, 3, 6, 7, Number.NaN])))).toEqual([0, 0, 3, 6, 6, Number.NaN]);
    const g = tf.tidy(() => grad((t: Tensor) => tf.relu6(t).sum())(tensor([-1, 0, 3, 6, 7])));
    expect(values(g)).toEqual([0, 0, 1, 1, 0]);
    g.dispose();
    const gs = tf.tidy(() => grad((t: Tensor) => tf.selu(t).sum())(tensor([-200, 200])));
    expect(values(gs).every(Number.isFinite)).toBe(true);
    gs.dispose();
    const gg = tf.tidy(() => grad((t: Tensor) => tf.gelu(t).sum())(tensor([-40, 0, 40])));
    expect(values(gg)).toEqual([0, 0.5, 1]);
    gg.dispose();
    const SELU = (v: number): number => 1.0507009873554805 * (v > 0 ? v : 1.6732632423543772 * Math.expm1(v));
    const erfc = (z: number): number => {
      let t = z;
      let s = z;
      for (let n = 1; n < 80; n++) s += (t *= (-z * z) / n) / (2 * n + 1);
      return 1 - (2 / Math.sqrt(Math.PI)) * s;
    };
    const x0 = [-3, -0.7, 0.2, 1.5, 2.5];
    for (const [name, f32, f64] of [
      ['selu', tf.selu, SELU],
      ['gelu', tf.gelu, (v: number) => 0.5 * v * erfc(-v / Math.SQRT2)],
      ['swish', tf.swish, (v: number) => v / (1 + Math.exp(-v))],
      ['softsign', tf.softsign, (v: number) => v / (1 + Math.abs(v))],
    ] as const) {
      run(() => f32(tensor(x0))).forEach((v, i) =>
        expect(Math.abs(v - f64(x0[i]!)), `${name}(${x0[i]})`).toBeLessThan(4e-7 * Math.max(1, Math.abs(f64(x0[i]!)))),
      );
      checkGrad(
        (t) => f32(t),
        (x) => x.map(f64),
        x0,
      );
    }
    checkGrad(
      (t) => tf.prelu(t.reshape([2, 2]), tensor([0.25, -0.5])),
      (x) => x.map((v, k) => (v > 0 ? v : v * [0.25, -0.5][k % 2]!)),
      [-1, 2, -3, -0.5],
    );
  });
  it('the activations by name (layers) are these ops', () => {
    const x = tensor([-2, -0.5, 0.5, 7]);
    for (const name of ['relu6', 'selu', 'gelu', 'swish', 'softsign'] as const) {
      const a = tf.getActivation(name).fn(x);
      const b = (tf as unknown as Record<string, (t: Tensor) => Tensor>)[name]!(x);
      expect(values(a), name).toEqual(values(b));
      tf.dispose([a, b]);
    }
    x.dispose();
  });
  it('refuse bad arguments, naming the op', () => {
    const i = tensor([1, 2], [2], 'int32');
    const x = tensor([
      [1, -2],
      [3, -4],
    ]);
    const a3 = tensor([1, 2, 3]);
    const a22 = tensor([1, 2, 3, 4], [2, 2, 1]);
    const bool = tensor([true]);
    const before = memory().numTensors;
    for (const name of ['selu', 'gelu', 'swish', 'softsign'] as const) {
      expect(() => (tf as unknown as Record<string, (t: Tensor) => Tensor>)[name]!(i)).toThrow(new RegExp(`^${name}: 'x' has dtype int32`));
    }
    expect(() => tf.relu6(bool)).toThrow(/relu6: 'x' has dtype bool/);
    expect(() => tf.prelu(x, a3)).toThrow(/prelu: .*\[2,2\].*\[3\]/);
    expect(() => tf.prelu(x, a22)).toThrow(/prelu: alpha \[2,2,1\] must broadcast to x's shape \[2,2\] \(one slope per channel: \[C\]\)/);
    expect(() => tf.prelu(i, i)).toThrow(/prelu: 'x' has dtype int32/);
    expect(memory().numTensors).toBe(before);
    tf.dispose([i, x, a3, a22, bool]);
  });
});
