import { sizeOfShape, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { loopBound } from './reduce_util.js';
import { lastDim, rowStats } from './softmax_util.js';

/**
 * Fused softmax cross-entropy from logits, per row:
 * Σ_c labels[c] · (log S − (x_c − max)). Rows shorter than the store's
 * window threshold (class counts, in practice) run as one program, one
 * fragment per row doing the row statistics' loops itself; longer rows take
 * the windowed row statistics first, then one fragment per row (tfjs has no
 * such kernel; core would compose five).
 */
export function softmaxCrossEntropy(s: WebGLStore, logits: TensorInfo, labels: TensorInfo): TensorInfo {
  const outShape = logits.shape.slice(0, -1);
  const n = lastDim(logits.shape);
  const rows = sizeOfShape(outShape);
  if (rows === 0) return s.fromValues(new Float32Array(0), outShape, 'float32');
  if (n < s.windowMinTerms) return s.wrap(oneProgram(s, logits, labels, rows, n), outShape, 'float32');
  const { max, tail } = rowStats(s, logits, rows, n);
  const L = loopBound(n);
  const body = `
    void main() {
      int row = getOutputCoords();
      int base = row * ptN;
      float m = getM(row);
      float lse = ptLog1p(getT(row));
      float acc = 0.0;
      for (int j = 0; j < ${L}; j++) {
        if (j >= ptN) break;
        // every term, a zero label's too: 0 · Infinity (a −Infinity logit) is NaN, as the contract's sum is
        acc += getLabels(base + j) * (lse - (getX(base + j) - m));
      }
      setOutput(acc);
    }`;
  const out = s.flat(
    'softmaxCrossEntropy',
    ['x', 'labels', 'm', 't'],
    [logits, labels, max, tail],
    rows,
    'float32',
    body,
    [{ name: 'ptN', type: 'int' }],
    [[n]],
  );
  s.disposeTemp(max);
  s.disposeTemp(tail);
  return s.wrap(out, outShape, 'float32');
}

/**
 * The whole loss in one program: per row, the loops of rowStats' max and tail
 * sum (same order, same NaN and tie rules, so the same float32 values they
 * store), then the labelled sum. A short row costs three passes over C values
 * in one fragment instead of three programs' dispatch.
 */
function oneProgram(s: WebGLStore, logits: TensorInfo, labels: TensorInfo, rows: number, n: number) {
  const L = loopBound(n);
  const body = `
    void main() {
      int row = getOutputCoords();
      int base = row * ptN;
      float m = -ptInf();
      for (int j = 0; j < ${L}; j++) {
        if (j >= ptN) break;
        float v = getX(base + j);
        if (ptIsNaN(v) || ptIsNaN(m)) m = NAN; else if (v > m) m = v;
      }
      // Σ exp(x − m) over every entry but the first max (its term is exactly 1): log S = log1p(T)
      float t = 0.0;
      bool skipped = false;
      for (int j = 0; j < ${L}; j++) {
        if (j >= ptN) break;
        float v = getX(base + j);
        if (!skipped && v == m) skipped = true; else t += ptExp(v - m);
      }
      float lse = ptLog1p(t);
      float acc = 0.0;
      for (int j = 0; j < ${L}; j++) {
        if (j >= ptN) break;
        // every term, a zero label's too: 0 · Infinity (a −Infinity logit) is NaN, as the contract's sum is
        acc += getLabels(base + j) * (lse - (getX(base + j) - m));
      }
      setOutput(acc);
    }`;
  return s.flat('softmaxCrossEntropy one program', ['x', 'labels'], [logits, labels], rows, 'float32', body, [{ name: 'ptN', type: 'int' }], [[n]]);
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const softmaxCrossEntropyKernel: KernelImpl<'softmaxCrossEntropy', WebGLStore> = (s, logits, labels) =>
  softmaxCrossEntropy(s.enter('softmaxCrossEntropy'), logits, labels);
