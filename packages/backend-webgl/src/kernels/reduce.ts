import type { ReduceOp, TensorInfo } from '@polytensor/core';
import { EXACT_INT, type Runtime } from '../runtime.js';
import { loopBound, reductionView } from './reduce_util.js';

const INIT: Readonly<Record<ReduceOp, string>> = { sum: '0.0', prod: '1.0', max: '-ptInf()', min: 'ptInf()' };
const STEP: Readonly<Record<ReduceOp, string>> = {
  sum: 'acc += v;',
  prod: 'acc *= v;',
  // NaN propagates: once seen, it stays
  max: 'if (ptIsNaN(v) || ptIsNaN(acc)) acc = NAN; else if (v > acc) acc = v;',
  min: 'if (ptIsNaN(v) || ptIsNaN(acc)) acc = NAN; else if (v < acc) acc = v;',
};
const IDENTITY: Readonly<Record<ReduceOp, number>> = { sum: 0, prod: 1, max: -Infinity, min: Infinity };

/**
 * Reductions over axes: one fragment per output element, its terms summed
 * (multiplied, compared) in order. An empty reduction gives the identity.
 */
export function reduce(rt: Runtime, op: ReduceOp, x: TensorInfo, axes: readonly number[]): TensorInfo {
  const outShape = x.shape.filter((_, i) => !axes.includes(i));
  const outSize = outShape.reduce((a, b) => a * b, 1);
  const R = axes.reduce((a, ax) => a * x.shape[ax]!, 1);
  let bound = 0;
  if (x.dtype === 'int32') {
    const b = rt.bound(x);
    bound = op === 'sum' ? b * R : op === 'prod' ? b ** R : b;
    if (rt.onHostOnly(x) || ((op === 'sum' || op === 'prod') && bound > EXACT_INT)) {
      return rt.onHost([x], (ts, [hx]) => ts.reduce(op, hx!, axes));
    }
  }
  if (outSize === 0) return rt.fromValues(new Float32Array(0), outShape, x.dtype);
  if (R === 0) return rt.fill(outShape, x.dtype, IDENTITY[op], x.dtype === 'int32' ? Math.abs(IDENTITY[op]) : 0);
  const view = reductionView(rt, x, axes);
  const L = loopBound(view.R);
  const body = `
    void main() {
      int o = getOutputCoords();
      int p = o / ptQ;
      int q = o - p * ptQ;
      int base = p * ptR * ptQ + q;
      float acc = ${INIT[op]};
      for (int r = 0; r < ${L}; r++) {
        if (r >= ptR) break;
        float v = getX(base + r * ptQ);
        ${STEP[op]}
      }
      setOutput(acc);
    }`;
  const out = rt.flat(`reduce ${op}`, ['x'], [view.x], outSize, x.dtype, body,
    [{ name: 'ptR', type: 'int' }, { name: 'ptQ', type: 'int' }], [[view.R], [view.Q]]);
  if (view.temp) rt.disposeTemp(view.x);
  return rt.wrap(out, outShape, x.dtype, bound);
}
