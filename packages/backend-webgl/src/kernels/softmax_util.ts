import { sizeOfShape, type TensorInfo } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { reduce } from './reduce.js';
import { loopBound } from './reduce_util.js';

/**
 * Per-row statistics of the stable softmax over the last axis: the row max m
 * (NaN if the row has one) and the tail T = Σ exp(x − m) over every entry but
 * the first max (whose term is exactly 1), so S = 1 + T and log S = log1p(T):
 * accurate for outputs near 0 (a dominant max), where log of a float32 S loses
 * up to n·2⁻²⁴ absolute. Two small programs, one fragment per row.
 */
export function rowStats(s: WebGLStore, x: TensorInfo, rows: number, n: number): { max: TensorInfo; tail: TensorInfo } {
  const L = loopBound(n);
  const maxBody = `
    void main() {
      int row = getOutputCoords();
      int base = row * ptN;
      float m = -ptInf();
      for (int j = 0; j < ${L}; j++) {
        if (j >= ptN) break;
        float v = getX(base + j);
        if (ptIsNaN(v) || ptIsNaN(m)) m = NAN; else if (v > m) m = v;
      }
      setOutput(m);
    }`;
  const u = [{ name: 'ptN', type: 'int' as const }];
  // the row max is reduce's max (same NaN rule), which splits long rows into windows
  const max =
    n >= s.windowMinTerms
      ? reduce(s, 'max', { dataId: x.dataId, shape: [rows, n], dtype: x.dtype }, [1])
      : s.wrap(s.flat('softmax max', ['x'], [x], rows, 'float32', maxBody, u, [[n]]), [rows], 'float32');
  const sumBody = `
    void main() {
      int row = getOutputCoords();
      int base = row * ptN;
      float m = getM(row);
      float s = 0.0;
      bool skipped = false;
      for (int j = 0; j < ${L}; j++) {
        if (j >= ptN) break;
        float v = getX(base + j);
        if (!skipped && v == m) skipped = true; else s += ptExp(v - m);
      }
      setOutput(s);
    }`;
  const tail =
    n >= s.windowMinTerms
      ? windowedTail(s, x, max, rows, n)
      : s.wrap(s.flat('softmax tail sum', ['x', 'm'], [x, max], rows, 'float32', sumBody, u, [[n]]), [rows], 'float32');
  return { max, tail };
}

/**
 * T for long rows, in windows of ≈√n terms (one fragment per window, as in
 * reduce's windowed max): per window U = Σ exp(x − m) over the terms ≠ m and
 * c = the number of terms = m; then per row T = ΣU + (c − 1)·exp(m − m) (1, or NaN for infinite m), the
 * terms the serial loop adds for every tie after the first max (1 each, NaN
 * when m is infinite, as there). Only the order of the additions differs.
 */
function windowedTail(s: WebGLStore, x: TensorInfo, max: TensorInfo, rows: number, n: number): TensorInfo {
  const W = Math.ceil(Math.sqrt(n));
  const K = Math.ceil(n / W);
  const L = loopBound(W);
  const part = (what: 'sum' | 'count'): TensorInfo => {
    const body = `
    void main() {
      int o = getOutputCoords();
      int row = o / ptK;
      int first = (o - row * ptK) * ptW;
      int base = row * ptN + first;
      float m = getM(row);
      float acc = 0.0;
      for (int j = 0; j < ${L}; j++) {
        if (j >= ptW || first + j >= ptN) break;
        float v = getX(base + j);
        ${what === 'sum' ? 'if (v != m) acc += ptExp(v - m);' : 'if (v == m) acc += 1.0;'}
      }
      setOutput(acc);
    }`;
    const us = [
      { name: 'ptN', type: 'int' as const },
      { name: 'ptW', type: 'int' as const },
      { name: 'ptK', type: 'int' as const },
    ];
    const out = s.flat(`softmax tail ${what} (windows)`, ['x', 'm'], [x, max], rows * K, 'float32', body, us, [[n], [W], [K]]);
    return s.wrap(out, [rows * K], 'float32');
  };
  const sums = part('sum');
  const counts = part('count');
  const L2 = loopBound(K);
  const body = `
    void main() {
      int row = getOutputCoords();
      float u = 0.0;
      float c = 0.0;
      for (int k = 0; k < ${L2}; k++) {
        if (k >= ptK) break;
        u += getU(row * ptK + k);
        c += getC(row * ptK + k);
      }
      float m = getM(row);
      // exp(m − m) written out: a compiler may fold m − m to 0 (headless-gl's does), but Inf − Inf is NaN
      setOutput(c > 1.0 ? u + (c - 1.0) * (ptIsInf(m) ? NAN : 1.0) : u);
    }`;
  const tail = s.flat('softmax tail (rows)', ['u', 'c', 'm'], [sums, counts, max], rows, 'float32', body, [{ name: 'ptK', type: 'int' }], [[K]]);
  s.disposeTemp(sums);
  s.disposeTemp(counts);
  return s.wrap(tail, [rows], 'float32');
}

export function lastDim(shape: readonly number[]): number {
  return shape.length === 0 ? 1 : shape[shape.length - 1]!;
}

/**
 * An elementwise pass over the last axis after `rowStats`: each output is the
 * GLSL expression `expr` of getX(i), getM(row) and getT(row) (the row's max and
 * tail sum). softmax and logSoftmax differ only there.
 */
export function rowwise(s: WebGLStore, op: string, logits: TensorInfo, expr: string): TensorInfo {
  const size = sizeOfShape(logits.shape);
  if (size === 0) return s.fromValues(new Float32Array(0), logits.shape, 'float32');
  const n = lastDim(logits.shape);
  const rows = size / n;
  const { max, tail } = rowStats(s, logits, rows, n);
  if (size >= s.packedMinSize && n > 1) {
    // The elementwise pass, four values per fragment: x seen as [rows, n] (packed by
    // tfjs if it is not), the row statistics as [rows, 1], broadcast along each row.
    const packedExpr = (c: string): string =>
      expr
        .replace(/getX\(i\)/g, `x.${c}`)
        .replace(/getM\(row\)/g, `m.${c}`)
        .replace(/getT\(row\)/g, `t.${c}`);
    const packedBody = `
    void main() {
      vec4 x = getXAtOutCoords();
      vec4 m = getMAtOutCoords();
      vec4 t = getTAtOutCoords();
      ptSetOutput(vec4(${['x', 'y', 'z', 'w'].map(packedExpr).join(', ')}));
    }`;
    const out = s.packed(op, ['X', 'M', 'T'], [logits, max, tail], [rows, n], 'float32', packedBody, [
      [rows, n],
      [rows, 1],
      [rows, 1],
    ]);
    s.disposeTemp(max);
    s.disposeTemp(tail);
    return s.wrap(out, logits.shape, 'float32');
  }
  const body = `
    void main() {
      int i = getOutputCoords();
      int row = i / ptN;
      setOutput(${expr});
    }`;
  const out = s.flat(op, ['x', 'm', 't'], [logits, max, tail], size, 'float32', body, [{ name: 'ptN', type: 'int' }], [[n]]);
  s.disposeTemp(max);
  s.disposeTemp(tail);
  return s.wrap(out, logits.shape, 'float32');
}
