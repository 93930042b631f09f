import { sizeOfShape, stridesOf, type TensorInfo, type KernelImpl } from '@polytensor/core';
import { coordsSnippet } from '../programs.js';
import { EXACT_INT, type WebGLStore } from '../store.js';

/**
 * Constant padding, one program per rank (tfjs's PadV2 bakes the shape into
 * the shader and fails to compile at rank 6). The value is a uniform, so −0
 * and NaN survive.
 */
export function pad(s: WebGLStore, x: TensorInfo, paddings: ReadonlyArray<readonly [number, number]>, value: number): TensorInfo {
  const shape = x.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
  const wideValue = x.dtype === 'int32' && Math.abs(value) > EXACT_INT && Math.fround(value) !== value;
  if (s.onHostOnly(x) || wideValue) return s.onHost([x], (ts, [hx]) => ts.pad(hx!, paddings, value));
  const bound = Math.max(s.bound(x), x.dtype === 'int32' ? Math.abs(value) : 0);
  const size = sizeOfShape(shape);
  if (size === 0) return s.fromValues(new Float32Array(0), shape, x.dtype);
  if (sizeOfShape(x.shape) === 0) return s.fill(shape, x.dtype, value, bound);
  if (x.shape.length === 0) return s.copy(x);
  const rank = shape.length;
  const checks: string[] = [];
  for (let k = 0; k < rank; k++) {
    checks.push(`{ int v = c[${k}] - ptBefore[${k}]; if (v < 0 || v >= ptIn[${k}]) inside = false; idx += v * ptStrides[${k}]; }`);
  }
  const body = `
    void main() {
      int i = getOutputCoords();
      ${coordsSnippet(rank, 'ptShape')}
      bool inside = true;
      int idx = 0;
      ${checks.join('\n      ')}
      setOutput(inside ? getX(idx) : ptValue);
    }`;
  const r = { type: 'int' as const, arrayIndex: rank };
  const out = s.flat(
    'pad',
    ['x'],
    [x],
    size,
    x.dtype,
    body,
    [
      { name: 'ptShape', ...r },
      { name: 'ptBefore', ...r },
      { name: 'ptIn', ...r },
      { name: 'ptStrides', ...r },
      { name: 'ptValue', type: 'float' },
    ],
    [shape, paddings.map((p) => p[0]), [...x.shape], stridesOf(x.shape), [value]],
  );
  return s.wrap(out, shape, x.dtype, bound);
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const padKernel: KernelImpl<'pad', WebGLStore> = (s, x, paddings, value) => pad(s.enter('pad'), x, paddings, value);
