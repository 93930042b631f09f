import type { TensorInfo } from '@polytensor/core';
import type { Runtime } from '../runtime.js';
import { coordsSnippet, dotStrides } from '../programs.js';
import { sizeOfShape, stridesOf } from '../util.js';

/**
 * Permute axes: one program per rank (shapes and strides are uniforms), an
 * exact copy for every dtype. (tfjs's Transpose bakes the shape into the
 * shader, one compile per shape; this one compiles once per rank.)
 */
export function transpose(rt: Runtime, x: TensorInfo, perm: readonly number[]): TensorInfo {
  if (rt.onHostOnly(x)) return rt.onHost([x], (ts, [hx]) => ts.transpose(hx!, perm));
  const outShape = perm.map((p) => x.shape[p]!);
  const size = sizeOfShape(outShape);
  const bound = rt.bound(x);
  if (size === 0) return rt.fromValues(new Float32Array(0), outShape, x.dtype);
  if (perm.every((p, i) => p === i) || size === 1) {
    return rt.copy(x, outShape);
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
  const out = rt.flat('transpose', ['x'], [x], size, x.dtype, body,
    [{ name: 'ptShape', type: 'int', arrayIndex: rank }, { name: 'ptStrides', type: 'int', arrayIndex: rank }],
    [outShape, strides]);
  return rt.wrap(out, outShape, x.dtype, bound);
}
