import { sizeOfShape, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { WebGLStore } from '../store.js';

/**
 * One-hot rows; an index outside [0, depth) gives a row of `offValue`. The
 * values are selected, never computed (tfjs's OneHot mixes them arithmetically,
 * which turns on/off values like NaN or −0 into something else).
 */
export function oneHot(s: WebGLStore, indices: TensorInfo, depth: number, onValue: number, offValue: number): TensorInfo {
  const shape = [...indices.shape, depth];
  if (s.onHostOnly(indices)) return s.onHost([indices], (ts, [i]) => ts.oneHot(i!, depth, onValue, offValue));
  const size = sizeOfShape(shape);
  if (size === 0) return s.fromValues(new Float32Array(0), shape, 'float32');
  const body = `
    void main() {
      int o = getOutputCoords();
      int k = o / ptDepth;
      int c = o - k * ptDepth;
      setOutput(getIndices(k) == float(c) ? ptOn : ptOff);
    }`;
  const out = s.flat(
    'oneHot',
    ['indices'],
    [indices],
    size,
    'float32',
    body,
    [
      { name: 'ptDepth', type: 'int' },
      { name: 'ptOn', type: 'float' },
      { name: 'ptOff', type: 'float' },
    ],
    [[depth], [onValue], [offValue]],
  );
  return s.wrap(out, shape, 'float32');
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const oneHotKernel: KernelImpl<'oneHot', WebGLStore> = (s, indices, depth, onValue, offValue) =>
  oneHot(s.enter('oneHot'), indices, depth, onValue, offValue);
