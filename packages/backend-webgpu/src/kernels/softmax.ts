import { sizeOfShape, type KernelImpl, type TensorInfo } from '@polytensor/core';
import type { WebGPUStore } from '../store.js';

/**
 * Softmax and log-softmax over the last axis in two programs: one thread per
 * row finds the row's max (NaN propagates) and its sum, in column order, into
 * a [rows, 2] temporary; then one thread per value finishes it. The
 * arithmetic is the composite's (core's softmax.ts), step for step, so
 * results and special values match it.
 */
function rowProgram(s: WebGPUStore, op: 'softmax' | 'logSoftmax', x: TensorInfo, stats: string, finish: string): TensorInfo {
  const C = x.shape[x.shape.length - 1]!;
  if (sizeOfShape(x.shape) === 0) return s.empty(x.shape, 'float32');
  const rows = sizeOfShape(x.shape) / C;
  const statsBody = `  let row = index / 2 * ${C};
  if (index % 2 != 0) { return; }
  var m = -ptInf();
  for (var j = 0; j < ${C}; j = j + 1) {
    let v = ${s.load('A', 'row + j', 'float32')};
    if (ptIsNaN(v)) { m = v; break; }
    if (v > m) { m = v; }
  }
${stats}`;
  // two values per row (m and the row's second statistic), written by the row's even thread
  const st = s.run(op, ['A'], [x], [rows, 2], 'float32', statsBody);
  const body = `  let r = index / ${C};
  let m = S[2 * r];
  let t = S[2 * r + 1];
  let xi = ${s.load('A', 'index', 'float32')};
  result[index] = ${finish};`;
  try {
    return s.run(op, ['A', 'S'], [x, st], x.shape, 'float32', body);
  } finally {
    s.disposeTemp(st);
  }
}

export const softmaxKernel: KernelImpl<'softmax', WebGPUStore> = (s, x) => {
  const C = x.shape[x.shape.length - 1]!;
  return rowProgram(
    s,
    'softmax',
    x,
    `  var sum = 0.0;
  for (var j = 0; j < ${C}; j = j + 1) { sum = sum + ptExp(${s.load('A', 'row + j', 'float32')} - m); }
  result[index] = m;
  result[index + 1] = sum;`,
    'ptDiv(ptExp(xi - m), t)',
  );
};

/** d − log1p(Σ_{d<0} exp(d) + (#maxima − 1)), d = x − max: accurate where the result is near 0. */
export const logSoftmaxKernel: KernelImpl<'logSoftmax', WebGPUStore> = (s, x) => {
  const C = x.shape[x.shape.length - 1]!;
  return rowProgram(
    s,
    'logSoftmax',
    x,
    `  var rest = 0.0;
  var maxima = 0.0;
  for (var j = 0; j < ${C}; j = j + 1) {
    let d = ${s.load('A', 'row + j', 'float32')} - m;
    if (d < 0.0) { rest = rest + ptExp(d); } else { maxima = maxima + 1.0; }
  }
  result[index] = m;
  result[index + 1] = ptLog1p(rest + (maxima - 1.0));`,
    '(xi - m) - t',
  );
};
