import type { TensorInfo } from '@polytensor/core';
import type { Runtime } from '../runtime.js';
import { sizeOfShape } from '../util.js';

/**
 * One-hot rows; an index outside [0, depth) gives a row of `offValue`. The
 * values are selected, never computed (tfjs's OneHot mixes them arithmetically,
 * which turns on/off values like NaN or −0 into something else).
 */
export function oneHot(rt: Runtime, indices: TensorInfo, depth: number, onValue: number, offValue: number): TensorInfo {
  const shape = [...indices.shape, depth];
  if (rt.onHostOnly(indices)) return rt.onHost([indices], (ts, [i]) => ts.oneHot(i!, depth, onValue, offValue));
  const size = sizeOfShape(shape);
  if (size === 0) return rt.fromValues(new Float32Array(0), shape, 'float32');
  const body = `
    void main() {
      int o = getOutputCoords();
      int k = o / ptDepth;
      int c = o - k * ptDepth;
      setOutput(getIndices(k) == float(c) ? ptOn : ptOff);
    }`;
  const out = rt.flat('oneHot', ['indices'], [indices], size, 'float32', body,
    [{ name: 'ptDepth', type: 'int' }, { name: 'ptOn', type: 'float' }, { name: 'ptOff', type: 'float' }],
    [[depth], [onValue], [offValue]]);
  return rt.wrap(out, shape, 'float32');
}
