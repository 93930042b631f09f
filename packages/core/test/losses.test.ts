import { describe, expect, it } from 'vitest';
import { type Tensor, grad, memory, numericGrad, oneHot, softmax, tensor, tidy } from './helpers.js';
import {
  EPSILON,
  LOSSES,
  categoricalCrossentropy,
  getLoss,
  lossNames,
  meanSquaredError,
  softmaxCrossEntropy,
  sparseCategoricalCrossentropy,
  sparseSoftmaxCrossEntropy,
} from '../src/train/losses.js';

const int = (v: number[]): Tensor => tensor(v, undefined, 'int32');
const value = (t: Tensor): number => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};

// ---- float64 references ---------------------------------------------------------

function logSoftmax64(z: ArrayLike<number>): number[] {
  const m = Math.max(...Array.from(z));
  const lse = m + Math.log(Array.from(z).reduce((s, v) => s + Math.exp(v - m), 0));
  return Array.from(z, (v) => v - lse);
}

/** Mean over rows of -sum(y · logSoftmax(z)). */
function softmaxCE64(y: ArrayLike<number>, z: ArrayLike<number>, C: number): number {
  const N = z.length / C;
  let total = 0;
  for (let r = 0; r < N; r++) {
    const lp = logSoftmax64(Array.from(z).slice(r * C, (r + 1) * C));
    for (let c = 0; c < C; c++) total -= y[r * C + c]! * lp[c]!;
  }
  return total / N;
}

/** Keras: normalise rows, clip to [eps, 1-eps], mean over rows of -sum(y log p). */
function categoricalCE64(y: ArrayLike<number>, p: ArrayLike<number>, C: number): number {
  const N = p.length / C;
  let total = 0;
  for (let r = 0; r < N; r++) {
    let s = 0;
    for (let c = 0; c < C; c++) s += p[r * C + c]!;
    for (let c = 0; c < C; c++) {
      const q = Math.min(Math.max(p[r * C + c]! / s, EPSILON), 1 - EPSILON);
      total -= y[r * C + c]! * Math.log(q);
    }
  }
  return total / N;
}

const oneHot64 = (ids: number[], C: number): number[] => ids.flatMap((id) => Array.from({ length: C }, (_, c) => (c === id ? 1 : 0)));

/** Autodiff gradient of a loss w.r.t. its prediction argument vs float64 finite differences. */
function checkGrad(lossOfPred: (pred: Tensor) => Tensor, f64: (x: Float64Array) => number, x0: number[], shape: number[], tol = 2e-3): void {
  const x = tensor(x0, shape);
  const g = grad(lossOfPred)(x);
  const expected = numericGrad(f64, Float64Array.from(x0));
  const got = g.dataSync();
  const scale = Math.max(1e-3, ...Array.from(expected, Math.abs));
  for (let i = 0; i < expected.length; i++) expect(Math.abs(got[i]! - expected[i]!)).toBeLessThan(tol * scale);
  x.dispose();
  g.dispose();
}

const logits0 = [2.0, -1.0, 0.5, 0.1, 0.3, -0.2, 1.5, 1.4, -3.0, 0.0, 0.0, 0.7];
const ids0 = [0, 2, 1, 2];
const probs0 = [0.7, 0.2, 0.1, 0.25, 0.25, 0.5, 0.05, 0.9, 0.05, 0.3, 0.3, 0.4];

describe('losses: values vs float64', () => {
  it('softmaxCrossEntropy and its sparse twin agree with the reference', () => {
    const y = tensor(oneHot64(ids0, 3), [4, 3]);
    const z = tensor(logits0, [4, 3]);
    const ids = int(ids0);
    const expected = softmaxCE64(oneHot64(ids0, 3), logits0, 3);
    const dense = softmaxCrossEntropy(y, z);
    expect(dense.shape).toEqual([]);
    expect(dense.dtype).toBe('float32');
    expect(value(dense)).toBeCloseTo(expected, 6);
    expect(value(sparseSoftmaxCrossEntropy(ids, z))).toBeCloseTo(expected, 6);
    // [N, 1] class ids work too
    const idsCol = tensor(ids0, [4, 1], 'int32');
    expect(value(sparseSoftmaxCrossEntropy(idsCol, z))).toBeCloseTo(expected, 6);
    // soft labels
    const soft = [0.2, 0.5, 0.3, 0.1, 0.1, 0.8, 1, 0, 0, 0.25, 0.25, 0.5];
    const ys = tensor(soft, [4, 3]);
    expect(value(softmaxCrossEntropy(ys, z))).toBeCloseTo(softmaxCE64(soft, logits0, 3), 6);
    for (const t of [y, z, ids, idsCol, ys]) t.dispose();
  });

  it('is stable for huge logits', () => {
    const big = [1000, 0, -1000, -500, 500, 499, 88, 89, 90];
    const z = tensor(big, [3, 3]);
    const ids = int([1, 2, 0]);
    const y = oneHot(ids, 3);
    const expected = softmaxCE64(oneHot64([1, 2, 0], 3), big, 3);
    expect(Number.isFinite(expected)).toBe(true);
    const a = value(softmaxCrossEntropy(y, z));
    const b = value(sparseSoftmaxCrossEntropy(ids, z));
    expect(Math.abs(a - expected) / expected).toBeLessThan(1e-6);
    expect(Math.abs(b - expected) / expected).toBeLessThan(1e-6);
    // a confidently right prediction costs ~0, not NaN
    const right = tensor([[1000, 0, -1000]]);
    const label = int([0]);
    expect(value(sparseSoftmaxCrossEntropy(label, right))).toBe(0);
    for (const t of [z, ids, y, right, label]) t.dispose();
  });

  it('categoricalCrossentropy follows Keras: normalise, clip, -sum(y log p)', () => {
    const y = tensor(oneHot64(ids0, 3), [4, 3]);
    const p = tensor(probs0, [4, 3]);
    const expected = categoricalCE64(oneHot64(ids0, 3), probs0, 3);
    expect(value(categoricalCrossentropy(y, p))).toBeCloseTo(expected, 6);
    const ids = int(ids0);
    expect(value(sparseCategoricalCrossentropy(ids, p))).toBeCloseTo(expected, 6);
    // a zero probability on the true class is clipped to 1e-7, not -log(0) = Infinity
    const p0 = tensor([[0, 1, 0]]);
    const y0 = tensor([[1, 0, 0]]);
    expect(value(categoricalCrossentropy(y0, p0))).toBeCloseTo(-Math.log(1e-7), 3);
    // unnormalised rows are rescaled, as in Keras
    const pu = tensor([[2, 6, 2]]);
    const yu = tensor([[0, 1, 0]]);
    expect(value(categoricalCrossentropy(yu, pu))).toBeCloseTo(-Math.log(0.6), 6);
    for (const t of [y, p, ids, p0, y0, pu, yu]) t.dispose();
  });

  it('agrees with softmaxCrossEntropy when fed softmax probabilities', () => {
    const z = tensor(logits0, [4, 3]);
    const ids = int(ids0);
    const fromLogits = value(sparseSoftmaxCrossEntropy(ids, z));
    const fromProbs = tidy(() => sparseCategoricalCrossentropy(ids, softmax(z)));
    expect(value(fromProbs)).toBeCloseTo(fromLogits, 5);
    z.dispose();
    ids.dispose();
  });

  it('meanSquaredError is the mean over every element', () => {
    const a = [1, 2, 3, -1, 0.5, 4];
    const b = [0.5, 2, 1, 1, -0.5, 3];
    const expected = a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0) / a.length;
    const y = tensor(a, [3, 2]);
    const p = tensor(b, [3, 2]);
    expect(value(meanSquaredError(y, p))).toBeCloseTo(expected, 6);
    // [N] labels against [N, 1] predictions are matched element by element, not broadcast
    const y1 = tensor([1, 2, 3]);
    const p1 = tensor([[1], [1], [1]]);
    expect(value(meanSquaredError(y1, p1))).toBeCloseTo(5 / 3, 6);
    for (const t of [y, p, y1, p1]) t.dispose();
  });

  it('frees every intermediate', () => {
    const z = tensor(logits0, [4, 3]);
    const ids = int(ids0);
    const y = oneHot(ids, 3);
    const p = softmax(z);
    const before = memory().numTensors;
    for (const info of Object.values(LOSSES)) {
      const pred = info.fromLogits ? z : p;
      const labels = info.sparseLabels ? ids : info.name === 'meanSquaredError' ? p : y;
      info.fn(labels, pred).dispose();
    }
    expect(memory().numTensors).toBe(before);
    for (const t of [z, ids, y, p]) t.dispose();
  });
});

describe('losses: gradients vs float64 finite differences', () => {
  it.each([
    {
      what: 'softmaxCrossEntropy (dense and sparse) w.r.t. logits',
      dense: softmaxCrossEntropy,
      sparse: sparseSoftmaxCrossEntropy,
      ce64: softmaxCE64,
      x0: logits0,
    },
    {
      what: 'categoricalCrossentropy (dense and sparse) w.r.t. probabilities',
      dense: categoricalCrossentropy,
      sparse: sparseCategoricalCrossentropy,
      ce64: categoricalCE64,
      x0: probs0,
    },
  ])('$what', ({ dense, sparse, ce64, x0 }) => {
    const y = tensor(oneHot64(ids0, 3), [4, 3]);
    const ids = int(ids0);
    const f64 = (x: Float64Array): number => ce64(oneHot64(ids0, 3), x, 3);
    checkGrad((z) => dense(y, z), f64, x0, [4, 3]);
    checkGrad((z) => sparse(ids, z), f64, x0, [4, 3]);
    y.dispose();
    ids.dispose();
  });

  it('categoricalCrossentropy through softmax equals the logits gradient', () => {
    const ids = int(ids0);
    const f64 = (x: Float64Array): number => softmaxCE64(oneHot64(ids0, 3), x, 3);
    checkGrad((z) => tidy(() => sparseCategoricalCrossentropy(ids, softmax(z))), f64, logits0, [4, 3]);
    ids.dispose();
  });

  it('meanSquaredError w.r.t. predictions', () => {
    const labels = [1, 2, 3, -1, 0.5, 4];
    const y = tensor(labels, [3, 2]);
    const f64 = (x: Float64Array): number => x.reduce((s, v, i) => s + (v - labels[i]!) ** 2, 0) / x.length;
    checkGrad((p) => meanSquaredError(y, p), f64, [0.5, 2.5, 1, 1, -0.5, 3], [3, 2]);
    y.dispose();
  });
});

describe('losses: validation', () => {
  const expectError = (f: () => unknown, ...parts: Array<string | RegExp>): void => {
    let message = '';
    try {
      f();
    } catch (e) {
      expect((e as Error).name).toBe('PolytensorError');
      message = (e as Error).message;
    }
    expect(message, 'expected an error').not.toBe('');
    for (const p of parts) expect(message).toMatch(p);
  };

  it('names the loss, the shapes and the fix on shape mismatches', () => {
    const z = tensor(logits0, [4, 3]);
    const y5 = tensor(new Float32Array(20), [4, 5]);
    expectError(() => softmaxCrossEntropy(y5, z), 'softmaxCrossEntropy', '[4,5]', '[4,3]');
    const wrongBatch = int([0, 1, 2]);
    expectError(() => sparseSoftmaxCrossEntropy(wrongBatch, z), 'sparseSoftmaxCrossEntropy', '[3]', '[4,3]', 'shape [4]');
    const y = tensor([1, 2], [2]);
    const p = tensor([1, 2, 3], [3]);
    expectError(() => meanSquaredError(y, p), 'meanSquaredError', '[2]', '[3]');
    const flat = tensor([1, 2, 3]);
    expectError(() => softmaxCrossEntropy(flat, flat), 'softmaxCrossEntropy', 'rank ≥ 2', 'expandDims');
    for (const t of [z, y5, wrongBatch, y, p, flat]) t.dispose();
  });

  it('range-checks class ids', () => {
    const z = tensor(logits0, [4, 3]);
    const high = int([0, 1, 3, 2]);
    const neg = int([0, -1, 2, 2]);
    expectError(() => sparseSoftmaxCrossEntropy(high, z), 'sparseSoftmaxCrossEntropy', 'label 3', 'position 2', '[0, 3)');
    expectError(() => sparseCategoricalCrossentropy(neg, z), 'sparseCategoricalCrossentropy', 'label -1', '[0, 3)');
    for (const t of [z, high, neg]) t.dispose();
  });

  it('rejects wrong dtypes with a hint', () => {
    const z = tensor(logits0, [4, 3]);
    const idsF = tensor(ids0);
    const ids = int(ids0);
    const oneHotF = tensor(oneHot64(ids0, 3), [4, 3]);
    expectError(() => sparseSoftmaxCrossEntropy(idsF, z), 'sparseSoftmaxCrossEntropy', 'float32', 'int32', "cast(labels, 'int32')");
    expectError(() => sparseSoftmaxCrossEntropy(oneHotF, z), 'one-hot', 'softmaxCrossEntropy');
    expectError(() => softmaxCrossEntropy(ids, z), 'softmaxCrossEntropy', 'int32', 'sparseSoftmaxCrossEntropy', 'oneHot');
    expectError(() => categoricalCrossentropy(idsF, z), 'class ids', 'sparseCategoricalCrossentropy');
    const zi = tensor([[1, 2, 3]], undefined, 'int32');
    const yi = tensor([[0, 0, 1]]);
    expectError(() => softmaxCrossEntropy(yi, zi), 'logits', 'int32', 'float32');
    expectError(() => meanSquaredError(ids, idsF), 'meanSquaredError', 'labels', 'int32');
    expectError(() => softmaxCrossEntropy(yi, 3 as unknown as Tensor), 'logits', 'Tensor');
    for (const t of [z, idsF, ids, oneHotF, zi, yi]) t.dispose();
  });

  it('rejects empty batches and disposed tensors', () => {
    const empty = tensor(new Float32Array(0), [0, 3]);
    expectError(() => softmaxCrossEntropy(empty, empty), 'batch is empty');
    const z = tensor(logits0, [4, 3]);
    const ids = int(ids0);
    z.dispose();
    expectError(() => sparseSoftmaxCrossEntropy(ids, z), 'sparseSoftmaxCrossEntropy');
    empty.dispose();
    ids.dispose();
  });
});

describe('losses: registry', () => {
  it('resolves names, aliases, Keras spellings and functions', () => {
    expect(getLoss('mse')).toBe(LOSSES.meanSquaredError);
    expect(getLoss('meanSquaredError').fn).toBe(meanSquaredError);
    expect(getLoss('categorical_crossentropy')).toBe(LOSSES.categoricalCrossentropy);
    expect(getLoss('sparseSoftmaxCrossEntropy')).toMatchObject({ sparseLabels: true, fromLogits: true });
    expect(getLoss('softmaxCrossEntropy')).toMatchObject({ sparseLabels: false, fromLogits: true });
    expect(getLoss('sparseCategoricalCrossentropy')).toMatchObject({ sparseLabels: true, fromLogits: false });
    expect(getLoss(categoricalCrossentropy)).toBe(LOSSES.categoricalCrossentropy);
    const custom = (a: Tensor, b: Tensor): Tensor => meanSquaredError(a, b);
    expect(getLoss(custom)).toMatchObject({ name: 'custom', fn: custom, sparseLabels: false });
    expect(getLoss(LOSSES.meanSquaredError)).toBe(LOSSES.meanSquaredError);
  });

  it('lists the valid names for an unknown one', () => {
    expect(() => getLoss('crossEntropy')).toThrow(
      /unknown loss 'crossEntropy'.*'softmaxCrossEntropy'.*'sparseSoftmaxCrossEntropy'.*'categoricalCrossentropy'.*'sparseCategoricalCrossentropy'.*'meanSquaredError'.*'mse'/,
    );
    expect(lossNames()).toContain('mse');
  });
});
