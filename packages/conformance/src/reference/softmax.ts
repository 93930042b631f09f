import type { HostTensor } from '../host.js';

/**
 * softmax / logSoftmax over the last axis, with what the error bound needs:
 * per element d = x − rowMax, the row's spread R = max|d| over finite d, the
 * row length n, log S where S = Σ exp(d), and the tail fraction T/S where
 * T = S − 1 is the sum without the row's (first) max.
 */
export interface SoftmaxResult {
  readonly out: HostTensor;
  readonly d: Float64Array;
  readonly spread: Float64Array;
  readonly logS: Float64Array;
  /** T/S: how much of S comes from the terms other than the max's exp(0) = 1 (1 where undefined: NaN rows). */
  readonly tail: Float64Array;
  readonly n: number;
}

function rows(x: HostTensor, log: boolean): SoftmaxResult {
  const n = x.shape.length === 0 ? 1 : x.shape[x.shape.length - 1]!;
  const total = x.values.length;
  const out = new Float64Array(total);
  const d = new Float64Array(total);
  const spread = new Float64Array(total);
  const logS = new Float64Array(total);
  const tail = new Float64Array(total);
  const numRows = n === 0 ? 0 : total / n;
  for (let r = 0; r < numRows; r++) {
    const base = r * n;
    let m = -Infinity;
    for (let j = 0; j < n; j++) {
      const v = x.values[base + j]!;
      if (Number.isNaN(v) || Number.isNaN(m)) m = NaN;
      else if (v > m) m = v;
    }
    // T = Σ exp(d) without the first max (whose term is exactly 1): log S = log1p(T) keeps small outputs accurate
    let t = 0;
    let R = 0;
    let skipped = false;
    for (let j = 0; j < n; j++) {
      const dj = x.values[base + j]! - m;
      d[base + j] = dj;
      if (dj === 0 && !skipped) skipped = true;
      else t += Math.exp(dj);
      if (Number.isFinite(dj)) R = Math.max(R, Math.abs(dj));
    }
    // (a row without a zero d has a NaN or infinite max, and then a NaN term)
    const s = skipped ? 1 + t : t;
    const ls = skipped ? Math.log1p(t) : Math.log(t);
    const frac = Number.isFinite(t / s) ? t / s : 1;
    for (let j = 0; j < n; j++) {
      const dj = d[base + j]!;
      out[base + j] = log ? dj - ls : Math.exp(dj) / s;
      spread[base + j] = R;
      logS[base + j] = ls;
      tail[base + j] = frac;
    }
  }
  return { out: { shape: [...x.shape], values: out, dtype: 'float32' }, d, spread, logS, tail, n };
}

/** exp(x − max) / Σ exp(x − max) along the last axis. A NaN anywhere in a row makes the row NaN. */
export function softmax(x: HostTensor): SoftmaxResult {
  return rows(x, false);
}

/** (x − max) − log Σ exp(x − max) along the last axis. */
export function logSoftmax(x: HostTensor): SoftmaxResult {
  return rows(x, true);
}

/** softmaxCrossEntropy's result: the loss per row, with the row's logSoftmax (its bound) and each row's terms and Σ|term|. */
export interface CrossEntropyResult {
  readonly out: HostTensor;
  readonly logSoftmax: SoftmaxResult;
  /** Per row: the number of classes C and Σ_c |labels[c] · logSoftmax[c]|. */
  readonly terms: Float64Array;
  readonly absSum: Float64Array;
}

/**
 * Σ_c labels[c] · −logSoftmax(logits)[c] per row of the last axis (which the
 * result drops). IEEE throughout: a label of 0 on a −Infinity logit gives
 * 0 · Infinity = NaN, as the formula does in float32.
 */
export function softmaxCrossEntropy(logits: HostTensor, labels: HostTensor): CrossEntropyResult {
  const ls = rows(logits, true);
  const n = logits.shape[logits.shape.length - 1] ?? 1;
  const outShape = logits.shape.slice(0, -1);
  const numRows = outShape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(numRows);
  const terms = new Float64Array(numRows).fill(n);
  const absSum = new Float64Array(numRows);
  for (let r = 0; r < numRows; r++) {
    let s = 0;
    let abs = 0;
    for (let j = 0; j < n; j++) {
      const t = labels.values[r * n + j]! * -ls.out.values[r * n + j]!;
      s += t;
      abs += Math.abs(t);
    }
    out[r] = s;
    absSum[r] = abs;
  }
  return { out: { shape: outShape, values: out, dtype: 'float32' }, logSoftmax: ls, terms, absSum };
}
