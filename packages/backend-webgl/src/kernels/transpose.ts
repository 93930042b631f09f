import { sizeOfShape, stridesOf, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { coordsSnippet, dotStrides } from '../programs.js';

/**
 * Permute axes: one program per rank (shapes and strides are uniforms), an
 * exact copy for every dtype. (tfjs's Transpose bakes the shape into the
 * shader, one compile per shape; this one compiles once per rank.)
 */
export function transpose(s: WebGLStore, x: TensorInfo, perm: readonly number[]): TensorInfo {
  if (s.onHostOnly(x)) return s.onHost([x], (ts, [hx]) => ts.transpose(hx!, perm));
  const outShape = perm.map((p) => x.shape[p]!);
  const size = sizeOfShape(outShape);
  const bound = s.bound(x);
  if (size === 0) return s.fromValues(new Float32Array(0), outShape, x.dtype);
  if (perm.every((p, i) => p === i) || size === 1) {
    return s.copy(x, outShape);
  }
  const rank = outShape.length;
  const inStrides = stridesOf(x.shape);
  const strides = perm.map((p) => inStrides[p]!);
  const body = `
    void main() {
      int i = getOutputCoords();
      ${coordsSnippet(rank, 'ptShape')}
      setOutput(getX(${dotStrides(rank, 'ptStrides')}));
    }`;
  const out = s.flat(
    'transpose',
    ['x'],
    [x],
    size,
    x.dtype,
    body,
    [
      { name: 'ptShape', type: 'int', arrayIndex: rank },
      { name: 'ptStrides', type: 'int', arrayIndex: rank },
    ],
    [outShape, strides],
  );
  return s.wrap(out, outShape, x.dtype, bound);
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const transposeKernel: KernelImpl<'transpose', WebGLStore> = (s, x, perm) => transpose(s.enter('transpose'), x, perm);
