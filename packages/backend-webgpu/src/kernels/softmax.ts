import { sizeOfShape, type KernelImpl, type TensorInfo } from '@polytensor/core';
import type { WebGPUStore } from '../store.js';

/**
 * Softmax and log-softmax over the last axis in one program: each thread
 * finds its row's max (NaN propagates) and sums, in column order, then its
 * own value. The arithmetic is the composite's (core's softmax.ts), step for
 * step, so results and special values match it; the row statistics are
 * recomputed per value (O(C) each), cheap for class counts.
 */
function rowProgram(s: WebGPUStore, op: 'softmax' | 'logSoftmax', x: TensorInfo, finish: string): TensorInfo {
  const C = x.shape[x.shape.length - 1]!;
  if (sizeOfShape(x.shape) === 0) return s.empty(x.shape, 'float32');
  const body = `  let row = (index / ${C}) * ${C};
  var m = -ptInf();
  for (var j = 0; j < ${C}; j = j + 1) {
    let v = ${s.load('A', 'row + j', 'float32')};
    if (ptIsNaN(v)) { m = v; break; }
    if (v > m) { m = v; }
  }
  let xi = ${s.load('A', 'index', 'float32')};
${finish}`;
  return s.run(op, ['A'], [x], x.shape, 'float32', body);
}

export const softmaxKernel: KernelImpl<'softmax', WebGPUStore> = (s, x) =>
  rowProgram(
    s,
    'softmax',
    x,
    `  var sum = 0.0;
  for (var j = 0; j < ${x.shape[x.shape.length - 1]}; j = j + 1) { sum = sum + ptExp(${s.load('A', `(index / ${x.shape[x.shape.length - 1]}) * ${x.shape[x.shape.length - 1]} + j`, 'float32')} - m); }
  result[index] = ptDiv(ptExp(xi - m), sum);`,
  );

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
    let d = ${s.load('A', `(index / ${C}) * ${C} + j`, 'float32')} - m;
    if (d < 0.0) { rest = rest + ptExp(d); } else { maxima = maxima + 1.0; }
  }
  result[index] = (xi - m) - ptLog1p(rest + (maxima - 1.0));`,
  );
};
