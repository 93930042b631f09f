// Adadelta, Adamax, Nadam, AdamW, gradient clipping on every optimizer, learning-rate
// schedules and ReduceLROnPlateau, each checked against float64 formulas written here.
import { afterEach, describe, expect, it } from 'vitest';
import {
  Dense,
  ReduceLROnPlateau,
  Sequential,
  type Logs,
  type Tensor,
  type Variable,
  memory,
  mul,
  randomNormal,
  setSeed,
  square,
  sub,
  sum,
  tensor,
  tidy,
  variable,
  zeros,
  loadModel,
  Callback,
} from './helpers.js';
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  CosineDecay,
  ExponentialDecay,
  Momentum,
  Nadam,
  type Optimizer,
  type OptimizerOptions,
  PiecewiseConstantDecay,
  RMSprop,
  SGD,
  getOptimizer,
} from '../src/train/optimizers/index.js';

// ---- helpers --------------------------------------------------------------------

let counter = 0;
const live: Array<{ dispose(): void }> = [];
afterEach(() => {
  while (live.length > 0) live.pop()!.dispose();
});
function v(values: number[], shape?: number[]): Variable {
  const x = tidy(() => variable(tensor(values, shape), true, `opt_more_${counter++}`));
  live.push(x);
  return x;
}
function track<T extends { dispose(): void }>(o: T): T {
  live.push(o);
  return o;
}
const vals = (t: Tensor): number[] => Array.from(t.dataSync());

function expectClose(got: number[], want: number[], tol = 2e-6, label = ''): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    expect(Math.abs(got[i]! - want[i]!), `${label} element ${i}: got ${got[i]}, want ${want[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i]!)));
  }
}

/** Apply one gradient list per step to one variable per entry of x0s; the values after each step. */
function runSteps(opt: Optimizer, x0s: number[][], grads: number[][][]): number[][][] {
  const ws = x0s.map((x) => v(x));
  return grads.map((gs) => {
    const ts = gs.map((g) => tensor(g));
    opt.applyGradients(Object.fromEntries(ws.map((w, i) => [w.name, ts[i]!])));
    for (const t of ts) t.dispose();
    return ws.map(vals);
  });
}

// ---- float64 references -----------------------------------------------------------
// Each rule updates one variable in place given its gradient, the step t (1 first) and that step's learning rate.

type Rule = (n: number) => (x: number[], g: number[], t: number, lr: number) => void;

const sgdRule: Rule = () => (x, g, _t, lr) => {
  for (let i = 0; i < x.length; i++) x[i]! -= lr * g[i]!;
};
const momentumRule =
  (mu: number): Rule =>
  (n) => {
    const acc = new Array<number>(n).fill(0);
    return (x, g, _t, lr) => {
      for (let i = 0; i < n; i++) {
        acc[i] = mu * acc[i]! + g[i]!;
        x[i]! -= lr * acc[i]!;
      }
    };
  };
const adamRule =
  (b1: number, b2: number, eps: number, wd = 0): Rule =>
  (n) => {
    const m = new Array<number>(n).fill(0);
    const s = new Array<number>(n).fill(0);
    return (x, g, t, lr) => {
      for (let i = 0; i < n; i++) {
        x[i]! -= x[i]! * lr * wd; // AdamW: decoupled decay first
        m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
        s[i] = b2 * s[i]! + (1 - b2) * g[i]! ** 2;
        // Keras folds the bias corrections into the step size, with ε added to √v (not √v̂).
        const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
        x[i]! -= (alpha * m[i]!) / (Math.sqrt(s[i]!) + eps);
      }
    };
  };
const rmspropRule =
  (rho: number, eps: number): Rule =>
  (n) => {
    const ms = new Array<number>(n).fill(0);
    return (x, g, _t, lr) => {
      for (let i = 0; i < n; i++) {
        ms[i] = rho * ms[i]! + (1 - rho) * g[i]! ** 2;
        x[i]! -= (lr * g[i]!) / Math.sqrt(ms[i]! + eps);
      }
    };
  };
const adagradRule =
  (init: number, eps: number): Rule =>
  (n) => {
    const acc = new Array<number>(n).fill(init);
    return (x, g, _t, lr) => {
      for (let i = 0; i < n; i++) {
        acc[i]! += g[i]! ** 2;
        x[i]! -= (lr * g[i]!) / Math.sqrt(acc[i]! + eps);
      }
    };
  };
const adadeltaRule =
  (rho: number, eps: number): Rule =>
  (n) => {
    const eg = new Array<number>(n).fill(0);
    const ed = new Array<number>(n).fill(0);
    return (x, g, _t, lr) => {
      for (let i = 0; i < n; i++) {
        eg[i] = rho * eg[i]! + (1 - rho) * g[i]! ** 2;
        const delta = (Math.sqrt(ed[i]! + eps) / Math.sqrt(eg[i]! + eps)) * g[i]!;
        ed[i] = rho * ed[i]! + (1 - rho) * delta ** 2;
        x[i]! -= lr * delta;
      }
    };
  };
const adamaxRule =
  (b1: number, b2: number, eps: number): Rule =>
  (n) => {
    const m = new Array<number>(n).fill(0);
    const u = new Array<number>(n).fill(0);
    return (x, g, t, lr) => {
      for (let i = 0; i < n; i++) {
        m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
        u[i] = Math.max(b2 * u[i]!, Math.abs(g[i]!));
        x[i]! -= (lr / (1 - b1 ** t)) * (m[i]! / (u[i]! + eps));
      }
    };
  };
const nadamRule =
  (b1: number, b2: number, eps: number): Rule =>
  (n) => {
    const m = new Array<number>(n).fill(0);
    const s = new Array<number>(n).fill(0);
    // Keras 3's momentum schedule μ_t = β1(1 − ½·0.96^t), and the running product of μ_1..μ_t.
    const mu = (t: number): number => b1 * (1 - 0.5 * 0.96 ** t);
    const product = (t: number): number => {
      let p = 1;
      for (let k = 1; k <= t; k++) p *= mu(k);
      return p;
    };
    return (x, g, t, lr) => {
      for (let i = 0; i < n; i++) {
        m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
        s[i] = b2 * s[i]! + (1 - b2) * g[i]! ** 2;
        const mHat = (mu(t + 1) * m[i]!) / (1 - product(t + 1)) + ((1 - mu(t)) * g[i]!) / (1 - product(t));
        const vHat = s[i]! / (1 - b2 ** t);
        x[i]! -= (lr * mHat) / (Math.sqrt(vHat) + eps);
      }
    };
  };

type Clip = { clipNorm?: number; clipValue?: number; globalClipNorm?: number };
const norm = (gs: number[][]): number => Math.sqrt(gs.flat().reduce((a, b) => a + b * b, 0));

/** Gradients as Keras clips them: per variable by norm, by value, or jointly by the global norm. */
function clip64(gs: number[][], c: Clip): number[][] {
  if (c.clipValue !== undefined) return gs.map((g) => g.map((x) => Math.min(Math.max(x, -c.clipValue!), c.clipValue!)));
  if (c.clipNorm !== undefined) return gs.map((g) => g.map((x) => (x * c.clipNorm!) / Math.max(norm([g]), c.clipNorm!)));
  if (c.globalClipNorm !== undefined) {
    const n = norm(gs);
    return gs.map((g) => g.map((x) => (x * c.globalClipNorm!) / Math.max(n, c.globalClipNorm!)));
  }
  return gs;
}

/** The float64 values after each step, for one variable per entry of x0s. */
function reference(rule: Rule, x0s: number[][], grads: number[][][], lr: (step: number) => number, c: Clip = {}): number[][][] {
  const xs = x0s.map((x) => [...x]);
  const steps = x0s.map((x) => rule(x.length));
  return grads.map((gs, k) => {
    const clipped = clip64(gs, c);
    xs.forEach((x, i) => steps[i]!(x, clipped[i]!, k + 1, lr(k)));
    return xs.map((x) => [...x]);
  });
}

const x0 = [1, -2, 0.5, 3];
const grads = [
  [0.5, -1.25, 2, 0.125],
  [0.25, 1.5, -0.75, 0],
  [-1, 0.5, 0.375, 4],
  [0.75, -0.5, 1, -2],
  [2, 1, -0.25, 0.5],
];
const oneVar = grads.map((g) => [g]);

// Every optimizer, built with options, and its rule and (fixed) learning rate.
type Case = { label: string; make: (o?: OptimizerOptions) => Optimizer; rule: Rule; lr: number };
const every: Case[] = [
  { label: 'SGD(0.1)', make: (o) => new SGD(0.1, o), rule: sgdRule, lr: 0.1 },
  { label: 'Momentum(0.1, 0.9)', make: (o) => new Momentum(0.1, 0.9, false, o), rule: momentumRule(0.9), lr: 0.1 },
  { label: 'Adam(0.1)', make: (o) => new Adam(0.1, 0.9, 0.999, 1e-7, o), rule: adamRule(0.9, 0.999, 1e-7), lr: 0.1 },
  { label: 'RMSprop(0.01)', make: (o) => new RMSprop(0.01, 0.9, 0, 1e-7, false, o), rule: rmspropRule(0.9, 1e-7), lr: 0.01 },
  { label: 'Adagrad(0.5)', make: (o) => new Adagrad(0.5, 0.1, 1e-7, o), rule: adagradRule(0.1, 1e-7), lr: 0.5 },
  { label: 'Adadelta(1, 0.95, 1e-7)', make: (o) => new Adadelta(1, 0.95, 1e-7, o), rule: adadeltaRule(0.95, 1e-7), lr: 1 },
  { label: 'Adamax(0.1)', make: (o) => new Adamax(0.1, 0.9, 0.999, 1e-7, o), rule: adamaxRule(0.9, 0.999, 1e-7), lr: 0.1 },
  { label: 'Nadam(0.1)', make: (o) => new Nadam(0.1, 0.9, 0.999, 1e-7, o), rule: nadamRule(0.9, 0.999, 1e-7), lr: 0.1 },
  { label: 'AdamW(0.1, 0.1)', make: (o) => new AdamW(0.1, 0.1, 0.9, 0.999, 1e-7, o), rule: adamRule(0.9, 0.999, 1e-7, 0.1), lr: 0.1 },
];

// ---- the new update rules ----------------------------------------------------------

describe('Adadelta, Adamax, Nadam, AdamW: updates vs float64 formulas', () => {
  const cases: Array<{ label: string; make: () => Optimizer; rule: Rule; lr: number }> = [
    { label: 'Adadelta(1)', make: () => new Adadelta(1), rule: adadeltaRule(0.95, 1e-7), lr: 1 },
    { label: 'Adadelta(0.5, 0.8, 1e-4)', make: () => new Adadelta(0.5, 0.8, 1e-4), rule: adadeltaRule(0.8, 1e-4), lr: 0.5 },
    { label: 'Adamax()', make: () => new Adamax(), rule: adamaxRule(0.9, 0.999, 1e-7), lr: 0.001 },
    { label: 'Adamax(0.1, 0.8, 0.99, 1e-3)', make: () => new Adamax(0.1, 0.8, 0.99, 1e-3), rule: adamaxRule(0.8, 0.99, 1e-3), lr: 0.1 },
    { label: 'Nadam()', make: () => new Nadam(), rule: nadamRule(0.9, 0.999, 1e-7), lr: 0.001 },
    { label: 'Nadam(0.1, 0.8, 0.99, 1e-3)', make: () => new Nadam(0.1, 0.8, 0.99, 1e-3), rule: nadamRule(0.8, 0.99, 1e-3), lr: 0.1 },
    { label: 'AdamW()', make: () => new AdamW(), rule: adamRule(0.9, 0.999, 1e-7, 0.004), lr: 0.001 },
    { label: 'AdamW(0.1, 0.2, 0.8, 0.99, 1e-3)', make: () => new AdamW(0.1, 0.2, 0.8, 0.99, 1e-3), rule: adamRule(0.8, 0.99, 1e-3, 0.2), lr: 0.1 },
    { label: 'AdamW(0.1, 0)', make: () => new AdamW(0.1, 0), rule: adamRule(0.9, 0.999, 1e-7, 0), lr: 0.1 },
  ];
  for (const c of cases) {
    it(`${c.label}: five steps`, () => {
      const opt = track(c.make());
      const got = runSteps(opt, [x0], oneVar);
      const want = reference(c.rule, [x0], oneVar, () => c.lr);
      got.forEach((step, k) => expectClose(step[0]!, want[k]![0]!, 2e-6, `step ${k + 1}`));
      // The steps move the values well beyond the tolerance (the test can fail).
      expect(Math.max(...want[4]![0]!.map((w, i) => Math.abs(w - x0[i]!)))).toBeGreaterThan(1e-3);
      expect(opt.iterations).toBe(5);
    });
  }

  it("AdamW's decay is decoupled: with a zero gradient the variable shrinks by lr·weightDecay per step", () => {
    const opt = track(new AdamW(0.1, 0.5));
    const got = runSteps(opt, [[2, -4]], [[[0, 0]], [[0, 0]]]);
    expectClose(got[0]![0]!, [2 * 0.95, -4 * 0.95]);
    expectClose(got[1]![0]!, [2 * 0.95 ** 2, -4 * 0.95 ** 2]);
  });

  it('Nadam restored with setWeights continues as the uninterrupted run (its momentum product follows the step)', () => {
    const a = track(new Nadam(0.1));
    const w = v(x0);
    const step = (o: Optimizer, g: number[]): void => {
      const t = tensor(g);
      o.applyGradients({ [w.name]: t });
      t.dispose();
    };
    step(a, grads[0]!);
    step(a, grads[1]!);
    const b = track(new Nadam(0.1));
    b.setWeights(a.getWeights());
    const saved = vals(w);
    step(a, grads[2]!);
    const next = vals(w);
    tidy(() => w.assign(tensor(saved)));
    step(b, grads[2]!);
    expect(vals(w)).toEqual(next);
  });

  it('getConfig reports the hyperparameters (Keras defaults)', () => {
    expect(track(new Adadelta()).getConfig()).toEqual({ learningRate: 0.001, rho: 0.95, epsilon: 1e-7 });
    expect(track(new Adamax()).getConfig()).toEqual({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(track(new Nadam()).getConfig()).toEqual({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(track(new AdamW()).getConfig()).toEqual({ learningRate: 0.001, weightDecay: 0.004, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(track(new SGD(0.1, { clipNorm: 2 })).getConfig()).toEqual({ learningRate: 0.1, clipNorm: 2 });
  });

  it('bad hyperparameters name the optimizer and the value', () => {
    expect(() => new Adadelta(1, 1.5)).toThrow(/Adadelta: rho must be a finite number in \[0, 1\], got 1.5/);
    expect(() => new Adadelta(1, 0.9, 0)).toThrow(/Adadelta: epsilon must be a finite number in \(0, Infinity\], got 0/);
    expect(() => new Adamax(0.1, 1)).toThrow(/Adamax: beta1 must be a finite number in \[0, 1\), got 1/);
    expect(() => new Nadam(0.1, 0.9, -0.1)).toThrow(/Nadam: beta2 must be a finite number in \[0, 1\), got -0.1/);
    expect(() => new AdamW(0.1, -0.01)).toThrow(/AdamW: weightDecay must be a finite number in \[0, Infinity\], got -0.01/);
    expect(() => new AdamW(Number.NaN)).toThrow(/AdamW: learningRate must be a finite number > 0, got NaN/);
  });

  it('memory stays flat over 50 steps (with global clipping too)', () => {
    for (const make of [
      () => new Adadelta(1),
      () => new Adamax(0.01),
      () => new Nadam(0.01),
      () => new AdamW(0.01, 0.1),
      () => new Adam(0.01, 0.9, 0.999, 1e-7, { globalClipNorm: 0.5 }),
    ]) {
      const w = v([0.3, -0.2, 0.1, 0.4, -0.5, 0.6], [2, 3]);
      const b = v([0.1, -0.1, 0.2]);
      const x = tensor([1, 2, 3, -1, 0.5, 2], [2, 3]);
      const opt = track(make());
      const loss = (): Tensor => tidy(() => sum(square(sub(mul(w, x), b))));
      opt.minimize(loss, false, [w, b]);
      const before = memory();
      for (let i = 0; i < 50; i++) opt.minimize(loss, false, [w, b]);
      const after = memory();
      expect(after.numTensors, opt.className).toBe(before.numTensors);
      expect(after.numDataIds, opt.className).toBe(before.numDataIds);
      x.dispose();
    }
  });
});

// ---- clipping ------------------------------------------------------------------------

describe('gradient clipping on every optimizer', () => {
  const x1 = [0.5, -1];
  const grads2 = grads.map((g, k) => [g, [g[k % 4]! * 2, -g[(k + 1) % 4]!]]);
  const clips: Clip[] = [{ clipNorm: 2 }, { clipValue: 0.8 }, { globalClipNorm: 2.5 }];
  for (const c of every) {
    for (const clip of clips) {
      it(`${c.label} with ${JSON.stringify(clip)}: five steps over two variables`, () => {
        const opt = track(c.make(clip));
        const got = runSteps(opt, [x0, x1], grads2);
        const want = reference(c.rule, [x0, x1], grads2, () => c.lr, clip);
        const unclipped = reference(c.rule, [x0, x1], grads2, () => c.lr);
        got.forEach((step, k) => step.forEach((x, i) => expectClose(x, want[k]![i]!, 2e-6, `step ${k + 1} variable ${i}`)));
        // Clipping changes the result by far more than the tolerance.
        const diff = Math.max(...want[4]!.flatMap((x, i) => x.map((w, j) => Math.abs(w - unclipped[4]![i]![j]!))));
        expect(diff).toBeGreaterThan(1e-4);
      });
    }
  }

  it('a gradient within clipNorm is unchanged', () => {
    const opt = track(new SGD(1, { clipNorm: 10 }));
    const got = runSteps(opt, [[1, 1]], [[[3, 4]]]);
    expectClose(got[0]![0]!, [-2, -3]);
  });

  it('rejects bad clipping options, naming the optimizer', () => {
    expect(() => new SGD(0.1, { clipNorm: 1, clipValue: 1 })).toThrow(
      /SGD: set at most one of clipNorm, clipValue and globalClipNorm, got clipNorm and clipValue/,
    );
    expect(() => new Adam(0.1, 0.9, 0.999, 1e-7, { clipNorm: 0 })).toThrow(/Adam: clipNorm must be a finite number > 0, got 0/);
    expect(() => new Nadam(0.1, 0.9, 0.999, 1e-7, { globalClipNorm: Number.POSITIVE_INFINITY })).toThrow(
      /Nadam: globalClipNorm must be a finite number > 0, got Infinity/,
    );
    expect(() => new Momentum(0.1, 0.9, false, { clipnorm: 1 } as OptimizerOptions)).toThrow(
      /Momentum: unknown option 'clipnorm'; options are clipNorm, clipValue, globalClipNorm/,
    );
  });
});

// ---- schedules -----------------------------------------------------------------------

describe('learning-rate schedules', () => {
  const steps = Array.from({ length: 40 }, (_, i) => i);

  it('ExponentialDecay: lr·rate^(step/decaySteps), floored with staircase', () => {
    const s = new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 7, decayRate: 0.5 });
    const st = new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 7, decayRate: 0.5, staircase: true });
    for (const k of steps) {
      expect(s.at(k)).toBeCloseTo(0.1 * Math.exp((Math.log(0.5) * k) / 7), 15);
      expect(st.at(k)).toBeCloseTo(0.1 * 0.5 ** Math.floor(k / 7), 15);
    }
    expect(st.at(6)).toBe(0.1);
    expect(st.at(7)).toBe(0.05);
  });

  it('PiecewiseConstantDecay: values[i] up to and including boundaries[i]', () => {
    const s = new PiecewiseConstantDecay({ boundaries: [5, 12], values: [1, 0.5, 0.1] });
    for (const k of steps) expect(s.at(k)).toBe(k <= 5 ? 1 : k <= 12 ? 0.5 : 0.1);
  });

  it('CosineDecay: cosine from the initial rate to alpha·initial, capped after decaySteps', () => {
    const s = new CosineDecay({ initialLearningRate: 0.2, decaySteps: 20, alpha: 0.1 });
    for (const k of steps) {
      const frac = Math.min(k, 20) / 20;
      expect(s.at(k)).toBeCloseTo(0.2 * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * frac))), 15);
    }
    expect(s.at(0)).toBeCloseTo(0.2, 15);
    expect(s.at(10)).toBeCloseTo(0.2 * 0.55, 15);
    expect(s.at(35)).toBeCloseTo(0.02, 15);
  });

  it('CosineDecay with warm-up: linear from initial to the target over warmupSteps, then cosine from the target', () => {
    const s = new CosineDecay({ initialLearningRate: 0, warmupTarget: 0.4, warmupSteps: 8, decaySteps: 16 });
    for (const k of steps) {
      const want = k < 8 ? (0.4 * k) / 8 : 0.4 * 0.5 * (1 + Math.cos((Math.PI * Math.min(k - 8, 16)) / 16));
      expect(s.at(k)).toBeCloseTo(want, 15);
    }
    expect(s.at(4)).toBeCloseTo(0.2, 15);
    expect(s.at(8)).toBeCloseTo(0.4, 15);
    expect(s.at(16)).toBeCloseTo(0.2, 15);
  });

  it('drive any optimizer: SGD and Adam step with the schedule at their iteration count', () => {
    const sched = new ExponentialDecay({ initialLearningRate: 0.3, decaySteps: 2, decayRate: 0.5 });
    const sgd = track(new SGD(sched));
    expect(sgd.learningRate).toBe(0.3);
    const got = runSteps(sgd, [x0], oneVar);
    const want = reference(sgdRule, [x0], oneVar, (k) => 0.3 * 0.5 ** (k / 2));
    got.forEach((s, k) => expectClose(s[0]!, want[k]![0]!));
    expect(sgd.learningRate).toBeCloseTo(0.3 * 0.5 ** 2.5, 12);

    const cos = new CosineDecay({ initialLearningRate: 0.01, warmupTarget: 0.2, warmupSteps: 2, decaySteps: 3 });
    const adam = track(new Adam(cos, 0.9, 0.999, 1e-7, { clipValue: 1.5 }));
    const gotA = runSteps(adam, [x0], oneVar);
    const lr = (k: number): number => (k < 2 ? 0.01 + (0.19 * k) / 2 : 0.2 * 0.5 * (1 + Math.cos((Math.PI * Math.min(k - 2, 3)) / 3)));
    const wantA = reference(adamRule(0.9, 0.999, 1e-7), [x0], oneVar, lr, { clipValue: 1.5 });
    gotA.forEach((s, k) => expectClose(s[0]!, wantA[k]![0]!, 2e-6, `step ${k + 1}`));
  });

  it('a scheduled learning rate cannot be set; ReduceLROnPlateau says so', () => {
    const opt = track(new Adam(new PiecewiseConstantDecay({ boundaries: [1], values: [0.1, 0.01] })));
    expect(() => {
      opt.learningRate = 0.5;
    }).toThrow(/Adam.learningRate: this optimizer follows the schedule PiecewiseConstantDecay, so its learning rate cannot be set/);
    expect(() => getOptimizer(opt, 0.5)).toThrow(/follows the schedule PiecewiseConstantDecay/);
  });

  it('rejects bad schedule arguments, naming the schedule and the value', () => {
    expect(() => new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.5 })).toThrow(
      /ExponentialDecay: decaySteps must be a finite number > 0, got 0/,
    );
    expect(() => new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10 } as never)).toThrow(
      /ExponentialDecay: decayRate must be a finite number > 0, got undefined/,
    );
    expect(() => new PiecewiseConstantDecay({ boundaries: [5, 3], values: [1, 2, 3] })).toThrow(
      /PiecewiseConstantDecay: boundaries must increase, got \[5, 3\]/,
    );
    expect(() => new PiecewiseConstantDecay({ boundaries: [5], values: [1] })).toThrow(
      /values must have one more entry than boundaries, got 1 values for 1 boundaries/,
    );
    expect(() => new CosineDecay({ initialLearningRate: 0.1, decaySteps: 10, warmupSteps: 5 })).toThrow(/CosineDecay: warmupSteps 5 needs a warmupTarget/);
    expect(() => new CosineDecay({ initialLearningRate: 0.1, decaySteps: 10, alpah: 0.1 } as never)).toThrow(/CosineDecay: unknown option 'alpah'/);
  });
});

// ---- saved with models ------------------------------------------------------------------

describe('new optimizers, clipping and schedules round-trip through a saved model', () => {
  const makers: Array<[string, () => Optimizer]> = [
    ['Adadelta', () => new Adadelta(0.9, 0.8, 1e-6)],
    ['Adamax', () => new Adamax(0.004, 0.85, 0.995, 1e-6, { clipValue: 0.3 })],
    ['Nadam', () => new Nadam(0.003, 0.8, 0.99, 1e-6, { globalClipNorm: 0.7 })],
    ['AdamW', () => new AdamW(0.002, 0.05, 0.85, 0.99, 1e-6, { clipNorm: 1.5 })],
    ['SGD + ExponentialDecay', () => new SGD(new ExponentialDecay({ initialLearningRate: 0.2, decaySteps: 3, decayRate: 0.7, staircase: true }))],
    ['Adam + PiecewiseConstantDecay', () => new Adam(new PiecewiseConstantDecay({ boundaries: [2, 4], values: [0.01, 0.005, 0.001] }))],
    ['AdamW + CosineDecay', () => new AdamW(new CosineDecay({ initialLearningRate: 0.001, warmupTarget: 0.01, warmupSteps: 2, decaySteps: 5, alpha: 0.1 }))],
  ];
  for (const [label, make] of makers) {
    it(`${label}: config, schedule and training steps match the original bit for bit`, async () => {
      setSeed(31);
      const model = new Sequential({ layers: [new Dense({ units: 3, inputShape: [4] })] });
      model.compile({ optimizer: make(), loss: 'meanSquaredError' });
      const loaded = await loadModel(model.toArtifacts());
      expect(loaded.optimizer!.className).toBe(model.optimizer!.className);
      expect(loaded.optimizer!.getConfig()).toEqual(model.optimizer!.getConfig());
      expect(loaded.optimizer!.learningRateSchedule?.getConfig()).toEqual(model.optimizer!.learningRateSchedule?.getConfig());
      const x = randomNormal([8, 4], 0, 1, 'float32', 3);
      const y = randomNormal([8, 3], 0, 1, 'float32', 4);
      for (let i = 0; i < 4; i++) expect(loaded.trainOnBatch(x, y)).toEqual(model.trainOnBatch(x, y));
      expect(loaded.getWeightValues()).toEqual(model.getWeightValues());
      for (const t of [x, y]) t.dispose();
      model.dispose();
      loaded.dispose();
    });
  }

  it('a damaged schedule in the file fails clearly', async () => {
    setSeed(32);
    const model = new Sequential({ layers: [new Dense({ units: 1, inputShape: [2] })] });
    model.compile({ optimizer: new SGD(new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 3, decayRate: 0.5 })), loss: 'meanSquaredError' });
    const art = model.toArtifacts();
    art.trainingConfig!.optimizer.learningRateSchedule!.config['decaySteps'] = -1;
    await expect(loadModel(art)).rejects.toThrow(/trainingConfig.optimizer is invalid: ExponentialDecay: decaySteps must be a finite number > 0, got -1/);
    art.trainingConfig!.optimizer.learningRateSchedule!.className = 'OneCycle';
    await expect(loadModel(art)).rejects.toThrow(/'OneCycle' is not a built-in schedule \(ExponentialDecay, PiecewiseConstantDecay, CosineDecay\)/);
    model.dispose();
  });
});

// ---- ReduceLROnPlateau --------------------------------------------------------------------

/** Writes a scripted value into the epoch's logs (it runs before the callbacks after it). */
class Script extends Callback {
  constructor(private readonly values: number[]) {
    super();
  }
  override onEpochEnd(epoch: number, logs: Logs): void {
    logs['val_score'] = this.values[epoch]!;
  }
}

/** Records the optimizer's learning rate after every epoch's callbacks before it. */
class LrLog extends Callback {
  readonly lrs: number[] = [];
  override onEpochEnd(): void {
    this.lrs.push(this.model!.optimizer!.learningRate);
  }
}

describe('ReduceLROnPlateau', () => {
  function model(): Sequential {
    setSeed(41);
    const m = new Sequential({ layers: [new Dense({ units: 1, inputShape: [2], useBias: false })] });
    return m;
  }

  it('reduces after patience stalled epochs, waits out the cooldown, and stops at minLr (as Keras)', async () => {
    const m = model();
    m.compile({ optimizer: new SGD(0.1), loss: 'meanSquaredError' });
    const values = [1.0, 0.995, 0.99, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
    const rlr = new ReduceLROnPlateau({ monitor: 'val_score', factor: 0.5, patience: 2, minDelta: 0.01, cooldown: 1, minLr: 0.02 });
    const log = new LrLog();
    const x = randomNormal([4, 2], 0, 1, 'float32', 5);
    const y = randomNormal([4, 1], 0, 1, 'float32', 6);
    await m.fit(x, y, { epochs: values.length, verbose: 0, callbacks: [new Script(values), rlr, log] });
    // Worked by hand: 0.995 and 0.99 do not beat 1.0 by more than 0.01 → halve at epoch 2; the cooldown
    // epoch 3 improves (0.5); epochs 4, 5 stall → halve; 6 is cooldown, then 6, 7 stall → 0.0125 floored to 0.02.
    expect(log.lrs).toEqual([0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.02, 0.02, 0.02]);
    for (const t of [x, y]) t.dispose();
    m.dispose();
  });

  it("mode 'max' (auto for accuracies) counts increases as improvements", async () => {
    const m = model();
    m.compile({ optimizer: new SGD(0.1), loss: 'meanSquaredError' });
    const values = [0.5, 0.6, 0.6, 0.55, 0.7];
    const rlr = new ReduceLROnPlateau({ monitor: 'val_score', mode: 'max', factor: 0.2, patience: 1, minDelta: 0 });
    expect(new ReduceLROnPlateau({ monitor: 'val_acc' }).mode).toBe('max');
    expect(new ReduceLROnPlateau().mode).toBe('min');
    const log = new LrLog();
    const x = zeros([2, 2]);
    const y = zeros([2, 1]);
    await m.fit(x, y, { epochs: values.length, verbose: 0, callbacks: [new Script(values), rlr, log] });
    expectClose(log.lrs, [0.1, 0.1, 0.02, 0.004, 0.004], 1e-15);
    for (const t of [x, y]) t.dispose();
    m.dispose();
  });

  it('in a real fit on a plateau (zero inputs: the loss cannot move) the rate falls every patience epochs', async () => {
    const m = model();
    m.compile({ optimizer: new SGD(0.4), loss: 'meanSquaredError' });
    const x = zeros([6, 2]);
    const y = tensor([[1], [2], [3], [1], [2], [3]]);
    const rlr = new ReduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 2 });
    const log = new LrLog();
    const history = await m.fit(x, y, { epochs: 6, batchSize: 3, verbose: 0, callbacks: [rlr, log] });
    expect(history.history['loss']!.every((l) => Math.abs(l - history.history['loss']![0]!) < 1e-6)).toBe(true);
    expect(log.lrs).toEqual([0.4, 0.4, 0.2, 0.2, 0.1, 0.1]);
    for (const t of [x, y]) t.dispose();
    m.dispose();
  });

  it('bad options, a missing log and a scheduled optimizer fail clearly', async () => {
    expect(() => new ReduceLROnPlateau({ factor: 1 })).toThrow(/ReduceLROnPlateau: factor must be a number in \(0, 1\)/);
    expect(() => new ReduceLROnPlateau({ patience: -1 })).toThrow(/ReduceLROnPlateau: patience must be an integer ≥ 0, got -1/);
    expect(() => new ReduceLROnPlateau({ minLr: -1 })).toThrow(/ReduceLROnPlateau: minLr must be a finite number ≥ 0, got -1/);
    expect(() => new ReduceLROnPlateau({ mode: 'up' as never })).toThrow(/ReduceLROnPlateau: mode must be 'min', 'max' or 'auto', got up/);
    expect(() => new ReduceLROnPlateau({ patiense: 2 } as never)).toThrow(/ReduceLROnPlateau: unknown option 'patiense'/);
    const m = model();
    m.compile({ optimizer: new SGD(0.1), loss: 'meanSquaredError' });
    const x = zeros([2, 2]);
    const y = zeros([2, 1]);
    await expect(m.fit(x, y, { verbose: 0, callbacks: [new ReduceLROnPlateau()] })).rejects.toThrow(
      /ReduceLROnPlateau: 'val_loss' is not in the logs \(have loss\); monitor one of those/,
    );
    m.optimizer!.dispose(); // compile does not free the optimizer it replaces
    m.compile({ optimizer: new SGD(new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.5 })), loss: 'meanSquaredError' });
    await expect(m.fit(x, y, { verbose: 0, callbacks: [new ReduceLROnPlateau({ monitor: 'loss' })] })).rejects.toThrow(
      /ReduceLROnPlateau: the optimizer's learning rate follows the schedule ExponentialDecay/,
    );
    for (const t of [x, y]) t.dispose();
    m.dispose();
  });
});
