import type { TensorInfo } from '@polytensor/core';
import type { Runtime } from '../runtime.js';
import { MATH_GLSL } from './math_glsl.js';
import { loopBound } from './reduce_util.js';

/**
 * Per-row statistics of the stable softmax over the last axis: the row max m
 * (NaN if the row has one) and S = Σ exp(x − m). Two small programs, one
 * fragment per row.
 */
export function rowStats(rt: Runtime, x: TensorInfo, rows: number, n: number): { max: TensorInfo; sum: TensorInfo } {
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
  const max = rt.wrap(rt.flat('softmax max', ['x'], [x], rows, 'float32', maxBody, u, [[n]]), [rows], 'float32');
  const sumBody = `
    ${MATH_GLSL}
    void main() {
      int row = getOutputCoords();
      int base = row * ptN;
      float m = getM(row);
      float s = 0.0;
      for (int j = 0; j < ${L}; j++) {
        if (j >= ptN) break;
        s += ptExp(getX(base + j) - m);
      }
      setOutput(s);
    }`;
  const sum = rt.wrap(rt.flat('softmax sum', ['x', 'm'], [x, max], rows, 'float32', sumBody, u, [[n]]), [rows], 'float32');
  return { max, sum };
}

export function lastDim(shape: readonly number[]): number {
  return shape.length === 0 ? 1 : shape[shape.length - 1]!;
}
