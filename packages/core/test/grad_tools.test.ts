// Gradient tools: customGrad, stopGradient, clipByGlobalNorm, and gradients of
// gradients (the engine records the backward pass on an outer tape). Every
// result is checked against float64 written here: second derivatives against
// central differences of an analytic first derivative.
import { describe, expect, it } from 'vitest';
import {
  type GradSaveFunc,
  type Tensor,
  abs,
  add,
  avgPool,
  clipByGlobalNorm,
  conv2d,
  cos,
  customGrad,
  div,
  elu,
  exp,
  expm1,
  fusedMatMul,
  grad,
  grads,
  log,
  log1p,
  logSoftmax,
  matMul,
  max,
  maxPool,
  mean,
  memory,
  mul,
  neg,
  numericGrad,
  pow,
  randomNormal,
  randomUniform,
  reciprocal,
  rsqrt,
  setSeed,
  sigmoid,
  sin,
  softplus,
  sqrt,
  square,
  squaredDifference,
  stopGradient,
  sub,
  sum,
  tanh,
  tensor,
  tidy,
  valueAndGrad,
  variable,
  variableGrads,
} from './helpers.js';

const counts = () => {
  const m = memory();
  return { numTensors: m.numTensors, numDataIds: m.numDataIds };
};

/** Run `body`, then check that it left no tensor or buffer behind. */
function leakFree(body: () => void): void {
  const before = counts();
  body();
  expect(counts()).toEqual(before);
}

/** |got − want| ≤ rtol·max(1, |want|) element by element (NaN must match NaN). */
function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, what = ''): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (!Number.isFinite(w)) {
      expect(g, `${what} [${i}]`).toBe(w); // NaN or ±Inf exactly
      continue;
    }
    expect(Math.abs(g - w), `${what} [${i}]: got ${g}, want ${w}`).toBeLessThanOrEqual(rtol * Math.max(1, Math.abs(w)));
  }
}

/** Float32-rounded copy of values (so the float64 reference sees exactly what the tensor holds). */
const f32 = (v: readonly number[]): Float64Array => Float64Array.from(Float32Array.from(v));

/** Directional difference (g(w + h·v) − g(w − h·v)) / 2h of a float64 gradient: the Hessian-vector product H·v. */
function hvp64(gradient: (w: Float64Array) => Float64Array, w: Float64Array, v: Float64Array, h = 1e-5): Float64Array {
  const at = (s: number) => gradient(w.map((wi, i) => wi + s * v[i]!));
  const up = at(h);
  const down = at(-h);
  return up.map((u, i) => (u - down[i]!) / (2 * h));
}

describe('customGrad', () => {
  // tfjs's example: the gradient of x² replaced by dy·|x| (so it cannot be autodiff's 2x).
  const custom = customGrad((x: Tensor, save: GradSaveFunc) => {
    save([x]);
    return { value: square(x), gradFunc: (dy, [saved]) => [mul(dy, abs(saved!))] };
  });

  it('uses the gradient gradFunc returns, as one tape node, and leaks nothing', () => {
    leakFree(() => {
      const x = tensor([-1, -2, 3]);
      const y = custom(x);
      expect(Array.from(y.dataSync())).toEqual([1, 4, 9]);
      const g = grad((t) => custom(t).sum())(x);
      expect(Array.from(g.dataSync())).toEqual([1, 2, 3]);
      const dy = tensor([2, -1, 0.5]);
      const gdy = grad((t) => custom(t))(x, dy);
      expect(Array.from(gdy.dataSync())).toEqual([2, -2, 1.5]);
      for (const t of [x, y, g, dy, gdy]) t.dispose();
    });
  });

  it('calls gradFunc once per backward pass with dy and the saved tensors (an intermediate kept alive)', () => {
    leakFree(() => {
      let calls = 0;
      // softplus with its gradient from a saved intermediate: σ(x) = 1 − exp(−softplus(x)).
      const sp = customGrad((x: Tensor, save: GradSaveFunc) => {
        const value = softplus(x);
        save([exp(neg(value))]);
        return {
          value,
          gradFunc: (dy, [e]) => {
            calls++;
            return mul(dy, sub(1, e!));
          },
        };
      });
      const x0 = [-2.5, -0.3, 0.7, 3.1];
      const x = tensor(x0);
      const { value, grad: g } = valueAndGrad((t) => mul(sp(t), tensor([1, -2, 3, 0.5])).sum())(x);
      expect(calls).toBe(1);
      const w = [1, -2, 3, 0.5];
      const ref = numericGrad((v) => v.reduce((s, vi, i) => s + w[i]! * Math.log1p(Math.exp(vi)), 0), f32(x0));
      expectClose(g.dataSync(), ref, 1e-6, 'softplus gradient');
      expectClose([value.dataSync()[0]!], [f32(x0).reduce((s, vi, i) => s + w[i]! * Math.log1p(Math.exp(vi)), 0)], 1e-6);
      for (const t of [x, value, g]) t.dispose();
    });
  });

  it('differentiates several inputs (a gradient per input), with grads, in tidy and with variableGrads', () => {
    leakFree(() => {
      // f(a, b) = a·b with b broadcast over a's rows; gradFunc sums dy·a over the rows for b.
      const scaleRows = customGrad((a: Tensor, b: Tensor) => ({
        value: mul(a, b),
        gradFunc: (dy) => [mul(dy, b), sum(mul(dy, a), 0)],
      }));
      const a = tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      const b = tensor([0.5, -1, 2]);
      const [ga, gb] = tidy(() => grads((p, q) => scaleRows(p, q).sum())([a, b]));
      expect(Array.from(ga!.dataSync())).toEqual([0.5, -1, 2, 0.5, -1, 2]);
      expect(Array.from(gb!.dataSync())).toEqual([5, 7, 9]);
      const v = variable([0.5, -1, 2], true, 'customGrad_v');
      const { value, grads: vg } = variableGrads(() => scaleRows(a, v).sum(), [v]);
      expect(Array.from(vg.customGrad_v!.dataSync())).toEqual([5, 7, 9]);
      for (const t of [a, b, ga!, gb!, v, value, vg.customGrad_v!]) t.dispose();
    });
  });

  it('saves nothing outside a gradient computation, and returns a new tensor even when f returns its input', () => {
    leakFree(() => {
      const ident = customGrad((x: Tensor, save: GradSaveFunc) => {
        save([x]);
        return { value: x, gradFunc: (dy) => [mul(dy, 3)] };
      });
      const x = tensor([1, 2]);
      const y = ident(x);
      expect(y).not.toBe(x);
      expect(Array.from(y.dataSync())).toEqual([1, 2]);
      const g = grad((t) => ident(t).sum())(x);
      expect(Array.from(g.dataSync())).toEqual([3, 3]);
      for (const t of [x, y, g]) t.dispose();
    });
  });

  it('is differentiated again through gradFunc (grad of grad, with the saved input)', () => {
    leakFree(() => {
      const cube = customGrad((x: Tensor, save: GradSaveFunc) => {
        save([x]);
        return { value: pow(x, 3), gradFunc: (dy, [s]) => [mul(dy, mul(3, square(s!)))] };
      });
      const x0 = [-1.5, 0.25, 2];
      const x = tensor(x0);
      const g2 = grad((t) => grad((u) => cube(u).sum())(t).sum())(x);
      expectClose(
        g2.dataSync(),
        numericGrad((v) => v.reduce((s, vi) => s + 3 * vi * vi, 0), f32(x0)),
        1e-5,
        'd²x³',
      );
      x.dispose();
      g2.dispose();
    });
  });

  it('rejects bad use with errors naming customGrad, the counts and shapes, and leaks nothing', () => {
    leakFree(() => {
      expect(() => customGrad(42 as never)).toThrow(/customGrad: pass a function .* got number/);
      const a = tensor([1, 2]);
      const b = tensor([1, 2, 3]);
      const ok = customGrad((x: Tensor) => ({ value: square(x), gradFunc: (dy) => dy }));
      expect(() => ok(3 as never)).toThrow(/customGrad: argument 0 of the wrapped function must be a Tensor, got number/);
      const noValue = customGrad((_x: Tensor) => ({ value: 3 as never, gradFunc: (dy) => dy }));
      expect(() => noValue(a)).toThrow(/customGrad: f must return \{ value: Tensor, gradFunc \}, got value number/);
      const noGradFunc = customGrad((x: Tensor) => ({ value: square(x), gradFunc: undefined as never }));
      expect(() => noGradFunc(a)).toThrow(/customGrad: f must return \{ value, gradFunc \} with gradFunc a function/);
      const badSave = customGrad((x: Tensor, save: GradSaveFunc) => {
        (save as (s: unknown) => void)(x);
        return { value: square(x), gradFunc: (dy) => dy };
      });
      expect(() => badSave(a)).toThrow(/customGrad: save takes an array of tensors, e.g. save\(\[x\]\), got a Tensor of shape \[2\]/);
      const tooFew = customGrad((x: Tensor, y: Tensor) => ({ value: add(sum(x), sum(y)), gradFunc: (dy) => [mul(dy, x)] }));
      expect(() => grads((p, q) => tooFew(p, q))([a, b])).toThrow(
        /customGrad: gradFunc returned 1 gradient\(s\) for 2 input\(s\) \(shapes \[2\], \[3\]\); return one tensor per input/,
      );
      const wrongShape = customGrad((x: Tensor, y: Tensor) => ({
        value: add(sum(x), sum(y)),
        gradFunc: (dy) => [mul(dy, x), mul(dy, x)],
      }));
      expect(() => grads((p, q) => wrongShape(p, q))([a, b])).toThrow(
        /customGrad: gradFunc's gradient 1 has shape \[2\] but input 1 has shape \[3\] \(dy is \[\]\)/,
      );
      const notTensor = customGrad((x: Tensor) => ({ value: square(x), gradFunc: () => [7 as never] }));
      expect(() => grad((p) => notTensor(p).sum())(a)).toThrow(/customGrad: gradFunc's gradient 0 is number, not a Tensor/);
      const throws = customGrad((x: Tensor, save: GradSaveFunc) => {
        save([square(x)]);
        throw new Error('boom');
      });
      expect(() => grad((p) => throws(p))(a)).toThrow(/boom/);
      a.dispose();
      b.dispose();
    });
  });
});

describe('stopGradient', () => {
  it('passes values through and blocks the gradient (x·stop(x) has gradient x, not 2x)', () => {
    leakFree(() => {
      const x = tensor([3, -2, 0.5]);
      const y = stopGradient(x);
      expect(Array.from(y.dataSync())).toEqual([3, -2, 0.5]);
      const g = grad((t) => mul(t, stopGradient(t)).sum())(x);
      expect(Array.from(g.dataSync())).toEqual([3, -2, 0.5]);
      const zero = grad((t) => stopGradient(t).sum())(x);
      expect(Array.from(zero.dataSync())).toEqual([0, 0, 0]);
      const lit = stopGradient([1, 2]);
      expect(Array.from(lit.dataSync())).toEqual([1, 2]);
      for (const t of [x, y, g, zero, lit]) t.dispose();
    });
  });
  it('rejects a disposed or missing input by name', () => {
    const x = tensor([1]);
    x.dispose();
    expect(() => stopGradient(x)).toThrow(/stopGradient: tensor \d+ \(shape \[1\], float32\) was already disposed/);
    expect(() => stopGradient(null as never)).toThrow(/stopGradient: argument 'x' is null/);
  });
});

describe('clipByGlobalNorm', () => {
  /** TensorFlow's rule in float64: t · c / max(‖all‖, c), NaN everywhere for a non-finite norm. */
  function clip64(ts: readonly Float64Array[], c: number): { clipped: Float64Array[]; norm: number } {
    let s = 0;
    for (const t of ts) for (const v of t) s += v * v;
    const norm = Math.sqrt(s);
    const scale = Number.isFinite(norm) ? c / Math.max(norm, c) : Number.NaN;
    return { clipped: ts.map((t) => t.map((v) => v * scale)), norm };
  }

  it('matches float64 when clipping and is the identity within the bound', () => {
    leakFree(() => {
      setSeed(7);
      const a = randomNormal([2, 3]);
      const b = randomNormal([4], 0, 3);
      const a64 = Float64Array.from(a.dataSync());
      const b64 = Float64Array.from(b.dataSync());
      for (const c of [0.5, 2.25, 100]) {
        const [clipped, norm] = clipByGlobalNorm([a, b], c);
        const want = clip64([a64, b64], c);
        expect(want.norm).toBeGreaterThan(2.25); // so 0.5 and 2.25 clip, 100 does not
        expectClose(norm.dataSync(), [want.norm], 1e-6, `norm, c=${c}`);
        expect(norm.shape).toEqual([]);
        expect(clipped.map((t) => t.shape)).toEqual([[2, 3], [4]]);
        expectClose(clipped[0]!.dataSync(), want.clipped[0]!, 1e-6, `a, c=${c}`);
        expectClose(clipped[1]!.dataSync(), want.clipped[1]!, 1e-6, `b, c=${c}`);
        if (c === 100) {
          expect(Array.from(clipped[0]!.dataSync())).toEqual(Array.from(a64)); // bit-exact: scale is exactly 1
          expect(Array.from(clipped[1]!.dataSync())).toEqual(Array.from(b64));
        }
        for (const t of [...clipped, norm]) t.dispose();
      }
      a.dispose();
      b.dispose();
    });
  });

  it('turns everything NaN for an infinite or NaN norm (as TensorFlow) and leaves zeros alone', () => {
    leakFree(() => {
      const cases: Array<[number[], number[], number]> = [
        [[Infinity, 1], [2], Infinity],
        [[Number.NaN, 1], [2], Number.NaN],
        [[0, -0], [0], 0],
      ];
      for (const [x, y, n] of cases) {
        const ts = [tensor(x), tensor(y)];
        const [clipped, norm] = clipByGlobalNorm(ts, 1);
        const want = clip64([Float64Array.from(x), Float64Array.from(y)], 1);
        expectClose(norm.dataSync(), [n], 0);
        expectClose(clipped[0]!.dataSync(), n === 0 ? x : want.clipped[0]!, 0);
        expectClose(clipped[1]!.dataSync(), n === 0 ? y : want.clipped[1]!, 0);
        for (const t of [...ts, ...clipped, norm]) t.dispose();
      }
    });
  });

  it('has the gradient of float64 differences of the clipped sum (clipping active)', () => {
    leakFree(() => {
      const a0 = [0.8, -1.3, 2.1];
      const b0 = [1.7, -0.4];
      const wa = [0.3, -1.1, 0.7];
      const wb = [-0.9, 1.4];
      const c = 1.5;
      const a = tensor(a0);
      const b = tensor(b0);
      const [ga, gb] = grads((p, q) => {
        const [[ca, cb], norm] = clipByGlobalNorm([p, q], c);
        return add(add(mul(ca!, tensor(wa)).sum(), mul(cb!, tensor(wb)).sum()), mul(norm, 0.25));
      })([a, b]);
      const F = (v: Float64Array): number => {
        const { clipped, norm } = clip64([v.subarray(0, 3), v.subarray(3)], c);
        return clipped[0]!.reduce((s, x, i) => s + x * wa[i]!, 0) + clipped[1]!.reduce((s, x, i) => s + x * wb[i]!, 0) + 0.25 * norm;
      };
      const ref = numericGrad(F, f32([...a0, ...b0]));
      expectClose([...ga!.dataSync(), ...gb!.dataSync()], ref, 2e-6, 'clipByGlobalNorm gradient');
      for (const t of [a, b, ga!, gb!]) t.dispose();
    });
  });

  it('rejects bad input with errors naming clipByGlobalNorm and the value, leaking nothing', () => {
    leakFree(() => {
      const a = tensor([1, 2]);
      expect(() => clipByGlobalNorm([], 1)).toThrow(/clipByGlobalNorm: pass a non-empty array of tensors .* got an empty array/);
      expect(() => clipByGlobalNorm(a as never, 1)).toThrow(/clipByGlobalNorm: pass a non-empty array of tensors .* got object/);
      for (const c of [0, -1, Number.NaN, Infinity]) {
        expect(() => clipByGlobalNorm([a], c)).toThrow(new RegExp(`clipByGlobalNorm: clipNorm must be a finite number > 0, got ${c}`));
      }
      const i = tensor([1, 2], undefined, 'int32');
      expect(() => clipByGlobalNorm([a, i], 1)).toThrow(/clipByGlobalNorm: 'tensors\[1\]' has dtype int32 but clipByGlobalNorm accepts float32/);
      a.dispose();
      i.dispose();
    });
  });
});

describe('higher-order gradients', () => {
  // Each op with its analytic first derivative in float64; d²/dx² is checked against differences of f'.
  const unaryCases: Array<[string, (t: Tensor) => Tensor, (x: number) => number, number[]]> = [
    ['sin', sin, Math.cos, [-2.5, -0.4, 0.3, 1.9]],
    ['cos', cos, (x) => -Math.sin(x), [-2.5, -0.4, 0.3, 1.9]],
    ['exp', exp, Math.exp, [-2, -0.5, 0.7, 2.2]],
    ['expm1', expm1, Math.exp, [-2, -0.5, 0.7, 2.2]],
    ['log', log, (x) => 1 / x, [0.3, 0.9, 1.7, 4]],
    ['log1p', log1p, (x) => 1 / (1 + x), [-0.6, 0.2, 1.7, 4]],
    ['sqrt', sqrt, (x) => 0.5 / Math.sqrt(x), [0.3, 0.9, 1.7, 4]],
    ['rsqrt', rsqrt, (x) => -0.5 * x ** -1.5, [0.3, 0.9, 1.7, 4]],
    ['reciprocal', reciprocal, (x) => -1 / (x * x), [-2, -0.6, 0.8, 3]],
    ['square', square, (x) => 2 * x, [-2, -0.6, 0.8, 3]],
    ['x·x·x (mul)', (t) => mul(mul(t, t), t), (x) => 3 * x * x, [-2, -0.6, 0.8, 3]],
    ['pow(x, 3)', (t) => pow(t, 3), (x) => 3 * x * x, [0.4, 0.8, 1.5, 3]],
    ['1/(1+x²) (div)', (t) => div(1, add(1, square(t))), (x) => (-2 * x) / (1 + x * x) ** 2, [-2, -0.6, 0.8, 3]],
    ['tanh', tanh, (x) => 1 - Math.tanh(x) ** 2, [-2.1, -0.5, 0.3, 1.4]],
    ['sigmoid', sigmoid, (x) => Math.exp(-x) / (1 + Math.exp(-x)) ** 2, [-3, -0.5, 0.3, 2.4]],
    ['softplus', softplus, (x) => 1 / (1 + Math.exp(-x)), [-3, -0.5, 0.3, 2.4]],
    ['elu', elu, (x) => (x > 0 ? 1 : Math.exp(x)), [-2, -0.5, 0.3, 2.4]],
  ];

  for (const [name, f, d1, x0] of unaryCases) {
    it(`d²/dx² of ${name} matches float64 differences of its analytic derivative`, () => {
      leakFree(() => {
        const x = tensor(x0);
        const g2 = grad((t) => grad((u) => f(u).sum())(t).sum())(x);
        const ref = numericGrad((v) => v.reduce((s, vi) => s + d1(vi), 0), f32(x0));
        expectClose(g2.dataSync(), ref, 1e-5, name);
        x.dispose();
        g2.dispose();
      });
    });
  }

  it('third derivative of sin, and grad of grad inside tidy and valueAndGrad', () => {
    leakFree(() => {
      const x0 = [-1.2, 0.3, 2];
      const x = tensor(x0);
      const g3 = grad((t) => grad((u) => grad((v) => sin(v).sum())(u).sum())(t).sum())(x);
      expectClose(
        g3.dataSync(),
        numericGrad((v) => v.reduce((s, vi) => s - Math.sin(vi), 0), f32(x0)),
        1e-5,
        'sin‴',
      );
      const { value, grad: g2 } = tidy(() => valueAndGrad((t) => grad((u) => exp(u).sum())(t).sum())(x));
      expectClose(value.dataSync(), [f32(x0).reduce((s, v) => s + Math.exp(v), 0)], 1e-6, 'value');
      expectClose(g2.dataSync(), Array.from(f32(x0), Math.exp), 1e-6, 'exp″');
      for (const t of [x, g3, value, g2]) t.dispose();
    });
  });

  it('Hessian-vector products of binary ops (mixed partials) match float64', () => {
    leakFree(() => {
      const a0 = [0.7, -1.2, 1.9];
      const b0 = [-0.4, 0.8, 1.1];
      const va = [0.5, -1, 0.25];
      const vb = [1, 0.3, -0.7];
      // F = Σ a·b/(a²+1) + (a−b)² + a²·b (via pow) − a/b·0.1
      const F = (a: Tensor, b: Tensor): Tensor =>
        add(add(div(mul(a, b), add(square(a), 1)), squaredDifference(a, b)), sub(mul(pow(a, 2), b), mul(div(a, b), 0.1))).sum();
      const gradient64 = (w: Float64Array): Float64Array => {
        const out = new Float64Array(6);
        for (let i = 0; i < 3; i++) {
          const a = w[i]!;
          const b = w[3 + i]!;
          out[i] = (b * (1 - a * a)) / (a * a + 1) ** 2 + 2 * (a - b) + 2 * a * b - 0.1 / b;
          out[3 + i] = a / (a * a + 1) - 2 * (a - b) + a * a + (0.1 * a) / (b * b);
        }
        return out;
      };
      const a = tensor(a0);
      const b = tensor(b0);
      const v = [tensor(va), tensor(vb)];
      const hv = grads((p, q) => {
        const [gp, gq] = grads(F)([p, q]);
        return add(mul(gp!, v[0]!).sum(), mul(gq!, v[1]!).sum());
      })([a, b]);
      const ref = hvp64(gradient64, f32([...a0, ...b0]), f32([...va, ...vb]));
      expectClose([...hv[0]!.dataSync(), ...hv[1]!.dataSync()], ref, 1e-5, 'H·v');
      for (const t of [a, b, ...v, ...hv]) t.dispose();
    });
  });

  it('second derivatives through sum, mean and max reductions match float64', () => {
    leakFree(() => {
      const x0 = [0.4, -1.3, 2.2, 1.1, 0.6, -0.2];
      const v0 = [1, -0.5, 0.3, 0.8, -1.2, 0.4];
      // G = Σx² · mean(x) + Σ_rows max_j(x) · Σ_j x (rows of [2, 3]; no ties)
      const G = (x: Tensor): Tensor => add(mul(sum(square(x)), mean(x)), sum(mul(max(x, 1), sum(x, 1))));
      const gradient64 = (w: Float64Array): Float64Array => {
        const S = w.reduce((s, xi) => s + xi * xi, 0);
        const M = w.reduce((s, xi) => s + xi, 0) / 6;
        const out = w.map((xi) => 2 * xi * M + S / 6);
        for (let r = 0; r < 2; r++) {
          const row = w.subarray(3 * r, 3 * r + 3);
          const m = Math.max(...row);
          const s = row.reduce((p, q) => p + q, 0);
          for (let j = 0; j < 3; j++) out[3 * r + j]! += (row[j] === m ? s : 0) + m;
        }
        return out;
      };
      const x = tensor(x0, [2, 3]);
      const v = tensor(v0, [2, 3]);
      const hv = grad((t) => mul(grad(G)(t), v).sum())(x);
      expectClose(hv.dataSync(), hvp64(gradient64, f32(x0), f32(v0)), 1e-5, 'H·v');
      for (const t of [x, v, hv]) t.dispose();
    });
  });

  const layers: Array<[string, (x: Tensor, W1: Tensor, b1: Tensor, W2: Tensor, b2: Tensor) => Tensor]> = [
    ['matMul, add, tanh', (x, W1, b1, W2, b2) => add(matMul(tanh(add(matMul(x, W1), b1)), W2, false, true), b2)],
    ['fusedMatMul', (x, W1, b1, W2, b2) => fusedMatMul({ a: fusedMatMul({ a: x, b: W1, bias: b1, activation: 'tanh' }), b: W2, bias: b2, transposeB: true })],
  ];
  for (const [how, forward] of layers)
    it(`Hessian-vector product of a small MLP loss w.r.t. its weights (${how}, logSoftmax) matches float64`, () => {
      leakFree(() => {
        // x [4,3] → tanh(x·W1 + b1) [4,5] → h·W2ᵀ + b2 [4,2] (W2 is [2,5], transposed matMul) → loss
        // loss = mean((out − t)²) − 0.1·mean(logSoftmax(out)·t)
        setSeed(11);
        const shapes = [[3, 5], [5], [2, 5], [2]];
        const ws = shapes.map((s) => randomNormal(s, 0, 0.7));
        const vs = shapes.map((s) => randomUniform(s, -1, 1));
        const x = randomNormal([4, 3]);
        const y = randomUniform([4, 2]);
        const X = Float64Array.from(x.dataSync());
        const Y = Float64Array.from(y.dataSync());
        const loss = (W1: Tensor, b1: Tensor, W2: Tensor, b2: Tensor): Tensor => {
          const out = forward(x, W1, b1, W2, b2);
          return sub(mean(square(sub(out, y))), mul(mean(mul(logSoftmax(out), y)), 0.1));
        };
        const sizes = shapes.map((s) => s.reduce((p, q) => p * q, 1));
        const offsets = sizes.map((_, i) => sizes.slice(0, i).reduce((p, q) => p + q, 0));
        /** The loss's gradient in float64, by hand (backprop written plainly). */
        const gradient64 = (w: Float64Array): Float64Array => {
          const [W1, b1, W2, b2] = offsets.map((o, i) => w.subarray(o, o + sizes[i]!));
          const g = new Float64Array(w.length);
          const [gW1, gb1, gW2, gb2] = offsets.map((o, i) => g.subarray(o, o + sizes[i]!));
          for (let n = 0; n < 4; n++) {
            const h = new Float64Array(5);
            for (let j = 0; j < 5; j++) {
              let z = b1![j]!;
              for (let k = 0; k < 3; k++) z += X[n * 3 + k]! * W1![k * 5 + j]!;
              h[j] = Math.tanh(z);
            }
            const out = [0, 1].map((c) => {
              let o = b2![c]!;
              for (let j = 0; j < 5; j++) o += h[j]! * W2![c * 5 + j]!;
              return o;
            });
            const m = Math.max(out[0]!, out[1]!);
            const lse = m + Math.log(Math.exp(out[0]! - m) + Math.exp(out[1]! - m));
            const tSum = Y[n * 2]! + Y[n * 2 + 1]!;
            const dOut = [0, 1].map((c) => (2 * (out[c]! - Y[n * 2 + c]!)) / 8 - (0.1 / 8) * (Y[n * 2 + c]! - Math.exp(out[c]! - lse) * tSum));
            const dh = new Float64Array(5);
            for (let c = 0; c < 2; c++) {
              gb2![c]! += dOut[c]!;
              for (let j = 0; j < 5; j++) {
                gW2![c * 5 + j]! += dOut[c]! * h[j]!;
                dh[j]! += dOut[c]! * W2![c * 5 + j]!;
              }
            }
            for (let j = 0; j < 5; j++) {
              const dz = dh[j]! * (1 - h[j]! * h[j]!);
              gb1![j]! += dz;
              for (let k = 0; k < 3; k++) gW1![k * 5 + j]! += X[n * 3 + k]! * dz;
            }
          }
          return g;
        };
        const w64 = Float64Array.from(ws.flatMap((t) => Array.from(t.dataSync())));
        const v64 = Float64Array.from(vs.flatMap((t) => Array.from(t.dataSync())));
        // First the gradient itself (so a wrong reference cannot hide), then H·v.
        const g1 = grads(loss)(ws);
        expectClose(
          g1.flatMap((t) => Array.from(t.dataSync())),
          gradient64(w64),
          2e-6,
          'gradient',
        );
        const hv = grads((...p) => {
          const gs = grads(loss)(p);
          return gs.map((gi, i) => mul(gi, vs[i]!).sum()).reduce((s, t) => add(s, t));
        })(ws);
        const ref = hvp64(gradient64, w64, v64);
        expectClose(
          hv.flatMap((t) => Array.from(t.dataSync())),
          ref,
          2e-5,
          'H·v',
        );
        for (const t of [...ws, ...vs, x, y, ...g1, ...hv]) t.dispose();
      });
    });

  it('Hessian-vector product through conv2d (its backprop kernels differentiated) matches float64', () => {
    leakFree(() => {
      // L = Σ c ⊙ tanh(conv2d(x, w)), x [1,4,4,1], w [2,2,1,2], valid: z [1,3,3,2]
      setSeed(5);
      const x = randomUniform([1, 4, 4, 1], -1, 1);
      const w = randomUniform([2, 2, 1, 2], -1, 1);
      const c = randomUniform([1, 3, 3, 2], -1, 1);
      const vx = randomUniform([1, 4, 4, 1], -1, 1);
      const vw = randomUniform([2, 2, 1, 2], -1, 1);
      const C = Float64Array.from(c.dataSync());
      const loss = (p: Tensor, q: Tensor): Tensor => mul(tanh(conv2d(p, q, 1, 'valid')), c).sum();
      /** [dL/dx (16), dL/dw (8)] in float64, by hand. */
      const gradient64 = (v: Float64Array): Float64Array => {
        const X = v.subarray(0, 16);
        const W = v.subarray(16);
        const g = new Float64Array(24);
        for (let i = 0; i < 3; i++) {
          for (let j = 0; j < 3; j++) {
            for (let o = 0; o < 2; o++) {
              let z = 0;
              for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) z += X[(i + a) * 4 + j + b]! * W[(a * 2 + b) * 2 + o]!;
              const d = C[(i * 3 + j) * 2 + o]! * (1 - Math.tanh(z) ** 2);
              for (let a = 0; a < 2; a++) {
                for (let b = 0; b < 2; b++) {
                  g[(i + a) * 4 + j + b]! += d * W[(a * 2 + b) * 2 + o]!;
                  g[16 + (a * 2 + b) * 2 + o]! += d * X[(i + a) * 4 + j + b]!;
                }
              }
            }
          }
        }
        return g;
      };
      const w64 = Float64Array.from([...x.dataSync(), ...w.dataSync()]);
      const v64 = Float64Array.from([...vx.dataSync(), ...vw.dataSync()]);
      const g1 = grads(loss)([x, w]);
      expectClose([...g1[0]!.dataSync(), ...g1[1]!.dataSync()], gradient64(w64), 2e-6, 'gradient');
      const hv = grads((p, q) => {
        const [gp, gq] = grads(loss)([p, q]);
        return add(mul(gp!, vx).sum(), mul(gq!, vw).sum());
      })([x, w]);
      expectClose([...hv[0]!.dataSync(), ...hv[1]!.dataSync()], hvp64(gradient64, w64, v64), 2e-5, 'H·v');
      for (const t of [x, w, c, vx, vw, ...g1, ...hv]) t.dispose();
    });
  });

  it('differentiates a gradient penalty w.r.t. a variable (variableGrads of a grad)', () => {
    leakFree(() => {
      const w0 = [0.6, -1.1, 1.8];
      const x0 = [0.9, 0.4, -0.7];
      const w = variable(w0, true, 'gradPenalty_w');
      const x = tensor(x0);
      // penalty(w) = Σ_i (∂/∂x_i Σ_j tanh(w_j x_j))² = Σ_i (w_i (1 − tanh²(w_i x_i)))²
      const { value, grads: g } = variableGrads(() => square(grad((t) => tanh(mul(w, t)).sum())(x)).sum(), [w]);
      const X = f32(x0);
      const penalty = (v: Float64Array): number => v.reduce((s, wi, i) => s + (wi * (1 - Math.tanh(wi * X[i]!) ** 2)) ** 2, 0);
      expectClose(value.dataSync(), [penalty(f32(w0))], 1e-6, 'penalty');
      expectClose(g.gradPenalty_w!.dataSync(), numericGrad(penalty, f32(w0)), 1e-5, 'd penalty / dw');
      for (const t of [w, x, value, g.gradPenalty_w!]) t.dispose();
    });
  });

  it('through avgPool works; through maxPool it is refused with a clear error, leaking nothing', () => {
    leakFree(() => {
      const x0 = [0.5, -1, 2, 0.3, 1.5, -0.2, 0.8, 1.1, -0.6, 0.9, 0.1, 1.7, -1.3, 0.4, 2.2, 0.7];
      const x = tensor(x0, [1, 4, 4, 1]);
      // Σ avgPool(x)³: the inner gradient is linear in the pooled values, so its gradient is not zero.
      const h = grad((t) => grad((u) => pow(avgPool(u, 2), 3).sum())(t).sum())(x);
      const pooled = (v: Float64Array, r: number, c: number) => (v[8 * r + 2 * c]! + v[8 * r + 2 * c + 1]! + v[8 * r + 2 * c + 4]! + v[8 * r + 2 * c + 5]!) / 4;
      const d1sum = (v: Float64Array): number => {
        let s = 0;
        for (let r = 0; r < 2; r++) for (let c = 0; c < 2; c++) s += 4 * (3 * pooled(v, r, c) ** 2) * 0.25;
        return s;
      };
      expectClose(h.dataSync(), numericGrad(d1sum, f32(x0)), 1e-5, 'avgPool');
      expect(() => grad((t) => grad((u) => square(maxPool(u, 2)).sum())(t).sum())(x)).toThrow(
        /maxPool: the gradient of maxPool's gradient \(grad of grad through maxPool on \[1,4,4,1\]\) is not supported/,
      );
      x.dispose();
      h.dispose();
    });
  });

  it('leaves first-order gradients, and gradients taken inside an unrelated outer gradient, as before', () => {
    leakFree(() => {
      const x = tensor([1, 2, 3]);
      const c = tensor([0.5, 0.5, 0.5]);
      // The inner gradient w.r.t. c does not depend on x: the outer gradient only sees x·c.
      const g = grad((t) => add(mul(t, c).sum(), grad((u) => square(u).sum())(c).sum()))(x);
      expect(Array.from(g.dataSync())).toEqual([0.5, 0.5, 0.5]);
      for (const t of [x, c, g]) t.dispose();
    });
  });
});
