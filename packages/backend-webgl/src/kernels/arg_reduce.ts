import { sizeOfShape, type ArgReduceOp, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { loopBound, reductionView, runReduction } from './reduce_util.js';

/** Index of the first max/min along `axis`; the first NaN counts as the extreme. */
export function argReduce(s: WebGLStore, op: ArgReduceOp, x: TensorInfo, axis: number): TensorInfo {
  if (s.onHostOnly(x)) return s.onHost([x], (ts, [hx]) => ts.argReduce(op, hx!, axis));
  const view = reductionView(s, x, [axis]);
  const outSize = sizeOfShape(view.outShape);
  if (outSize === 0) return s.fromValues(new Int32Array(0), view.outShape, 'int32');
  const cmp = op === 'argMax' ? '>' : '<';
  const L = loopBound(view.R);
  const body = `float best = getX(base);
      bool nan = ptIsNaN(best);
      int bi = 0;
      for (int r = 1; r < ${L}; r++) {
        if (r >= ptR || nan) break;
        float v = getX(base + r * ptQ);
        if (ptIsNaN(v)) { nan = true; bi = r; }
        else if (v ${cmp} best) { best = v; bi = r; }
      }
      setOutput(float(bi));`;
  const out = runReduction(s, op, view, outSize, 'int32', body);
  return s.wrap(out, view.outShape, 'int32', Math.max(0, view.R - 1));
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const argReduceKernel: KernelImpl<'argReduce', WebGLStore> = (s, op, x, axis) => argReduce(s.enter('argReduce'), op, x, axis);
