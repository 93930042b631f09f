// Keras' other losses and tfjs' `losses` namespace: values against float64
// implementations written here, gradients w.r.t. predictions against central
// differences of those, log(0) clamped as Keras does, weights and every
// reduction, bad arguments, and the losses by name in compile.
import { describe, expect, it } from 'vitest';
import {
  Dense,
  Reduction,
  Sequential,
  binaryCrossentropy,
  categoricalHinge,
  cosineSimilarity,
  getLoss,
  getMetric,
  grad,
  hinge,
  huber,
  kullbackLeiblerDivergence,
  loadModel,
  logCosh,
  losses,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredLogarithmicError,
  memory,
  numericGrad,
  poisson,
  setSeed,
  sigmoidCrossEntropy,
  squaredHinge,
  tensor,
  tidy,
  type Tensor,
  metrics,
} from './helpers.js';

const EPS = 1e-7;
/** The clip bounds as float32 stores them (1 − 1e-7 is not a float32). */
const LO = Math.fround(EPS);
const HI = Math.fround(1 - EPS);
const clip = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);

const value = (t: Tensor): number => {
  expect(t.shape).toEqual([]);
  expect(t.dtype).toBe('float32');
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};
const take = (t: Tensor): number[] => {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
};

/** A float32 result against its float64 reference: relative 2e-6 (a few roundings), absolute 1e-6 near 0. */
function expectClose(got: number, ref: number, rtol = 2e-6): void {
  expect(Math.abs(got - ref)).toBeLessThanOrEqual(rtol * Math.abs(ref) + 1e-6);
}

/** Autodiff gradient w.r.t. predictions vs central differences of the float64 loss. */
function checkGrad(lossOfPred: (p: Tensor) => Tensor, f64: (p: Float64Array) => number, p0: readonly number[], shape: number[], tol = 2e-3): void {
  const p = tensor(Array.from(p0), shape);
  const g = grad(lossOfPred)(p);
  // Differences of the float64 loss at the float32 inputs the autodiff saw.
  const expected = numericGrad(f64, Float64Array.from(p0, Math.fround));
  const got = g.dataSync();
  const scale = Math.max(1e-3, ...Array.from(expected, Math.abs));
  for (let i = 0; i < expected.length; i++) expect(Math.abs(got[i]! - expected[i]!)).toBeLessThan(tol * scale);
  p.dispose();
  g.dispose();
}

// ---- float64 references ---------------------------------------------------------

type Ref = (y: ArrayLike<number>, p: ArrayLike<number>) => number;
const meanOver = (n: number, f: (i: number) => number): number => {
  let s = 0;
  for (let i = 0; i < n; i++) s += f(i);
  return s / n;
};
/** Mean over rows of a per-row loss (rows of C). */
const rowsMean = (y: ArrayLike<number>, p: ArrayLike<number>, C: number, f: (y: number[], p: number[]) => number): number =>
  meanOver(p.length / C, (r) => f(Array.from(y).slice(r * C, (r + 1) * C), Array.from(p).slice(r * C, (r + 1) * C)));

const bce64 =
  (s = 0): Ref =>
  (y, p) =>
    meanOver(p.length, (i) => {
      const z = y[i]! * (1 - s) + 0.5 * s;
      const q = clip(p[i]!, LO, HI);
      return -(z * Math.log(q) + (1 - z) * Math.log(1 - q));
    });
const sigmoidCE64 =
  (s = 0): Ref =>
  (y, x) =>
    meanOver(x.length, (i) => {
      const z = y[i]! * (1 - s) + 0.5 * s;
      const sig = 1 / (1 + Math.exp(-x[i]!));
      return -(z * Math.log(sig) + (1 - z) * Math.log(1 - sig));
    });
const mae64: Ref = (y, p) => meanOver(p.length, (i) => Math.abs(y[i]! - p[i]!));
const mape64: Ref = (y, p) => meanOver(p.length, (i) => (100 * Math.abs(y[i]! - p[i]!)) / Math.max(Math.abs(y[i]!), LO));
const msle64: Ref = (y, p) => meanOver(p.length, (i) => (Math.log(Math.max(p[i]!, LO) + 1) - Math.log(Math.max(y[i]!, LO) + 1)) ** 2);
const huber64 =
  (d = 1): Ref =>
  (y, p) =>
    meanOver(p.length, (i) => {
      const e = Math.abs(p[i]! - y[i]!);
      return e <= d ? 0.5 * e * e : d * e - 0.5 * d * d;
    });
const logCosh64: Ref = (y, p) => meanOver(p.length, (i) => Math.log(Math.cosh(p[i]! - y[i]!)));
/** Keras turns all-{0, 1} labels into ±1. */
const pm1 = (y: ArrayLike<number>): number[] => (Array.from(y).every((v) => v === 0 || v === 1) ? Array.from(y, (v) => 2 * v - 1) : Array.from(y));
const hinge64: Ref = (y, p) => meanOver(p.length, (i) => Math.max(1 - pm1(y)[i]! * p[i]!, 0));
const squaredHinge64: Ref = (y, p) => meanOver(p.length, (i) => Math.max(1 - pm1(y)[i]! * p[i]!, 0) ** 2);
const categoricalHinge64 =
  (C: number): Ref =>
  (y, p) =>
    rowsMean(y, p, C, (yr, pr) => {
      const pos = yr.reduce((s, v, c) => s + v * pr[c]!, 0);
      const neg = Math.max(...yr.map((v, c) => (1 - v) * pr[c]!));
      return Math.max(neg - pos + 1, 0);
    });
const kld64 =
  (C: number): Ref =>
  (y, p) =>
    rowsMean(y, p, C, (yr, pr) =>
      yr.reduce((s, v, c) => {
        const a = clip(v, LO, 1);
        return s + a * Math.log(a / clip(pr[c]!, LO, 1));
      }, 0),
    );
const poisson64: Ref = (y, p) => meanOver(p.length, (i) => p[i]! - y[i]! * Math.log(p[i]! + EPS));
const cosine64 =
  (C: number): Ref =>
  (y, p) =>
    rowsMean(y, p, C, (yr, pr) => {
      const ny = Math.sqrt(
        Math.max(
          yr.reduce((s, v) => s + v * v, 0),
          1e-12,
        ),
      );
      const np = Math.sqrt(
        Math.max(
          pr.reduce((s, v) => s + v * v, 0),
          1e-12,
        ),
      );
      return -yr.reduce((s, v, c) => s + (v / ny) * (pr[c]! / np), 0);
    });

// ---- data -------------------------------------------------------------------------

const SHAPE = [4, 3];
const regLabels = [0.5, -1.2, 2.0, 0.3, 0.0, -0.7, 1.1, 2.5, -2.2, 0.9, -0.4, 1.6];
const regPreds = [0.9, -0.3, 1.4, 1.8, 0.25, -0.1, 0.2, 2.2, -0.6, 1.7, -1.3, 1.5];
const probLabels = [1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0];
const probs = [0.8, 0.3, 0.55, 0.1, 0.45, 0.7, 0.9, 0.35, 0.2, 0.6, 0.65, 0.15];
const logits = [1.5, -0.7, 0.2, -2.1, 0.4, 1.1, 2.6, -0.5, -1.3, 0.8, 0.05, -0.9];
const posLabels = [0.5, 1.2, 2.0, 0.3, 0.1, 0.7, 1.1, 2.5, 2.2, 0.9, 0.4, 1.6];
const posPreds = [0.9, 0.3, 1.4, 1.8, 0.25, 0.15, 0.2, 2.2, 0.6, 1.7, 1.3, 1.5];
const distLabels = [0.2, 0.5, 0.3, 0.1, 0.1, 0.8, 0.6, 0.3, 0.1, 0.25, 0.25, 0.5];
const distPreds = [0.3, 0.4, 0.3, 0.2, 0.3, 0.5, 0.5, 0.25, 0.25, 0.1, 0.6, 0.3];
const oneHot = [1, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0];

interface Case {
  readonly name: string;
  readonly fn: (y: Tensor, p: Tensor) => Tensor;
  readonly ref: Ref;
  readonly y: readonly number[];
  readonly p: readonly number[];
}

const CASES: readonly Case[] = [
  { name: 'binaryCrossentropy', fn: (y, p) => binaryCrossentropy(y, p), ref: bce64(), y: probLabels, p: probs },
  { name: 'binaryCrossentropy, labelSmoothing 0.2', fn: (y, p) => binaryCrossentropy(y, p, { labelSmoothing: 0.2 }), ref: bce64(0.2), y: probLabels, p: probs },
  { name: 'binaryCrossentropy fromLogits', fn: (y, p) => binaryCrossentropy(y, p, { fromLogits: true }), ref: sigmoidCE64(), y: probLabels, p: logits },
  {
    name: 'binaryCrossentropy fromLogits, labelSmoothing 0.1',
    fn: (y, p) => binaryCrossentropy(y, p, { fromLogits: true, labelSmoothing: 0.1 }),
    ref: sigmoidCE64(0.1),
    y: probLabels,
    p: logits,
  },
  { name: 'sigmoidCrossEntropy', fn: (y, p) => sigmoidCrossEntropy(y, p), ref: sigmoidCE64(), y: distLabels, p: logits },
  {
    name: 'sigmoidCrossEntropy, labelSmoothing 0.3',
    fn: (y, p) => sigmoidCrossEntropy(y, p, { labelSmoothing: 0.3 }),
    ref: sigmoidCE64(0.3),
    y: probLabels,
    p: logits,
  },
  { name: 'meanAbsoluteError', fn: meanAbsoluteError, ref: mae64, y: regLabels, p: regPreds },
  { name: 'meanAbsolutePercentageError', fn: meanAbsolutePercentageError, ref: mape64, y: regLabels.map((v) => v + 3), p: regPreds },
  { name: 'meanSquaredLogarithmicError', fn: meanSquaredLogarithmicError, ref: msle64, y: posLabels, p: posPreds },
  { name: 'huber (delta 1)', fn: (y, p) => huber(y, p), ref: huber64(), y: regLabels, p: regPreds },
  { name: 'huber (delta 0.5)', fn: (y, p) => huber(y, p, 0.5), ref: huber64(0.5), y: regLabels, p: regPreds },
  { name: 'logCosh', fn: logCosh, ref: logCosh64, y: regLabels, p: regPreds },
  { name: 'hinge, {0, 1} labels', fn: hinge, ref: hinge64, y: probLabels, p: logits },
  { name: 'hinge, ±1 labels', fn: hinge, ref: hinge64, y: probLabels.map((v) => 2 * v - 1), p: regPreds },
  { name: 'squaredHinge', fn: squaredHinge, ref: squaredHinge64, y: probLabels, p: logits },
  { name: 'categoricalHinge', fn: categoricalHinge, ref: categoricalHinge64(3), y: oneHot, p: regPreds },
  { name: 'kullbackLeiblerDivergence', fn: kullbackLeiblerDivergence, ref: kld64(3), y: distLabels, p: distPreds },
  { name: 'poisson', fn: poisson, ref: poisson64, y: posLabels, p: posPreds },
  { name: 'cosineSimilarity', fn: cosineSimilarity, ref: cosine64(3), y: regLabels, p: regPreds },
];

describe('Keras-style losses vs float64', () => {
  it.each(CASES)('$name: value and gradient w.r.t. predictions', ({ fn, ref, y, p }) => {
    const before = memory().numTensors;
    const yt = tensor(Array.from(y), SHAPE);
    const pt = tensor(Array.from(p), SHAPE);
    const yf = Float64Array.from(y, Math.fround);
    expectClose(value(fn(yt, pt)), ref(yf, Float64Array.from(p, Math.fround)));
    checkGrad(
      (q) => fn(yt, q),
      (q) => ref(yf, q),
      p,
      SHAPE,
    );
    yt.dispose();
    pt.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('[N] labels against [N, 1] predictions are matched, not broadcast', () => {
    const y = tensor([0.5, -1, 2]);
    const p = tensor([1, 0, 2.5], [3, 1]);
    expectClose(value(meanAbsoluteError(y, p)), (0.5 + 1 + 0.5) / 3);
    expectClose(value(huber(p, y)), (0.125 + 0.5 + 0.125) / 3);
    y.dispose();
    p.dispose();
  });

  it('log(0) and division by 0 are clamped with epsilon 1e-7 as Keras does: finite values and gradients', () => {
    const before = memory().numTensors;
    tidy(() => specialValues());
    expect(memory().numTensors).toBe(before);
  });

  /** Inputs of 0 and 1 where the formulas take log(0) or divide by 0 (run in a tidy: literals made inline). */
  function specialValues(): void {
    const y = tensor([1, 0, 1, 0], [2, 2]);
    const p = tensor([0, 1, 1, 0], [2, 2]);
    const bce = value(binaryCrossentropy(y, p));
    expect(Number.isFinite(bce)).toBe(true);
    expectClose(bce, bce64()([1, 0, 1, 0], [0, 1, 1, 0]));
    // Half the entries are certain and right: −log(1 − 1e-7 as float32) each; the others −log(1e-7).
    expectClose(bce, (-Math.log(LO) - Math.log(1 - HI) - 2 * Math.log(HI)) / 4);
    const zeros = tensor([0, 0, 1, 0], [2, 2]);
    const kld = value(kullbackLeiblerDivergence(tensor([0.5, 0.5, 1, 0], [2, 2]), zeros));
    expectClose(kld, kld64(2)([0.5, 0.5, 1, 0], [0, 0, 1, 0]));
    expectClose(value(poisson(y, zeros)), poisson64([1, 0, 1, 0], [0, 0, 1, 0]));
    expectClose(value(meanAbsolutePercentageError(zeros, p)), mape64([0, 0, 1, 0], [0, 1, 1, 0]));
    expectClose(value(meanSquaredLogarithmicError(tensor([-1, 0, 1, 2], [2, 2]), tensor([-3, 0.5, 0, 2], [2, 2]))), msle64([-1, 0, 1, 2], [-3, 0.5, 0, 2]));
    // A zero row has cosine similarity 0, not NaN.
    expectClose(value(cosineSimilarity(zeros, p)), cosine64(2)([0, 0, 1, 0], [0, 1, 1, 0]));
    const g = grad((q: Tensor) => binaryCrossentropy(y, q))(p);
    expect(take(g).every(Number.isFinite)).toBe(true);
    // Large logit errors: log cosh stays finite (|x| − log 2), no overflow of cosh.
    expectClose(value(logCosh(tensor([0, 0], [2, 1]), tensor([200, -300], [2, 1]))), (200 + 300) / 2 - Math.LN2);
  }

  it('bad shapes, dtypes and options get errors naming the loss and the fix', () => {
    const before = memory().numTensors;
    const p = tensor(probs, SHAPE);
    const y = tensor(probLabels, SHAPE);
    const wide = tensor([1, 0, 1, 0], [2, 2]);
    const ids = tensor([1, 0, 1, 0], [4], 'int32');
    const scalarP = tensor(0.5);
    const empty = tensor([], [0, 3]);
    expect(() => meanAbsoluteError(wide, p)).toThrow(/meanAbsoluteError: labels have shape \[2, ?2\] but preds have shape \[4, ?3\]; they must match/);
    expect(() => categoricalHinge(wide, p)).toThrow(/categoricalHinge: labels have shape \[2, ?2\] but preds have shape \[4, ?3\]/);
    expect(() => binaryCrossentropy(ids, p)).toThrow(
      /binaryCrossentropy: labels have dtype int32 but must be float32; convert them with cast\(labels, 'float32'\)/,
    );
    expect(() => poisson(y, ids)).toThrow(/poisson: 'preds' has dtype int32 but must be float32/);
    expect(() => huber(scalarP, scalarP)).toThrow(/huber: preds must be \[batch, \.\.\.\] \(rank ≥ 1\), got a scalar/);
    expect(() => logCosh(empty, empty)).toThrow(/logCosh: the batch is empty \(preds have shape \[0, ?3\]\)/);
    expect(() => huber(y, p, 0)).toThrow(/huber: delta must be a finite number > 0, got 0/);
    expect(() => binaryCrossentropy(y, p, { labelSmoothing: 1.5 })).toThrow(/binaryCrossentropy: labelSmoothing must be a number in \[0, 1\], got 1\.5/);
    expect(() => sigmoidCrossEntropy(y, ids)).toThrow(/sigmoidCrossEntropy: 'logits' has dtype int32/);
    expect(() => sigmoidCrossEntropy(y, p, { labelSmoothing: -1 })).toThrow(/sigmoidCrossEntropy: labelSmoothing must be a number in \[0, 1\], got -1/);
    expect(() => hinge(y, null as unknown as Tensor)).toThrow(/hinge: 'preds' must be a Tensor, got null/);
    for (const t of [p, y, wide, ids, scalarP, empty]) t.dispose();
    expect(memory().numTensors).toBe(before);
  });
});

// ---- tf.losses ------------------------------------------------------------------------

/** tfjs' reduction of float64 losses with optional weights (broadcast by the caller to the losses' length). */
function reduce64(l: readonly number[], w: readonly number[] | null, reduction: number, weightsSize = w?.length ?? 0): number | number[] {
  const weighted = l.map((v, i) => v * (w ? w[i]! : 1));
  const total = weighted.reduce((s, v) => s + v, 0);
  switch (reduction) {
    case Reduction.NONE:
      return weighted;
    case Reduction.SUM:
      return total;
    case Reduction.MEAN:
      // tfjs divides by the sum of the weights as given, then by how much they were broadcast.
      return w ? total / ((w.reduce((s, v) => s + v, 0) * weightsSize) / l.length) / Math.max(1, l.length / weightsSize) : total / l.length;
    case Reduction.SUM_BY_NONZERO_WEIGHTS:
      return w ? total / Math.max(1, w.filter((v) => v !== 0).length) : total / l.length;
    default:
      return total / l.length;
  }
}

const elementLosses: Record<string, (y: number, p: number) => number> = {
  absoluteDifference: (y, p) => Math.abs(y - p),
  meanSquaredError: (y, p) => (y - p) ** 2,
  hingeLoss: (y, p) => Math.max(0, 1 - (2 * y - 1) * p),
  huberLoss: (y, p) => (Math.abs(p - y) <= 1 ? 0.5 * (p - y) ** 2 : Math.abs(p - y) - 0.5),
  logLoss: (y, p) => -y * Math.log(p + EPS) - (1 - y) * Math.log(1 - p + EPS),
  sigmoidCrossEntropy: (y, x) => Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x))),
};

const call = (name: string, y: Tensor, p: Tensor, w: Tensor | null, r: Reduction): Tensor => {
  switch (name) {
    case 'absoluteDifference':
      return losses.absoluteDifference(y, p, w, r);
    case 'meanSquaredError':
      return losses.meanSquaredError(y, p, w, r);
    case 'hingeLoss':
      return losses.hingeLoss(y, p, w, r);
    case 'huberLoss':
      return losses.huberLoss(y, p, w, 1, r);
    case 'logLoss':
      return losses.logLoss(y, p, w, 1e-7, r);
    default:
      return losses.sigmoidCrossEntropy(y, p, w, 0, r);
  }
};

describe('losses (tf.losses) vs float64', () => {
  const REDUCTIONS = [Reduction.NONE, Reduction.MEAN, Reduction.SUM, Reduction.SUM_BY_NONZERO_WEIGHTS, Reduction.SUM_OVER_BATCH_SIZE] as const;
  const rowWeights = [2, 0, 0.5, 1]; // [4, 1]: one weight per row, broadcast over the 3 columns

  it.each(Object.keys(elementLosses))('%s: every reduction, without weights, with per-element and per-row weights', (name) => {
    const before = memory().numTensors;
    const usesProbs = name === 'logLoss' || name === 'hingeLoss' || name === 'sigmoidCrossEntropy';
    const yv = usesProbs ? probLabels : regLabels;
    const pv = name === 'logLoss' ? probs : name === 'sigmoidCrossEntropy' || name === 'hingeLoss' ? logits : regPreds;
    const f = elementLosses[name]!;
    const l64 = yv.map((y, i) => f(Math.fround(y), Math.fround(pv[i]!)));
    const y = tensor(yv, SHAPE);
    const p = tensor(pv, SHAPE);
    const wElem = tensor(
      regPreds.map((v) => Math.abs(v)),
      SHAPE,
    );
    const wRow = tensor(rowWeights, [4, 1]);
    const wElem64 = regPreds.map((v) => Math.fround(Math.abs(v)));
    const wRow64 = l64.map((_, i) => rowWeights[Math.floor(i / 3)]!);
    for (const r of REDUCTIONS) {
      for (const [w, w64, size] of [
        [null, null, 0],
        [wElem, wElem64, 12],
        [wRow, wRow64, 4],
      ] as const) {
        const got = call(name, y, p, w, r);
        const ref = reduce64(l64, w64, r, size);
        if (Array.isArray(ref)) {
          expect(got.shape).toEqual(SHAPE);
          take(got).forEach((v, i) => expectClose(v, ref[i]!));
        } else {
          expectClose(value(got), ref as number);
        }
      }
    }
    // The default is SUM_BY_NONZERO_WEIGHTS: the row of weight 0 does not count.
    expectClose(
      value(name === 'logLoss' ? losses.logLoss(y, p, wRow) : call(name, y, p, wRow, Reduction.SUM_BY_NONZERO_WEIGHTS)),
      reduce64(l64, wRow64, 3) as number,
    );
    checkGrad(
      (q) => call(name, y, q, wRow, Reduction.SUM_BY_NONZERO_WEIGHTS),
      (q) =>
        reduce64(
          yv.map((v, i) => f(Math.fround(v), q[i]!)),
          wRow64,
          3,
        ) as number,
      pv,
      SHAPE,
    );
    for (const t of [y, p, wElem, wRow]) t.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('softmaxCrossEntropy (label smoothing s/numClasses), cosineDistance (along an axis), computeWeightedLoss', () => {
    const y = tensor(oneHot, SHAPE);
    const x = tensor(logits, SHAPE);
    const ce64 = (q: ArrayLike<number>, s = 0): number[] =>
      [0, 1, 2, 3].map((r) => {
        const row = [0, 1, 2].map((c) => q[r * 3 + c]!);
        const m = Math.max(...row);
        const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
        return row.reduce((a, v, c) => a - (oneHot[r * 3 + c]! * (1 - s) + s / 3) * (v - lse), 0);
      });
    const x64 = logits.map(Math.fround);
    expectClose(value(losses.softmaxCrossEntropy(y, x)), reduce64(ce64(x64), null, 3) as number);
    const w = tensor([1, 2, 0, 1]);
    expectClose(value(losses.softmaxCrossEntropy(y, x, w, 0.2, Reduction.MEAN)), reduce64(ce64(x64, 0.2), [1, 2, 0, 1], 1) as number);
    checkGrad(
      (q) => losses.softmaxCrossEntropy(y, q, w, 0.2),
      (q) => reduce64(ce64(q, 0.2), [1, 2, 0, 1], 3) as number,
      logits,
      SHAPE,
    );
    // cosineDistance: 1 − sum(y·p) along the axis, kept; axis 0 gives [1, 3] losses.
    const a = tensor(regLabels, SHAPE);
    const b = tensor(regPreds, SHAPE);
    const col = [0, 1, 2].map((c) => 1 - [0, 1, 2, 3].reduce((s, r) => s + Math.fround(regLabels[r * 3 + c]!) * Math.fround(regPreds[r * 3 + c]!), 0));
    const none = losses.cosineDistance(a, b, 0, null, Reduction.NONE);
    expect(none.shape).toEqual([1, 3]);
    take(none).forEach((v, i) => expectClose(v, col[i]!, 1e-5));
    expectClose(value(losses.cosineDistance(a, b, 0)), col.reduce((s, v) => s + v, 0) / 3, 1e-5);
    const cw = tensor([1, 0.5, 2, 1], [4, 1]);
    checkGrad(
      (q) => losses.cosineDistance(a, q, -1, cw, Reduction.SUM),
      (q) =>
        [0, 1, 2, 3].reduce((s, r) => s + [1, 0.5, 2, 1][r]! * (1 - [0, 1, 2].reduce((t, c) => t + Math.fround(regLabels[r * 3 + c]!) * q[r * 3 + c]!, 0)), 0),
      regPreds,
      SHAPE,
    );
    // computeWeightedLoss on losses given as an array; all-zero weights give 0 (TensorFlow's safe division).
    expectClose(value(losses.computeWeightedLoss([1, 2, 3, 4], [0, 1, 1, 0])), 2.5);
    expectClose(value(losses.computeWeightedLoss([1, 2, 3, 4], [0, 0, 0, 0])), 0);
    expectClose(value(losses.computeWeightedLoss([1, 2, 3, 4], 2, Reduction.MEAN)), 2.5);
    expectClose(value(losses.computeWeightedLoss([1, 2, 3, 4], null, Reduction.SUM)), 10);
    expectClose(value(losses.computeWeightedLoss(3)), 3);
    for (const t of [y, x, w, a, b, cw]) t.dispose();
  });

  it('bad arguments get errors naming losses.<name> and the fix; converted literals are freed', () => {
    const before = memory().numTensors;
    const y = tensor(regLabels, SHAPE);
    const p = tensor(regPreds, SHAPE);
    expect(() => losses.meanSquaredError(y, [1, 2, 3])).toThrow(
      /losses\.meanSquaredError: labels have shape \[4, ?3\] but predictions have shape \[3\]; they must match/,
    );
    expect(() => losses.absoluteDifference(y, p, [1, 2])).toThrow(
      /losses\.absoluteDifference: weights of shape \[2\] do not broadcast to the losses' shape \[4, ?3\]/,
    );
    expect(() => losses.hingeLoss(y, p, null, 7 as Reduction)).toThrow(/losses\.hingeLoss: unknown reduction 7; use one of Reduction\.NONE, Reduction\.MEAN/);
    expect(() => losses.huberLoss(y, p, null, -1)).toThrow(/losses\.huberLoss: delta must be a finite number > 0, got -1/);
    expect(() => losses.logLoss(y, p, null, Number.NaN)).toThrow(/losses\.logLoss: epsilon must be a finite number ≥ 0, got NaN/);
    expect(() => losses.sigmoidCrossEntropy(y, p, null, 2)).toThrow(/losses\.sigmoidCrossEntropy: labelSmoothing must be a number in \[0, 1\], got 2/);
    expect(() => losses.softmaxCrossEntropy(3, 4)).toThrow(/losses\.softmaxCrossEntropy: logits must have rank ≥ 1/);
    expect(() => losses.cosineDistance(y, p, 2)).toThrow(/losses\.cosineDistance: .*axis 2/);
    const ints = tensor([1, 2], [2], 'int32');
    expect(() => losses.computeWeightedLoss(ints)).toThrow(/losses\.computeWeightedLoss: 'losses' has dtype int32 but must be float32/);
    ints.dispose();
    y.dispose();
    p.dispose();
    expect(memory().numTensors).toBe(before);
  });
});

describe('the new losses by name', () => {
  it('resolve by Keras names and aliases (case and underscores ignored), as losses and as metrics', () => {
    const pairs: [string, unknown][] = [
      ['binary_crossentropy', binaryCrossentropy],
      ['mae', meanAbsoluteError],
      ['mape', meanAbsolutePercentageError],
      ['msle', meanSquaredLogarithmicError],
      ['huber', huber],
      ['logcosh', logCosh],
      ['log_cosh', logCosh],
      ['hinge', hinge],
      ['squared_hinge', squaredHinge],
      ['categorical_hinge', categoricalHinge],
      ['kld', kullbackLeiblerDivergence],
      ['kullback_leibler_divergence', kullbackLeiblerDivergence],
      ['poisson', poisson],
      ['cosine_similarity', cosineSimilarity],
      ['sigmoidCrossEntropy', sigmoidCrossEntropy],
    ];
    // as metrics, MAE and cosine similarity are the metrics (+cos, as Keras' metric), not the losses
    const asMetric = new Map<unknown, unknown>([
      [meanAbsoluteError, metrics.meanAbsoluteError],
      [cosineSimilarity, metrics.cosineSimilarity],
    ]);
    for (const [name, fn] of pairs) {
      expect(getLoss(name).fn).toBe(fn);
      expect(getMetric(name).fn).toBe(asMetric.get(fn) ?? fn);
    }
    expect(getLoss('sigmoidCrossEntropy').fromLogits).toBe(true);
    expect(getLoss('binaryCrossentropy').fromLogits).toBe(false);
  });

  it('compile({ loss: "binaryCrossentropy" }) trains a sigmoid classifier; "huber" and "mae" fit a regression', async () => {
    const before = memory().numTensors;
    setSeed(3);
    const xs = Array.from({ length: 64 }, (_, i) => [Math.sin(i), Math.cos(1.7 * i)]);
    const x = tensor(xs);
    const yClass = tensor(xs.map(([a, b]) => [a! + b! > 0 ? 1 : 0]));
    const clf = new Sequential({ layers: [new Dense({ units: 1, activation: 'sigmoid', inputShape: [2] })] });
    clf.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['binaryAccuracy', 'mae'], learningRate: 0.1 });
    const h = await clf.fit(x, yClass, { epochs: 8, batchSize: 16, verbose: 0 });
    const loss = h.history['loss']!;
    expect(loss[loss.length - 1]!).toBeLessThan(loss[0]! * 0.7);
    // Logged under the canonical name, as 'mse' logs as meanSquaredError.
    expect(h.history['meanAbsoluteError']).toHaveLength(8);
    const yReg = tensor(xs.map(([a, b]) => [2 * a! - b!]));
    for (const name of ['huber', 'mae'] as const) {
      const reg = new Sequential({ layers: [new Dense({ units: 1, inputShape: [2] })] });
      reg.compile({ optimizer: 'adam', loss: name, learningRate: 0.1 });
      const hr = await reg.fit(x, yReg, { epochs: 8, batchSize: 16, verbose: 0 });
      const l = hr.history['loss']!;
      expect(l[l.length - 1]!).toBeLessThan(l[0]! * 0.7);
      reg.dispose();
    }
    // Saved by canonical name, loaded compiled: the same evaluation.
    const art = clf.toArtifacts();
    expect(art.trainingConfig).toMatchObject({ loss: 'binaryCrossentropy', metrics: ['binaryAccuracy', 'meanAbsoluteError'] });
    const loaded = await loadModel(art);
    expect(loaded.evaluate(x, yClass)).toEqual(clf.evaluate(x, yClass));
    loaded.dispose();
    clf.dispose();
    for (const t of [x, yClass, yReg]) t.dispose();
    expect(memory().numTensors).toBe(before);
  });
});
