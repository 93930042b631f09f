import { sizeOfShape, stridesOf, type TensorInfo } from '@polytensor/core';
import type { GpuTexture } from '../gpujs.js';
import type { GpujsStore } from '../store.js';
import { collapse, indexSpace, offsetExpr } from './shape.js';

/**
 * A new texture whose element i (row-major over `outShape`) is the input's
 * element offset + Σ i_d·strides_d: transpose, slice and broadcast are this
 * kernel with different strides. Dims the input walks contiguously are merged
 * first, so most copies run as 1-D or 2-D outputs.
 */
export function stridedCopy(s: GpujsStore, src: GpuTexture, outShape: readonly number[], strides: readonly number[], offset: number): GpuTexture {
  const { dims, strides: st } = collapse(outShape, [strides]);
  const k = dims.length;
  const space = indexSpace(
    dims,
    dims.map((_, j) => `c${j}`),
    s.rt.maxTextureSize,
  );
  const off = offsetExpr('s', k).replace(/\bi(\d)/g, 'c$1');
  const uniforms: Array<readonly [string, number]> = [...space.params, ...st[0]!.map((v, j) => [`s${j}`, v] as const), ['off', offset]];
  return s.rt.run(
    {
      key: `copy:${space.key}`,
      params: [['x', 'tex'], ...uniforms.map(([n]) => [n, 'float'] as const)],
      body: `${space.prologue}\nreturn rd(x, off + ${off});`,
    },
    space.dims,
    [src, ...uniforms.map(([, v]) => v)],
  );
}

/**
 * x's texture with its axes permuted by `perm`: the same texture when the
 * permutation moves no data (only size-1 axes move), else a strided copy.
 * `owned` says whether the caller must delete it.
 */
export function permuted(s: GpujsStore, x: TensorInfo, perm: readonly number[]): { tex: GpuTexture; owned: boolean } {
  const st = stridesOf(x.shape);
  const outShape = perm.map((p) => x.shape[p]!);
  const strides = perm.map((p) => st[p]!);
  const { strides: cs } = collapse(outShape, [strides]);
  const contiguous = cs[0]!.length <= 1 && (cs[0]!.length === 0 || cs[0]![0] === 1);
  if (contiguous || sizeOfShape(outShape) <= 1) return { tex: s.tex(x), owned: false };
  return { tex: stridedCopy(s, s.tex(x), outShape, strides, 0), owned: true };
}
