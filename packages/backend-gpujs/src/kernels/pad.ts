import { sizeOfShape, stridesOf, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { GpujsStore } from '../store.js';
import { indexSpace } from '../util/shape.js';

/**
 * Constant padding. Each output element checks, per axis, whether it falls in
 * the input's range; outside it is `value` (a uniform: NaN and −0 pass exactly).
 */
export function pad(s: GpujsStore, x: TensorInfo, paddings: ReadonlyArray<readonly [number, number]>, value: number): TensorInfo {
  const outShape = x.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
  const n = sizeOfShape(outShape);
  const st = stridesOf(x.shape);
  if (x.dtype === 'int32') {
    const out = new Int32Array(n).fill(value);
    const src = s.ints(x);
    const inSize = src.length;
    const rank = x.shape.length;
    const idx = new Array<number>(rank).fill(0);
    for (let i = 0; i < inSize; i++) {
      let o = 0;
      let rem = i;
      for (let d = rank - 1; d >= 0; d--) {
        idx[d] = rem % x.shape[d]!;
        rem = Math.floor(rem / x.shape[d]!);
      }
      for (let d = 0; d < rank; d++) o = o * outShape[d]! + idx[d]! + paddings[d]![0];
      out[o] = src[i]!;
    }
    return s.outHost(out, outShape);
  }
  if (n === 0) return s.outEmpty(outShape, x.dtype);
  if (sizeOfShape(x.shape) === 0) return s.outTex(s.fill(n, value), outShape, x.dtype);
  const rank = x.shape.length;
  const names = outShape.map((_, j) => `n${j}`);
  const space = indexSpace(outShape, names, s.rt.maxTextureSize);
  const lines = [space.prologue, 'let inside = 1.0;', 'let off = 0.0;'];
  const uniforms: Array<readonly [string, number]> = [...space.params];
  for (let j = 0; j < rank; j++) {
    lines.push(`const p${j} = n${j} - b${j};`, `if (p${j} < 0.0 || p${j} >= e${j}) { inside = 0.0; }`, `off += p${j} * s${j};`);
    uniforms.push([`b${j}`, paddings[j]![0]], [`e${j}`, x.shape[j]!], [`s${j}`, st[j]!]);
  }
  lines.push('if (inside == 0.0) { return v; }', 'return rd(x, off);');
  const tex = s.rt.run(
    { key: `pad:${rank}:${space.key}`, params: [['x', 'tex'], ['v', 'float'], ...uniforms.map(([nm]) => [nm, 'float'] as const)], body: lines.join('\n') },
    space.dims,
    [s.tex(x), value, ...uniforms.map(([, v]) => v)],
  );
  return s.outTex(tex, outShape, x.dtype);
}

/** The contract-level kernel. */
export const padKernel: KernelImpl<'pad', GpujsStore> = pad;
