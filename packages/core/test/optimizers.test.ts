import { afterEach, describe, expect, it } from 'vitest';
import { type Tensor, type Variable, memory, mul, registeredVariables, square, sub, sum, tensor, tidy, variable } from './helpers.js';
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  Momentum,
  Nadam,
  type Optimizer,
  RMSprop,
  SGD,
  getOptimizer,
  optimizerNames,
} from '../src/train/optimizers/index.js';

// ---- helpers --------------------------------------------------------------------

let counter = 0;
const live: Array<{ dispose(): void }> = [];
afterEach(() => {
  while (live.length > 0) live.pop()!.dispose();
});
/** A variable (and an optimizer) freed after the test, even when it fails. */
function v(values: number[], shape?: number[], name = `opt_test_${counter++}`): Variable {
  const x = tidy(() => variable(tensor(values, shape), true, name));
  live.push(x);
  return x;
}
function track<T extends { dispose(): void }>(o: T): T {
  live.push(o);
  return o;
}
const vals = (t: Tensor): number[] => Array.from(t.dataSync());
const f32 = (xs: number[]): number[] => Array.from(Float32Array.from(xs));

function expectClose(got: number[], want: number[], rel = 2e-6): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    expect(Math.abs(got[i]! - want[i]!), `element ${i}: got ${got[i]}, want ${want[i]}`).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(want[i]!)));
  }
}

/** Apply `grads` (one array per step) through applyGradients; return the value after each step. */
function runSteps(opt: Optimizer, x0: number[], grads: number[][]): number[][] {
  const w = v(x0);
  const out: number[][] = [];
  for (const g of grads) {
    const gt = tensor(g);
    opt.applyGradients({ [w.name]: gt });
    gt.dispose();
    out.push(vals(w));
  }
  return out;
}

// float64 references: one function per formula, written from the docs, step by step.
type Ref = (x: number[], grads: number[][]) => number[][];

const sgdRef =
  (lr: number): Ref =>
  (x0, grads) => {
    const x = [...x0];
    return grads.map((g) => {
      for (let i = 0; i < x.length; i++) x[i]! -= lr * g[i]!;
      return [...x];
    });
  };

const momentumRef =
  (lr: number, mu: number, nesterov: boolean): Ref =>
  (x0, grads) => {
    const x = [...x0];
    const acc = x.map(() => 0);
    return grads.map((g) => {
      for (let i = 0; i < x.length; i++) {
        acc[i] = mu * acc[i]! + g[i]!;
        x[i]! -= nesterov ? lr * (g[i]! + mu * acc[i]!) : lr * acc[i]!;
      }
      return [...x];
    });
  };

const adamRef =
  (lr: number, b1: number, b2: number, eps: number): Ref =>
  (x0, grads) => {
    const x = [...x0];
    const m = x.map(() => 0);
    const s = x.map(() => 0);
    return grads.map((g, k) => {
      const t = k + 1;
      const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
      for (let i = 0; i < x.length; i++) {
        m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
        s[i] = b2 * s[i]! + (1 - b2) * g[i]! ** 2;
        x[i]! -= (alpha * m[i]!) / (Math.sqrt(s[i]!) + eps);
      }
      return [...x];
    });
  };

const rmspropRef =
  (lr: number, rho: number, mu: number, eps: number, centered: boolean): Ref =>
  (x0, grads) => {
    const x = [...x0];
    const ms = x.map(() => 0);
    const mg = x.map(() => 0);
    const mom = x.map(() => 0);
    return grads.map((g) => {
      for (let i = 0; i < x.length; i++) {
        ms[i] = rho * ms[i]! + (1 - rho) * g[i]! ** 2;
        let denom = ms[i]!;
        if (centered) {
          mg[i] = rho * mg[i]! + (1 - rho) * g[i]!;
          denom -= mg[i]! ** 2;
        }
        const inc = (lr * g[i]!) / Math.sqrt(denom + eps);
        if (mu > 0) {
          mom[i] = mu * mom[i]! + inc;
          x[i]! -= mom[i]!;
        } else {
          x[i]! -= inc;
        }
      }
      return [...x];
    });
  };

const adagradRef =
  (lr: number, init: number, eps: number): Ref =>
  (x0, grads) => {
    const x = [...x0];
    const acc = x.map(() => init);
    return grads.map((g) => {
      for (let i = 0; i < x.length; i++) {
        acc[i]! += g[i]! ** 2;
        x[i]! -= (lr * g[i]!) / Math.sqrt(acc[i]! + eps);
      }
      return [...x];
    });
  };

const x0 = [1, -2, 0.5, 3];
const grads3 = [
  [0.5, -1.25, 2, 0.125],
  [0.25, 1.5, -0.75, 0],
  [-1, 0.5, 0.375, 4],
];

const cases: Array<{ label: string; make: () => Optimizer; ref: Ref }> = [
  { label: 'SGD(0.1)', make: () => new SGD(0.1), ref: sgdRef(0.1) },
  { label: 'Momentum(0.1, 0.9)', make: () => new Momentum(0.1, 0.9), ref: momentumRef(0.1, 0.9, false) },
  { label: 'Momentum(0.05, 0.8, nesterov)', make: () => new Momentum(0.05, 0.8, true), ref: momentumRef(0.05, 0.8, true) },
  { label: 'Adam()', make: () => new Adam(), ref: adamRef(0.001, 0.9, 0.999, 1e-7) },
  { label: 'Adam(0.1, 0.8, 0.99, 1e-3)', make: () => new Adam(0.1, 0.8, 0.99, 1e-3), ref: adamRef(0.1, 0.8, 0.99, 1e-3) },
  { label: 'RMSprop()', make: () => new RMSprop(), ref: rmspropRef(0.001, 0.9, 0, 1e-7, false) },
  { label: 'RMSprop(0.01, 0.8, 0.5)', make: () => new RMSprop(0.01, 0.8, 0.5), ref: rmspropRef(0.01, 0.8, 0.5, 1e-7, false) },
  { label: 'RMSprop(0.01, 0.9, 0, 1e-6, centered)', make: () => new RMSprop(0.01, 0.9, 0, 1e-6, true), ref: rmspropRef(0.01, 0.9, 0, 1e-6, true) },
  { label: 'RMSprop(0.01, 0.9, 0.9, 1e-7, centered)', make: () => new RMSprop(0.01, 0.9, 0.9, 1e-7, true), ref: rmspropRef(0.01, 0.9, 0.9, 1e-7, true) },
  { label: 'Adagrad()', make: () => new Adagrad(), ref: adagradRef(0.01, 0.1, 1e-7) },
  { label: 'Adagrad(0.5, 0.01)', make: () => new Adagrad(0.5, 0.01), ref: adagradRef(0.5, 0.01, 1e-7) },
];

// ---- formulas -------------------------------------------------------------------

describe('optimizers: updates vs float64 formulas', () => {
  for (const c of cases) {
    it(`${c.label}: three steps`, () => {
      const opt = track(c.make());
      const got = runSteps(opt, x0, grads3);
      const want = c.ref(x0, grads3);
      got.forEach((step, k) => expectClose(step, want[k]!));
      expect(opt.iterations).toBe(3);
    });
  }

  it('minimize differentiates, applies and returns the cost on request', () => {
    const w = v([1, 2, 3]);
    const target = tensor([0.5, 0.5, 0.5]);
    const opt = track(new SGD(0.25));
    const loss = (): Tensor => sum(square(sub(w, target)));
    const cost = opt.minimize(loss, true);
    expect(cost.shape).toEqual([]);
    expect(vals(cost)[0]).toBeCloseTo(0.25 + 2.25 + 6.25, 5);
    cost.dispose();
    // w -= 0.25 · 2(w - 0.5)
    expectClose(vals(w), [0.75, 1.25, 1.75]);
    expect(opt.minimize(loss)).toBeNull();
    expectClose(vals(w), [0.625, 0.875, 1.125]);
    target.dispose();
  });

  it('minimize with varList updates only those variables', () => {
    const a = v([1]);
    const b = v([1]);
    const opt = track(new SGD(0.5));
    opt.minimize(() => sum(mul(a, b)), false, [a]);
    expect(vals(a)).toEqual([0.5]);
    expect(vals(b)).toEqual([1]);
  });

  it('accepts gradients as a list, looks names up in varList, and skips null gradients', () => {
    const a = v([1, 2]);
    const b = v([3]);
    const opt = track(new SGD(1));
    const ga = tensor([0.5, 0.5]);
    const gb = tensor([1]);
    try {
      opt.applyGradients([
        { name: a.name, tensor: ga },
        { name: b.name, tensor: gb },
      ]);
      expect(vals(a)).toEqual([0.5, 1.5]);
      expect(vals(b)).toEqual([2]);
      opt.applyGradients({ [a.name]: ga, [b.name]: null }, [a, b]);
      expect(vals(a)).toEqual([0, 1]);
      expect(vals(b)).toEqual([2]);
      expect(() => opt.applyGradients({ [b.name]: gb }, [a])).toThrow(/gradient for '.*' but no variable of that name in varList/);
      expect(() => opt.applyGradients({ nope: gb })).toThrow(/no registered variable of that name/);
    } finally {
      ga.dispose();
      gb.dispose();
    }
  });
});

// ---- convergence and memory ---------------------------------------------------------

describe('optimizers: training', () => {
  const bowl: Array<[string, () => Optimizer, number]> = [
    ['sgd', () => new SGD(0.1), 100],
    ['momentum', () => new Momentum(0.05, 0.9), 200],
    ['nesterov', () => new Momentum(0.05, 0.9, true), 200],
    ['adam', () => new Adam(0.05), 400],
    ['rmsprop', () => new RMSprop(0.05), 400],
    ['rmsprop centered + momentum', () => new RMSprop(0.005, 0.9, 0.5, 1e-7, true), 400],
    ['adagrad', () => new Adagrad(0.5), 300],
  ];
  for (const [label, make, steps] of bowl) {
    it(`${label} converges on a quadratic bowl`, () => {
      const w = v([3, -2, 1.5, -0.5], [2, 2]);
      const center = track(tensor([1, 2, -1, 0.5], [2, 2]));
      const scale = track(tensor([1, 2, 0.5, 1.5], [2, 2]));
      const opt = track(make());
      const loss = (): Tensor => sum(mul(scale, square(sub(w, center))));
      for (let i = 0; i < steps; i++) opt.minimize(loss);
      const final = track(tidy(loss));
      expect(vals(final)[0]).toBeLessThan(1e-4);
      expectClose(vals(w), [1, 2, -1, 0.5], 1e-2);
    });
  }

  for (const c of cases) {
    it(`${c.label}: memory stays flat over 100 steps`, () => {
      const w = v([0.3, -0.2, 0.1, 0.4, -0.5, 0.6], [2, 3]);
      const b = v([0.1, -0.1, 0.2]);
      const x = tensor([1, 2, 3, -1, 0.5, 2], [2, 3]);
      const opt = track(c.make());
      const loss = (): Tensor => tidy(() => sum(square(sub(mul(w, x), b))));
      opt.minimize(loss, false, [w, b]); // step 1 creates the slots
      const before = memory();
      for (let i = 0; i < 100; i++) opt.minimize(loss, false, [w, b]);
      const after = memory();
      expect(after.numTensors).toBe(before.numTensors);
      expect(after.numDataIds).toBe(before.numDataIds);
      expect(after.numBytes).toBe(before.numBytes);
      x.dispose();
    });
  }
});

// ---- slots, weights, dispose ---------------------------------------------------------

describe('optimizers: slots and state', () => {
  const slotNames = (opt: Optimizer): string[] => [...registeredVariables().keys()].filter((n) => n.endsWith(`#${opt.id}`));

  it('creates non-trainable slot variables lazily, with unique names, and frees them on dispose', () => {
    const w = v([1, 2], undefined, 'bowl/w');
    const adam = new Adam();
    const other = track(new Adam());
    expect(slotNames(adam)).toEqual([]);
    const g = tensor([0.5, 0.5]);
    adam.applyGradients({ [w.name]: g });
    other.applyGradients({ [w.name]: g });
    expect(slotNames(adam).sort()).toEqual([`Adam/iter#${adam.id}`, `bowl/w/adam_m#${adam.id}`, `bowl/w/adam_v#${adam.id}`]);
    expect(slotNames(other)).toHaveLength(3);
    for (const n of slotNames(adam)) expect(registeredVariables().get(n)!.trainable).toBe(false);
    // getWeights hands out the live state: exactly the tensors the optimizer holds
    const own = [`Adam/iter#${adam.id}`, `bowl/w/adam_m#${adam.id}`, `bowl/w/adam_v#${adam.id}`];
    const weights = adam.getWeights();
    expect(weights.map((w) => w.name)).toEqual(['iter', 'bowl/w/m', 'bowl/w/v']);
    weights.forEach((w, i) => expect(w.tensor).toBe(registeredVariables().get(own[i]!)));
    const before = memory().numTensors;
    adam.dispose();
    expect(memory().numTensors).toBe(before - 3);
    expect(slotNames(adam)).toEqual([]);
    g.dispose();
  });

  it('frees the slots of a variable that was disposed', () => {
    const opt = track(new RMSprop(0.01, 0.9, 0.9, 1e-7, true));
    const w = variable([1, 2], true, `opt_test_${counter++}`);
    const g = tensor([1, 1]);
    opt.applyGradients({ [w.name]: g });
    expect(slotNames(opt)).toHaveLength(4); // iter + rms, mg, momentum
    w.dispose();
    const k = v([1]);
    const gk = tensor([1]);
    opt.applyGradients({ [k.name]: gk });
    expect(slotNames(opt)).toHaveLength(4); // iter + k's
    g.dispose();
    gk.dispose();
  });

  it('getWeights/setWeights round-trip the state', () => {
    const a = v([1, 2, 3]);
    const b = v([0.5]);
    const opt = track(new Adam(0.1));
    const step = (o: Optimizer, ga: number[], gb: number[]): void => {
      const ta = tensor(ga);
      const tb = tensor(gb);
      o.applyGradients({ [a.name]: ta, [b.name]: tb });
      ta.dispose();
      tb.dispose();
    };
    step(opt, [1, -1, 0.5], [2]);
    step(opt, [0.5, 0.25, -1], [-1]);
    const weights = opt.getWeights();
    expect(weights.map((w) => w.name)).toEqual(['iter', `${a.name}/m`, `${a.name}/v`, `${b.name}/m`, `${b.name}/v`]);
    expect(weights[0]!.tensor.dtype).toBe('int32');
    expect(vals(weights[0]!.tensor)).toEqual([2]);

    expect(new Adam().getWeights()).toEqual([]);

    const restored = track(new Adam(0.1));
    restored.setWeights(weights);
    expect(restored.iterations).toBe(2);
    expect(restored.getWeights().map((w) => w.name)).toEqual(weights.map((w) => w.name));
    const aSaved = vals(a);
    const bSaved = vals(b);
    step(opt, [0.25, 0.5, 1], [0.5]);
    const aNext = vals(a);
    const bNext = vals(b);
    tidy(() => {
      a.assign(tensor(aSaved));
      b.assign(tensor(bSaved));
    });
    step(restored, [0.25, 0.5, 1], [0.5]);
    expect(vals(a)).toEqual(aNext);
    expect(vals(b)).toEqual(bNext);
  });

  it('setWeights validates everything before changing anything', () => {
    const a = v([1, 2]);
    const opt = track(new Momentum(0.1, 0.9));
    const good = tensor([1, 1]);
    const bad = tensor([1, 1, 1]);
    const iter = tensor(5, [], 'int32');
    try {
      expect(() =>
        opt.setWeights([
          { name: 'iter', tensor: iter },
          { name: `${a.name}/momentum`, tensor: bad },
        ]),
      ).toThrow(/Momentum.setWeights: '.*\/momentum' is \[3\] float32 but variable '.*' is \[2\] float32/);
      expect(opt.iterations).toBe(0);
      expect(slotNames(opt)).toEqual([]);
      expect(opt.getWeights()).toEqual([]);
      expect(() => opt.setWeights([{ name: `${a.name}/m`, tensor: good }])).toThrow(/not a weight of this Momentum.*'momentum'/);
      expect(() => opt.setWeights([{ name: 'ghost/momentum', tensor: good }])).toThrow(/variable 'ghost', which does not exist/);
      opt.setWeights([
        { name: 'iter', tensor: iter },
        { name: `${a.name}/momentum`, tensor: good },
      ]);
      expect(opt.iterations).toBe(5);
      const g = tensor([1, 1]);
      opt.applyGradients({ [a.name]: g });
      g.dispose();
      // accum = 0.9 · 1 + 1 = 1.9; a -= 0.1 · 1.9
      expectClose(vals(a), f32([1 - 0.19, 2 - 0.19]));
    } finally {
      for (const t of [good, bad, iter]) t.dispose();
    }
  });

  it('getConfig reports the hyperparameters', () => {
    expect(track(new SGD(0.3)).getConfig()).toEqual({ learningRate: 0.3 });
    expect(track(new Momentum(0.1, 0.8, true)).getConfig()).toEqual({ learningRate: 0.1, momentum: 0.8, useNesterov: true });
    expect(track(new Adam()).getConfig()).toEqual({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(track(new RMSprop()).getConfig()).toEqual({ learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false });
    expect(track(new Adagrad()).getConfig()).toEqual({ learningRate: 0.01, initialAccumulatorValue: 0.1, epsilon: 1e-7 });
  });
});

// ---- validation and registry ---------------------------------------------------------

describe('optimizers: validation', () => {
  it('rejects learning rates that are not finite and > 0', () => {
    for (const lr of [0, -0.1, NaN, Infinity]) {
      expect(() => new SGD(lr)).toThrow(/SGD: learningRate must be a finite number > 0/);
      expect(() => new Adam(lr)).toThrow(/Adam: learningRate must be a finite number > 0/);
      expect(() => getOptimizer('rmsprop', lr)).toThrow(/RMSprop: learningRate must be a finite number > 0/);
    }
    const opt = track(new Adagrad());
    expect(() => {
      opt.learningRate = -1;
    }).toThrow(/Adagrad.learningRate: learningRate must be a finite number > 0, got -1/);
    opt.learningRate = 0.5;
    expect(opt.learningRate).toBe(0.5);
  });

  it('rejects other bad hyperparameters', () => {
    expect(() => new Adam(0.1, 1)).toThrow(/Adam: beta1 must be a finite number in \[0, 1\), got 1/);
    expect(() => new Adam(0.1, 0.9, -0.5)).toThrow(/beta2/);
    expect(() => new Momentum(0.1, -1)).toThrow(/Momentum: momentum/);
    expect(() => new RMSprop(0.1, 1.5)).toThrow(/RMSprop: rho/);
    expect(() => new Adagrad(0.1, -1)).toThrow(/Adagrad: initialAccumulatorValue/);
  });

  it('a gradient of the wrong shape is an error and nothing is updated', () => {
    const a = v([1, 2, 3]);
    const b = v([4, 5]);
    const opt = track(new Adam(0.1));
    const ga = tensor([1, 1, 1]);
    const gb = tensor([1, 1, 1]);
    const countBefore = memory().numTensors;
    try {
      expect(() => opt.applyGradients({ [a.name]: ga, [b.name]: gb })).toThrow(
        new RegExp(`Adam.applyGradients: the gradient for '${b.name}' has shape \\[3\\] but the variable has shape \\[2\\]; no variable was updated`),
      );
      expect(vals(a)).toEqual([1, 2, 3]);
      expect(vals(b)).toEqual([4, 5]);
      expect(opt.iterations).toBe(0);
      expect(memory().numTensors).toBe(countBefore); // no slots were created
      const gi = tensor([1, 1], undefined, 'int32');
      expect(() => opt.applyGradients({ [b.name]: gi })).toThrow(/gradient for '.*' is int32; gradients must be float32/);
      gi.dispose();
      expect(() =>
        opt.applyGradients([
          { name: a.name, tensor: ga },
          { name: a.name, tensor: ga },
        ]),
      ).toThrow(/two gradients for variable/);
    } finally {
      ga.dispose();
      gb.dispose();
    }
  });
});

describe('optimizers: registry', () => {
  it('builds each optimizer by name with Keras default learning rates', () => {
    const expected: Array<[string, new (...args: never[]) => Optimizer, number]> = [
      ['sgd', SGD, 0.01],
      ['momentum', Momentum, 0.01],
      ['adam', Adam, 0.001],
      ['rmsprop', RMSprop, 0.001],
      ['adagrad', Adagrad, 0.01],
      ['adadelta', Adadelta, 0.001],
      ['adamax', Adamax, 0.001],
      ['nadam', Nadam, 0.001],
      ['adamw', AdamW, 0.001],
    ];
    for (const [name, cls, lr] of expected) {
      const opt = track(getOptimizer(name));
      expect(opt).toBeInstanceOf(cls);
      expect(opt.learningRate).toBe(lr);
      expect(track(getOptimizer(name.toUpperCase(), 0.2)).learningRate).toBe(0.2);
    }
    expect((track(getOptimizer('momentum')) as Momentum).momentum).toBe(0.9);
    expect(optimizerNames()).toEqual(['sgd', 'momentum', 'adam', 'rmsprop', 'adagrad', 'adadelta', 'adamax', 'nadam', 'adamw']);
  });

  it('passes an instance through (setting the learning rate if given)', () => {
    const adam = track(new Adam());
    expect(getOptimizer(adam)).toBe(adam);
    expect(getOptimizer(adam, 0.05).learningRate).toBe(0.05);
  });

  it('lists the valid names for an unknown one', () => {
    expect(() => getOptimizer('lion')).toThrow(
      /getOptimizer: unknown optimizer 'lion'; valid names are 'sgd', 'momentum', 'adam', 'rmsprop', 'adagrad', 'adadelta', 'adamax', 'nadam', 'adamw'/,
    );
    expect(() => getOptimizer('toString')).toThrow(/unknown optimizer/);
  });
});
