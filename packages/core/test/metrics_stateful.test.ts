// Stateful metrics (precision, recall, AUC, meanIoU) and the regression metrics (MAE, MSE,
// cosine similarity), each checked against a float64 implementation written here, alone and
// through compile/fit/evaluate, where an epoch must report the metric of all its examples.
import { describe, expect, it } from 'vitest';
import {
  AUC,
  Dense,
  MeanIoU,
  Precision,
  Recall,
  SGD,
  Sequential,
  type Logs,
  type Tensor,
  auc,
  metrics,
  getMetric,
  input,
  loadModel,
  model,
  type SymbolicTensor,
  memory,
  precision,
  setSeed,
  tensor,
} from './helpers.js';

const { cosineSimilarity, meanAbsoluteError } = metrics;

// ---- data ------------------------------------------------------------------------------

/** A small deterministic generator (no dependence on the library's RNG). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * n binary labels and float32 probabilities loosely tied to them, with values on
 * AUC thresholds, 0 and 1 mixed in (the comparisons there are strict).
 */
function binaryData(n: number, seed: number): { labels: number[]; preds: number[] } {
  const r = lcg(seed);
  const labels: number[] = [];
  const preds: number[] = [];
  const special = [0, 1, 0.5, 1 / 199, 100 / 199, 198 / 199];
  for (let i = 0; i < n; i++) {
    const y = r() < 0.4 ? 1 : 0;
    labels.push(y);
    const p = i % 7 === 3 ? special[i % special.length]! : Math.min(1, Math.max(0, 0.3 * y + 0.7 * r()));
    preds.push(Math.fround(p));
  }
  return { labels, preds };
}

// ---- float64 references ----------------------------------------------------------------------

function counts64(labels: number[], preds: number[], thr: number): { tp: number; fp: number; fn: number; tn: number } {
  const c = { tp: 0, fp: 0, fn: 0, tn: 0 };
  labels.forEach((y, i) => {
    const pos = preds[i]! > thr;
    if (y === 1) pos ? c.tp++ : c.fn++;
    else pos ? c.fp++ : c.tn++;
  });
  return c;
}
const safeDiv = (a: number, b: number): number => (b === 0 ? 0 : a / b);
const precision64 = (labels: number[], preds: number[], thr = 0.5): number => {
  const c = counts64(labels, preds, thr);
  return safeDiv(c.tp, c.tp + c.fp);
};
const recall64 = (labels: number[], preds: number[], thr = 0.5): number => {
  const c = counts64(labels, preds, thr);
  return safeDiv(c.tp, c.tp + c.fn);
};

/** Keras' AUC, straight from its definition: counts at every threshold by brute force, then the sum. */
function auc64(
  labels: number[],
  preds: number[],
  n = 200,
  curve: 'ROC' | 'PR' = 'ROC',
  method: 'interpolation' | 'minoring' | 'majoring' = 'interpolation',
): number {
  const thr = Array.from({ length: n }, (_, j) => (j === 0 ? -1e-7 : j === n - 1 ? 1 + 1e-7 : j / (n - 1)));
  const c = thr.map((t) => counts64(labels, preds, t));
  let total = 0;
  for (let j = 0; j < n - 1; j++) {
    const a = c[j]!;
    const b = c[j + 1]!;
    if (curve === 'PR' && method === 'interpolation') {
      // Davis & Goadrich: within [A, B], precision = (TP_A + slope·(P − P_A)) / P with P = TP + FP.
      const dtp = a.tp - b.tp;
      const pA = a.tp + a.fp;
      const pB = b.tp + b.fp;
      const slope = safeDiv(dtp, Math.max(pA - pB, 0));
      const intercept = b.tp - slope * pB;
      const ratio = pA > 0 && pB > 0 ? pA / pB : 1;
      total += safeDiv(slope * (dtp + intercept * Math.log(ratio)), b.tp + b.fn);
      continue;
    }
    const xy = (k: { tp: number; fp: number; fn: number; tn: number }): [number, number] =>
      curve === 'ROC' ? [safeDiv(k.fp, k.fp + k.tn), safeDiv(k.tp, k.tp + k.fn)] : [safeDiv(k.tp, k.tp + k.fn), safeDiv(k.tp, k.tp + k.fp)];
    const [xa, ya] = xy(a);
    const [xb, yb] = xy(b);
    const h = method === 'interpolation' ? (ya + yb) / 2 : method === 'minoring' ? Math.min(ya, yb) : Math.max(ya, yb);
    total += (xa - xb) * h;
  }
  return total;
}

/** The exact ROC AUC (probability a positive outranks a negative, ties ½). */
function exactRocAuc(labels: number[], preds: number[]): number {
  let s = 0;
  let pairs = 0;
  labels.forEach((y, i) => {
    if (y !== 1) return;
    labels.forEach((z, j) => {
      if (z !== 0) return;
      pairs++;
      s += preds[i]! > preds[j]! ? 1 : preds[i] === preds[j] ? 0.5 : 0;
    });
  });
  return s / pairs;
}

function meanIoU64(labels: number[], predicted: number[], C: number): number {
  let sum = 0;
  let valid = 0;
  for (let c = 0; c < C; c++) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    labels.forEach((y, i) => {
      const p = predicted[i]!;
      if (y === c && p === c) tp++;
      else if (p === c) fp++;
      else if (y === c) fn++;
    });
    if (tp + fp + fn > 0) {
      sum += tp / (tp + fp + fn);
      valid++;
    }
  }
  return valid === 0 ? 0 : sum / valid;
}

const mae64 = (a: number[], b: number[]): number => a.reduce((s, x, i) => s + Math.abs(b[i]! - x), 0) / a.length;
const mse64 = (a: number[], b: number[]): number => a.reduce((s, x, i) => s + (b[i]! - x) ** 2, 0) / a.length;
function cosine64(a: number[], b: number[], d: number): number {
  let total = 0;
  for (let r = 0; r < a.length / d; r++) {
    const x = a.slice(r * d, r * d + d);
    const y = b.slice(r * d, r * d + d);
    const nx = Math.sqrt(
      Math.max(
        x.reduce((s, v) => s + v * v, 0),
        1e-12,
      ),
    );
    const ny = Math.sqrt(
      Math.max(
        y.reduce((s, v) => s + v * v, 0),
        1e-12,
      ),
    );
    total += x.reduce((s, v, i) => s + (v / nx) * (y[i]! / ny), 0);
  }
  return total / (a.length / d);
}

/** Uses `ts` in `f`, then disposes them even when an expectation fails. */
function using<T>(ts: Tensor[], f: () => T): T {
  try {
    return f();
  } finally {
    for (const t of ts) t.dispose();
  }
}

/** Update a fresh clone of `m` batch by batch over (labels, preds) rows of width d; its result. */
function accumulate(m: { updateState(a: Tensor, b: Tensor): void; result(): number }, labels: number[], preds: number[], sizes: number[], d = 1): number {
  let start = 0;
  for (const size of sizes) {
    const y = tensor(labels.slice(start * d, (start + size) * d), [size, d]);
    const p = tensor(preds.slice(start * d, (start + size) * d), [size, d]);
    using([y, p], () => m.updateState(y, p));
    start += size;
  }
  return m.result();
}

// ---- the metrics alone ------------------------------------------------------------------------

describe('stateful metrics vs float64, accumulated over batches', () => {
  const { labels, preds } = binaryData(60, 7);
  const sizes = [16, 16, 16, 12];

  it('Precision and Recall: the counts of every batch, at 0.5 and at other thresholds, and for one class', () => {
    expect(accumulate(new Precision(), labels, preds, sizes)).toBe(precision64(labels, preds));
    expect(accumulate(new Recall(), labels, preds, sizes)).toBe(recall64(labels, preds));
    expect(accumulate(new Precision({ thresholds: 0.3 }), labels, preds, sizes)).toBe(precision64(labels, preds, 0.3));
    expect(accumulate(new Recall({ thresholds: 0.8 }), labels, preds, sizes)).toBe(recall64(labels, preds, 0.8));
    // classId 1 of two columns: the second column is the data, the first its complement.
    const two = (xs: number[]): number[] => xs.flatMap((x) => [1 - x, x]);
    expect(accumulate(new Precision({ classId: 1 }), two(labels), two(preds), sizes, 2)).toBe(precision64(labels, preds));
    expect(accumulate(new Recall({ classId: 0 }), two(labels), two(preds), sizes, 2)).toBe(
      recall64(
        labels.map((y) => 1 - y),
        preds.map((p) => Math.fround(1 - p)),
      ),
    );
  });

  it('Precision is 0 before anything is predicted positive, and resetState forgets', () => {
    const p = new Precision();
    expect(p.result()).toBe(0);
    accumulate(p, [1, 0], [0.9, 0.8], [2]);
    expect(p.result()).toBe(0.5);
    p.resetState();
    expect(p.result()).toBe(0);
    expect(accumulate(p, [1, 1], [0.9, 0.1], [2])).toBe(1);
  });

  const aucCases: Array<[string, () => AUC, () => number]> = [
    ['ROC, interpolation (Keras defaults)', () => new AUC(), () => auc64(labels, preds)],
    ['PR, interpolation (Davis & Goadrich)', () => new AUC({ curve: 'PR' }), () => auc64(labels, preds, 200, 'PR')],
    ['ROC, minoring, 13 thresholds', () => new AUC({ numThresholds: 13, summationMethod: 'minoring' }), () => auc64(labels, preds, 13, 'ROC', 'minoring')],
    [
      'PR, majoring, 50 thresholds',
      () => new AUC({ numThresholds: 50, curve: 'PR', summationMethod: 'majoring' }),
      () => auc64(labels, preds, 50, 'PR', 'majoring'),
    ],
    ['ROC, 2 thresholds', () => new AUC({ numThresholds: 2 }), () => auc64(labels, preds, 2)],
  ];
  for (const [label, make, want] of aucCases) {
    it(`AUC ${label}`, () => {
      const got = accumulate(make(), labels, preds, sizes);
      expect(Math.abs(got - want())).toBeLessThan(1e-12);
      expect(got).toBeGreaterThanOrEqual(0.5);
    });
  }

  it('AUC with 200 thresholds is close to the exact ROC AUC, and averaging per-batch AUCs is not the epoch AUC', () => {
    const got = accumulate(new AUC(), labels, preds, sizes);
    expect(Math.abs(got - exactRocAuc(labels, preds))).toBeLessThan(0.01);
    let start = 0;
    const perBatch = sizes.map((size) => {
      const v = auc64(labels.slice(start, start + size), preds.slice(start, start + size));
      start += size;
      return v;
    });
    const averaged = perBatch.reduce((s, v, i) => s + v * sizes[i]!, 0) / labels.length;
    expect(Math.abs(averaged - got)).toBeGreaterThan(1e-3);
  });

  it('MeanIoU over class ids and over scores (argMax), classes absent from both left out', () => {
    const r = lcg(3);
    const C = 4;
    const y = Array.from({ length: 40 }, () => Math.floor(r() * 3)); // class 3 never a label
    const ids = y.map((c) => (r() < 0.7 ? c : Math.floor(r() * 3))); // nor predicted
    const m = new MeanIoU({ numClasses: C });
    expect(accumulate(m, y, ids, [10, 10, 20])).toBeCloseTo(meanIoU64(y, ids, C), 14);
    // scores [N, C] whose argMax is `ids`, labels [N] (int32) and [N, 1]
    const scores = ids.flatMap((c) => Array.from({ length: C }, (_, k) => (k === c ? 0.7 : 0.1)));
    const s = new MeanIoU({ numClasses: C });
    for (const [from, to, labelShape] of [
      [0, 25, [25]],
      [25, 40, [15, 1]],
    ] as const) {
      const lt = tensor(y.slice(from, to), [...labelShape], 'int32');
      const pt = tensor(scores.slice(from * C, to * C), [to - from, C]);
      using([lt, pt], () => s.updateState(lt, pt));
    }
    expect(s.result()).toBeCloseTo(meanIoU64(y, ids, C), 14);
    expect(s.result()).toBeGreaterThan(0.3);
  });

  it('the one-batch functions score a single batch', () => {
    const y = tensor(labels, [60, 1]);
    const p = tensor(preds, [60, 1]);
    using([y, p], () => {
      const a = precision(y, p);
      const b = auc(y, p);
      expect(a.dataSync()[0]).toBeCloseTo(precision64(labels, preds), 6);
      expect(b.dataSync()[0]).toBeCloseTo(auc64(labels, preds), 6);
      a.dispose();
      b.dispose();
    });
  });

  it('bad input names the metric and the value, and leaves the state unchanged', () => {
    const p = new Precision();
    accumulate(p, [1, 0], [0.9, 0.8], [2]);
    const cases: Array<[number[], number[], number[], number[], RegExp]> = [
      [[1, 2], [0.5, 0.5], [2], [2], /Precision: yTrue holds 2 at position 1; labels must be 0 or 1/],
      [[1, 0], [0.5, 1.5], [2], [2], /Precision: yPred holds 1.5 at position 1; predictions must be probabilities in \[0, 1\]/],
      [[1, 0], [0.5, Number.NaN], [2], [2], /Precision: yPred holds NaN at position 1/],
      [[1, 0], [0.5, 0.5], [2], [1, 2], /Precision: yTrue has shape \[2\] but yPred has shape \[1,2\]; they must match/],
    ];
    for (const [yv, pv, ys, ps, message] of cases) {
      const y = tensor(yv, ys);
      const q = tensor(pv, ps);
      using([y, q], () => expect(() => p.updateState(y, q)).toThrow(message));
    }
    expect(p.result()).toBe(0.5);
    const y = tensor([[1, 0]]);
    const q = tensor([[0.5, 0.5]]);
    const neg = tensor([[0.5, -0.1]]);
    using([y, q, neg], () => {
      expect(() => new Recall({ classId: 2 }).updateState(y, q)).toThrow(/Recall: classId 2 is out of range: yPred has shape \[1,2\], 2 classes/);
      expect(() => new AUC().updateState(y, neg)).toThrow(/AUC: yPred holds -0.1/);
    });
    const ids = tensor([0, 3], [2], 'int32');
    const bad = tensor([0, 1], [2], 'int32');
    const wide = tensor([0.1, 0.9, 0.2, 0.8], [2, 2]);
    using([ids, bad, wide], () => {
      expect(() => new MeanIoU({ numClasses: 3 }).updateState(ids, bad)).toThrow(
        /MeanIoU: yTrue holds 3 at position 1; class ids must be integers in \[0, 3\)/,
      );
      expect(() => new MeanIoU({ numClasses: 3 }).updateState(ids, wide)).toThrow(
        /MeanIoU: yTrue has shape \[2\] and yPred \[2,2\]; pass predicted class ids.*or scores of shape \[2,3\]/,
      );
    });
    expect(() => new AUC({ numThresholds: 1 })).toThrow(/AUC: numThresholds must be an integer > 1, got 1/);
    expect(() => new AUC({ curve: 'DET' as never })).toThrow(/AUC: curve must be 'ROC' or 'PR', got "DET"/);
    expect(() => new Precision({ thresholds: 2 })).toThrow(/Precision: thresholds must be a number in \[0, 1\], got 2/);
    expect(() => new Recall({ threshold: 0.5 } as never)).toThrow(/Recall: unknown option 'threshold'; options are thresholds, classId, name/);
    expect(() => new MeanIoU({ numClasses: 0 })).toThrow(/MeanIoU: numClasses must be an integer ≥ 1, got 0/);
  });

  it('MAE and cosine similarity validate their arguments', () => {
    const a = tensor([1, 2, 3]);
    const b = tensor([1, 2]);
    const i = tensor([1, 2, 3], [3], 'int32');
    using([a, b, i], () => {
      expect(() => meanAbsoluteError(a, b)).toThrow(/meanAbsoluteError: yTrue has shape \[3\] but yPred has shape \[2\]; they must match/);
      expect(() => cosineSimilarity(i, a)).toThrow(/cosineSimilarity: yTrue has dtype int32 but must be float32/);
    });
  });
});

// ---- through compile, fit and evaluate --------------------------------------------------------

/** A model whose output is its input (an identity kernel, no bias), so the predictions are the test's data. */
function identity(d: number): Sequential {
  setSeed(1);
  const m = new Sequential({ layers: [new Dense({ units: d, useBias: false, inputShape: [d] })] });
  m.build();
  m.setWeightValues([Float32Array.from({ length: d * d }, (_, k) => (k % (d + 1) === 0 ? 1 : 0))]);
  return m;
}

describe('compile/fit/evaluate report the stateful value of the epoch', () => {
  const { labels, preds } = binaryData(50, 11);

  it('evaluate: precision, recall and AUC over all batches (not a mean of per-batch values), MAE/MSE as means over examples', () => {
    const m = identity(1);
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError', metrics: ['precision', 'recall', 'auc', new AUC({ curve: 'PR', name: 'prAuc' }), 'mae', 'mse'] });
    const x = tensor(preds, [50, 1]);
    const y = tensor(labels, [50, 1]);
    const logs = using([x, y], () => m.evaluate(x, y, { batchSize: 16 }));
    expect(Object.keys(logs)).toEqual(['loss', 'precision', 'recall', 'auc', 'prAuc', 'meanAbsoluteError', 'meanSquaredError']);
    expect(logs['precision']).toBe(precision64(labels, preds));
    expect(logs['recall']).toBe(recall64(labels, preds));
    expect(Math.abs(logs['auc']! - auc64(labels, preds))).toBeLessThan(1e-12);
    expect(Math.abs(logs['prAuc']! - auc64(labels, preds, 200, 'PR'))).toBeLessThan(1e-12);
    expect(logs['meanAbsoluteError']).toBeCloseTo(mae64(labels, preds), 6);
    expect(logs['meanSquaredError']).toBeCloseTo(mse64(labels, preds), 6);
    // What a mean of per-batch values would have said (batches of 16, 16, 16, 2): different.
    const batches = [0, 16, 32, 48].map((s) => [labels.slice(s, s + 16), preds.slice(s, s + 16)] as const);
    const averaged = (f: (l: number[], p: number[]) => number): number => batches.reduce((s, [l, p]) => s + f(l, p) * l.length, 0) / 50;
    expect(Math.abs(averaged(precision64) - logs['precision']!)).toBeGreaterThan(1e-3);
    expect(Math.abs(averaged((l, p) => auc64(l, p)) - logs['auc']!)).toBeGreaterThan(1e-3);
    // A second evaluate starts afresh.
    const x2 = tensor(preds.slice(0, 20), [20, 1]);
    const y2 = tensor(labels.slice(0, 20), [20, 1]);
    const again = using([x2, y2], () => m.evaluate(x2, y2, { batchSize: 8 }));
    expect(again['precision']).toBe(precision64(labels.slice(0, 20), preds.slice(0, 20)));
    m.dispose();
  });

  it('fit: each epoch reports the metric of its examples; batch logs the running value; validation its own', async () => {
    const m = identity(1);
    // A rate too small to move the weights (1 − 1e-30 rounds to 1 in float32): the predictions stay the data.
    m.compile({ optimizer: new SGD(1e-30), loss: 'meanSquaredError', metrics: ['precision', new Recall({ thresholds: 0.4 }), 'auc', 'mae'] });
    const x = tensor(preds.slice(0, 40), [40, 1]);
    const y = tensor(labels.slice(0, 40), [40, 1]);
    const vx = tensor(preds.slice(40), [10, 1]);
    const vy = tensor(labels.slice(40), [10, 1]);
    const batchLogs: Logs[] = [];
    const before = memory().numTensors;
    const history = await m.fit(x, y, {
      epochs: 2,
      batchSize: 12,
      shuffle: false,
      verbose: 0,
      validationData: [vx, vy],
      callbacks: { onBatchEnd: (_b, logs) => void batchLogs.push({ ...logs }) },
    });
    expect(memory().numTensors).toBe(before + 1); // the optimizer's step counter
    const [tl, tp] = [labels.slice(0, 40), preds.slice(0, 40)];
    const [vl, vp] = [labels.slice(40), preds.slice(40)];
    for (const e of [0, 1]) {
      expect(history.history['precision']![e]).toBe(precision64(tl, tp));
      expect(history.history['recall']![e]).toBe(recall64(tl, tp, 0.4));
      expect(Math.abs(history.history['auc']![e]! - auc64(tl, tp))).toBeLessThan(1e-12);
      expect(history.history['meanAbsoluteError']![e]).toBeCloseTo(mae64(tl, tp), 6);
      expect(history.history['val_precision']![e]).toBe(precision64(vl, vp));
      expect(Math.abs(history.history['val_auc']![e]! - auc64(vl, vp))).toBeLessThan(1e-12);
    }
    // batches of 12, 12, 12, 4: the first batch's log is its own value, the last the epoch's.
    expect(batchLogs).toHaveLength(8);
    expect(batchLogs[0]!['precision']).toBe(precision64(tl.slice(0, 12), tp.slice(0, 12)));
    expect(batchLogs[1]!['auc']).toBeCloseTo(auc64(tl.slice(0, 24), tp.slice(0, 24)), 12);
    expect(batchLogs[3]!['precision']).toBe(history.history['precision']![0]);
    expect(batchLogs[4]!['precision']).toBe(precision64(tl.slice(0, 12), tp.slice(0, 12))); // reset at the epoch's start
    for (const t of [x, y, vx, vy]) t.dispose();
    m.dispose();
  });

  it('MAE and cosine similarity over batches of unequal size equal their value over all examples', async () => {
    const r = lcg(5);
    const d = 3;
    const a = Array.from({ length: 30 }, () => Math.fround(r() * 2 - 1));
    const b = Array.from({ length: 30 }, () => Math.fround(r() * 2 - 1));
    const m = identity(d);
    m.compile({ optimizer: new SGD(1e-30), loss: 'meanSquaredError', metrics: ['mae', 'cosineSimilarity'] });
    const x = tensor(b, [10, d]);
    const y = tensor(a, [10, d]);
    const logs = using([x, y], () => m.evaluate(x, y, { batchSize: 4 }));
    expect(logs['meanAbsoluteError']).toBeCloseTo(mae64(a, b), 6);
    expect(logs['cosineSimilarity']).toBeCloseTo(cosine64(a, b, d), 6);
    expect(getMetric('mae').fn).toBe(meanAbsoluteError);
    m.dispose();
  });

  it('evaluateDataset and trainOnBatch: stateful metrics over the dataset; trainOnBatch scores its batch alone', async () => {
    const m = identity(1);
    m.compile({ optimizer: new SGD(1e-30), loss: 'meanSquaredError', metrics: ['recall'] });
    async function* batches(): AsyncGenerator<{ xs: Tensor; ys: Tensor }> {
      for (let s = 0; s < 50; s += 20) {
        const n = Math.min(20, 50 - s);
        yield { xs: tensor(preds.slice(s, s + n), [n, 1]), ys: tensor(labels.slice(s, s + n), [n, 1]) };
      }
    }
    const logs = await m.evaluateDataset(batches());
    expect(logs['recall']).toBe(recall64(labels, preds));
    // The identity model predicts class ids here (MeanIoU takes ids of the labels' shape).
    m.compile({ optimizer: new SGD(1e-30), loss: 'meanSquaredError', metrics: ['recall', new MeanIoU({ numClasses: 2 })] });
    const x = tensor([0, 1, 1, 0], [4, 1]);
    const y = tensor([0, 1, 0, 0], [4, 1]);
    using([x, y], () => {
      const first = m.trainOnBatch(x, y);
      const second = m.trainOnBatch(x, y);
      expect(first['recall']).toBe(1);
      expect(second['meanIoU']).toBeCloseTo(meanIoU64([0, 1, 0, 0], [0, 1, 1, 0], 2), 12);
      expect(second['meanIoU']).toBe(first['meanIoU']);
    });
    m.dispose();
  });

  it('a metric that rejects a batch fails evaluate and fit clearly, leaking nothing', async () => {
    const m = identity(1);
    m.compile({ optimizer: new SGD(0.1), loss: 'meanSquaredError', metrics: ['auc'] });
    const x = tensor([0.2, 0.7, 0.4], [3, 1]);
    const y = tensor([0, 2, 1], [3, 1]);
    const before = memory().numTensors;
    expect(() => m.evaluate(x, y)).toThrow(/AUC: yTrue holds 2 at position 1; labels must be 0 or 1/);
    await expect(m.fit(x, y, { verbose: 0 })).rejects.toThrow(/AUC: yTrue holds 2/);
    expect(m.getWeightValues()).toEqual([Float32Array.of(1)]); // the failed step changed nothing
    expect(memory().numTensors).toBe(before);
    for (const t of [x, y]) t.dispose();
    m.dispose();
  });

  it('one Metric instance given for two outputs counts each output apart', () => {
    setSeed(2);
    const x = input({ shape: [2] });
    const pa = new Dense({ units: 1, useBias: false, name: 'a' });
    const pb = new Dense({ units: 1, useBias: false, name: 'b' });
    const m = model({ inputs: x, outputs: [pa.apply(x) as SymbolicTensor, pb.apply(x) as SymbolicTensor] });
    m.setWeightValues([Float32Array.of(1, 0), Float32Array.of(0, 1)]); // output a is column 0, b column 1
    const p = new Precision();
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError', metrics: [p] });
    const half = 25;
    const xs = tensor(
      preds.flatMap((v, i) => (i < half ? [v, preds[i + half]!] : [])),
      [half, 2],
    );
    const ya = tensor(labels.slice(0, half), [half, 1]);
    const yb = tensor(labels.slice(half), [half, 1]);
    const logs = using([xs, ya, yb], () => m.evaluate(xs, [ya, yb], { batchSize: 10 }));
    expect(logs['a_precision']).toBe(precision64(labels.slice(0, half), preds.slice(0, half)));
    expect(logs['b_precision']).toBe(precision64(labels.slice(half), preds.slice(half)));
    expect(logs['a_precision']).not.toBe(logs['b_precision']);
    m.dispose();
  });

  it('saved with the model: built-in names load compiled and report the same values', async () => {
    const m = identity(1);
    m.compile({ optimizer: 'adam', loss: 'meanSquaredError', metrics: ['precision', 'auc', new Recall(), 'mae'] });
    const art = m.toArtifacts();
    expect(art.trainingConfig!.metrics).toEqual(['precision', 'auc', 'recall', 'meanAbsoluteError']);
    const loaded = await loadModel(art);
    const x = tensor(preds, [50, 1]);
    const y = tensor(labels, [50, 1]);
    using([x, y], () => expect(loaded.evaluate(x, y, { batchSize: 7 })).toEqual(m.evaluate(x, y, { batchSize: 7 })));
    // A metric with its own options cannot be named in the file: loading asks for { compile: false }.
    m.compile({ optimizer: 'adam', loss: 'meanSquaredError', metrics: [new AUC({ curve: 'PR' })] });
    const custom = m.toArtifacts();
    expect(custom.trainingConfig!.metrics).toEqual(['custom:auc']);
    await expect(loadModel(custom)).rejects.toThrow(/your own function 'auc'/);
    m.dispose();
    loaded.dispose();
  });
});
