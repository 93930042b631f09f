// Regularizers (penalties in the loss) and constraints (projections after
// each step): values and gradients against float64, serialization, training.
import { describe, expect, it } from 'vitest';
import {
  Dense,
  L1L2,
  MaxNorm,
  MinMaxNorm,
  NonNeg,
  Sequential,
  UnitNorm,
  constraints,
  deserializeLayer,
  getConstraint,
  getRegularizer,
  grads,
  loadModel,
  memory,
  regularizers,
  tensor,
} from './helpers.js';
import { values } from './check_layer.js';

describe('regularizers', () => {
  it('L1, L2, L1L2: penalty and gradient against float64', () => {
    const w0 = values(12, 1);
    const w = tensor(w0, [3, 4]);
    for (const [r, l1, l2] of [
      [regularizers.l1(), 0.01, 0],
      [regularizers.l2({ l2: 0.5 }), 0, 0.5],
      [new L1L2({ l1: 0.2, l2: 0.3 }), 0.2, 0.3],
    ] as const) {
      const p = r.apply(w);
      expect(p.dataSync()[0]).toBeCloseTo(
        w0.reduce((s, v) => s + l1 * Math.abs(v) + l2 * v * v, 0),
        6,
      );
      const [g] = grads((t) => r.apply(t))([w]);
      Array.from(g!.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(l1 * Math.sign(w0[i]!) + 2 * l2 * w0[i]!, 6));
      p.dispose();
      g!.dispose();
    }
    w.dispose();
  });

  it('resolve by name, instance or saved form; bad values are named', () => {
    expect(getRegularizer('l2').getConfig()).toEqual({ l1: 0, l2: 0.01 });
    expect(getRegularizer({ className: 'L1L2', config: { l1: 1, l2: 2 } }).getConfig()).toEqual({ l1: 1, l2: 2 });
    expect(() => getRegularizer('l3' as never)).toThrow(/unknown regularizer 'l3'; use one of l1, l2, l1l2/);
    expect(() => regularizers.l1({ l1: -1 })).toThrow(/l1 must be a finite number ≥ 0, got -1/);
    expect(() => getRegularizer({ className: 'Dropout' })).toThrow(/unknown regularizer class "Dropout"/);
  });
});

describe('constraints', () => {
  /** Norms of a [rows, cols] array over axis 0 (per column) in float64. */
  const colNorms = (w: number[], rows: number, cols: number): number[] =>
    Array.from({ length: cols }, (_, c) => Math.sqrt(Array.from({ length: rows }, (_, r) => w[r * cols + c]! ** 2).reduce((a, b) => a + b, 0)));

  it('MaxNorm, UnitNorm, MinMaxNorm (per column, and over both axes), NonNeg against float64', () => {
    const w0 = values(12, 2, 3);
    const w = tensor(w0, [3, 4]);
    const n = colNorms(w0, 3, 4);
    const check = (c: { apply: (t: typeof w) => typeof w }, want: (v: number, r: number, col: number) => number): void => {
      const out = c.apply(w);
      Array.from(out.dataSync()).forEach((v, i) => expect(v, `${i}`).toBeCloseTo(want(w0[i]!, Math.floor(i / 4), i % 4), 5));
      out.dispose();
    };
    check(new MaxNorm({ maxValue: 1.5 }), (v, _r, c) => (v * Math.min(n[c]!, 1.5)) / (n[c]! + 1e-7));
    check(new UnitNorm(), (v, _r, c) => v / (n[c]! + 1e-7));
    check(new MinMaxNorm({ minValue: 1, maxValue: 2, rate: 0.5 }), (v, _r, c) => (v * (0.5 * Math.min(Math.max(n[c]!, 1), 2) + 0.5 * n[c]!)) / (n[c]! + 1e-7));
    check(new NonNeg(), (v) => Math.max(v, 0));
    const all = Math.sqrt(w0.reduce((s, v) => s + v * v, 0));
    check(new MaxNorm({ maxValue: 1, axis: [0, 1] }), (v) => (v * Math.min(all, 1)) / (all + 1e-7));
    w.dispose();
  });

  it('resolve by name or saved form; bad values are named', () => {
    expect(getConstraint('maxNorm').getConfig()).toEqual({ maxValue: 2, axis: [0] });
    expect(getConstraint({ className: 'MinMaxNorm', config: { minValue: 0.5 } }).getConfig()).toEqual({ minValue: 0.5, maxValue: 1, rate: 1, axis: [0] });
    expect(() => constraints.minMaxNorm({ minValue: 2, maxValue: 1 })).toThrow(/maxValue 1 is below minValue 2/);
    expect(() => constraints.unitNorm({ axis: -1 })).toThrow(/axis must be an integer ≥ 0/);
    expect(() => getConstraint('clip' as never)).toThrow(/unknown constraint 'clip'/);
  });
});

describe('on layers, in training', () => {
  it('the penalty joins the loss (its gradient too); constraints hold after every step; both save and load', async () => {
    const before = memory().numTensors;
    const dense = () =>
      new Dense({
        units: 3,
        inputShape: [4],
        name: 'd',
        kernelRegularizer: regularizers.l2({ l2: 0.1 }),
        biasRegularizer: 'l1',
        kernelConstraint: constraints.maxNorm({ maxValue: 0.5 }),
        biasConstraint: 'nonNeg',
      });
    const m = new Sequential({ layers: [dense()] });
    m.compile({ optimizer: 'sgd', learningRate: 0.5, loss: 'meanSquaredError' });
    const x = tensor(values(20, 3), [5, 4]);
    const y = tensor(values(15, 4, 3), [5, 3]);
    const [k0, b0] = m.getWeightValues() as [Float32Array, Float32Array];
    const pred = m.predict(x);
    const p = pred.dataSync();
    const yv = y.dataSync();
    const mse = Array.from(p).reduce((s, v, i) => s + (v - yv[i]!) ** 2, 0) / 15;
    const penalty = Array.from(k0).reduce((s, v) => s + 0.1 * v * v, 0) + Array.from(b0).reduce((s, v) => s + 0.01 * Math.abs(v), 0);
    expect(m.evaluate(x, y)['loss']).toBeCloseTo(mse + penalty, 5);
    for (let step = 0; step < 5; step++) {
      m.trainOnBatch(x, y);
      const [k, b] = m.getWeightValues() as [Float32Array, Float32Array];
      for (let c = 0; c < 3; c++) expect(Math.hypot(...[0, 1, 2, 3].map((r) => k[r * 3 + c]!))).toBeLessThanOrEqual(0.5 + 1e-6);
      expect(Math.min(...b)).toBeGreaterThanOrEqual(0);
    }
    const config = m.layers[0]!.getConfig();
    expect(config).toMatchObject({
      kernelRegularizer: { className: 'L1L2', config: { l1: 0, l2: 0.1 } },
      biasRegularizer: { className: 'L1L2', config: { l1: 0.01, l2: 0 } },
      kernelConstraint: { className: 'MaxNorm', config: { maxValue: 0.5, axis: [0] } },
      biasConstraint: { className: 'NonNeg', config: {} },
    });
    const again = deserializeLayer({ className: 'Dense', config });
    expect(again.getConfig()).toEqual({ ...config, name: again.name });
    await m.save('memory://regularized');
    const loaded = await loadModel('memory://regularized');
    expect(loaded.evaluate(x, y)).toEqual(m.evaluate(x, y));
    for (const t of [x, y, pred]) t.dispose();
    m.dispose();
    loaded.dispose();
    again.dispose();
    expect(memory().numTensors).toBe(before);
  });
});
