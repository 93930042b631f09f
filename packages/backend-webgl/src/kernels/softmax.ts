import type { TensorInfo } from '@polytensor/core';
import type { Runtime } from '../runtime.js';
import { sizeOfShape } from '../util.js';
import { MATH_GLSL } from './math_glsl.js';
import { lastDim, rowStats } from './softmax_util.js';

/**
 * Stable softmax over the last axis: exp(x − max) / Σ exp(x − max), with this
 * package's accurate exp (tfjs's Softmax composes its kernels with GLSL's exp).
 */
export function softmax(rt: Runtime, logits: TensorInfo): TensorInfo {
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
      setOutput(ptExp(getX(i) - getM(row)) / (1.0 + getT(row)));
    }`;
  const out = rt.flat('softmax', ['x', 'm', 't'], [logits, max, tail], size, 'float32', body, [{ name: 'ptN', type: 'int' }], [[n]]);
  rt.disposeTemp(max);
  rt.disposeTemp(tail);
  return rt.wrap(out, logits.shape, 'float32');
}
