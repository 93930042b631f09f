import type { TensorInfo } from '@polytensor/core';
import type { Runtime } from '../runtime.js';
import { sizeOfShape } from '../util.js';
import { MATH_GLSL } from './math_glsl.js';
import { lastDim, rowStats } from './softmax_util.js';

/** Stable log-softmax over the last axis: (x − max) − log1p(T), T = Σ exp(x − max) without the max's 1 (see rowStats). tfjs has no such kernel. */
export function logSoftmax(rt: Runtime, logits: TensorInfo): TensorInfo {
  const size = sizeOfShape(logits.shape);
  if (size === 0) return rt.fromValues(new Float32Array(0), logits.shape, 'float32');
  const n = lastDim(logits.shape);
  const rows = size / n;
  const { max, tail } = rowStats(rt, logits, rows, n);
  const body = `
    ${MATH_GLSL}
    void main() {
      int i = getOutputCoords();
      int row = i / ptN;
      setOutput((getX(i) - getM(row)) - ptLog1p(getT(row)));
    }`;
  const out = rt.flat('logSoftmax', ['x', 'm', 't'], [logits, max, tail], size, 'float32', body, [{ name: 'ptN', type: 'int' }], [[n]]);
  rt.disposeTemp(max);
  rt.disposeTemp(tail);
  return rt.wrap(out, logits.shape, 'float32');
}
