import { broadcastStrides, sizeOfShape, type TensorInfo, type KernelImpl } from '@polytensor/core';
import { broadcastMap } from '../host/int32.js';
import type { GpujsStore } from '../store.js';
import { collapse, indexSpace, offsetExpr } from '../util/shape.js';

/**
 * condition ? a : b with broadcasting: a select (no arithmetic), so −0, NaN and
 * subnormals pass exactly. float32/bool on the GPU; int32 on the host (the
 * condition is read back).
 */
export function where(s: GpujsStore, condition: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): TensorInfo {
  const n = sizeOfShape(outShape);
  if (a.dtype === 'int32') {
    const c = s.hostValues(condition);
    const av = s.ints(a);
    const bv = s.ints(b);
    const mc = broadcastMap(condition.shape, outShape);
    const ma = broadcastMap(a.shape, outShape);
    const mb = broadcastMap(b.shape, outShape);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = c[mc[i]!] ? av[ma[i]!]! : bv[mb[i]!]!;
    return s.outHost(out, outShape);
  }
  if (n === 0) return s.outEmpty(outShape, a.dtype);
  const { dims, strides } = collapse(
    outShape,
    [condition, a, b].map((t) => broadcastStrides(t.shape, outShape)),
  );
  const k = dims.length;
  const space = indexSpace(
    dims,
    dims.map((_, j) => `w${j}`),
    s.rt.maxTextureSize,
  );
  const idx = (pre: string): string => offsetExpr(pre, k).replace(/\bi(\d)/g, 'w$1');
  const uniforms: Array<readonly [string, number]> = [...space.params];
  ['cs', 'as', 'bs'].forEach((pre, t) => strides[t]!.forEach((v, j) => uniforms.push([`${pre}${j}`, v])));
  const tex = s.rt.run(
    {
      key: `where:${space.key}`,
      params: [['c', 'tex'], ['a', 'tex'], ['b', 'tex'], ...uniforms.map(([nm]) => [nm, 'float'] as const)],
      body: `${space.prologue}\nif (rd(c, ${idx('cs')}) != 0.0) { return rd(a, ${idx('as')}); }\nreturn rd(b, ${idx('bs')});`,
    },
    space.dims,
    [s.tex(condition), s.tex(a), s.tex(b), ...uniforms.map(([, v]) => v)],
  );
  return s.outTex(tex, outShape, a.dtype);
}

/** The contract-level kernel. */
export const whereKernel: KernelImpl<'where', GpujsStore> = where;
