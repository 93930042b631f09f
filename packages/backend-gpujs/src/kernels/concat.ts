import { sizeOfShape, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { GpuTexture } from '../gpujs.js';
import type { GpujsStore } from '../store.js';
import { stridedCopy } from '../util/copy.js';
import { indexSpace } from '../util/shape.js';

/**
 * Inputs joined per pass: the most samplers a WebGL 1 fragment shader is
 * guaranteed (MAX_TEXTURE_IMAGE_UNITS ≥ 8).
 */
export const CONCAT_FAN_IN = 8;

/** One part of a join: a texture seen as [outer, width]. */
interface Part {
  readonly tex: GpuTexture;
  readonly width: number;
  /** Made by an earlier pass (deleted once joined), not an input's own texture. */
  readonly temp: boolean;
}

/** Join up to CONCAT_FAN_IN parts side by side in one pass: [outer, Σ width]. */
function joinPass(s: GpujsStore, parts: readonly Part[], outer: number): Part {
  const g = parts.length;
  const width = parts.reduce((acc, p) => acc + p.width, 0);
  const space = indexSpace([outer, width], ['o', 'c'], s.rt.maxTextureSize);
  // part j holds columns [e_j, e_{j+1}); e_0 = 0
  const lines: string[] = [];
  for (let j = 0; j < g; j++) {
    const read = `rd(t${j}, o * w${j} + c${j > 0 ? ` - e${j}` : ''})`;
    lines.push(j < g - 1 ? `if (c < e${j + 1}) { return ${read}; }` : `return ${read};`);
  }
  const params: Array<readonly [string, 'tex' | 'float']> = [];
  const args: unknown[] = [];
  let at = 0;
  parts.forEach((p, j) => {
    params.push([`t${j}`, 'tex'], [`w${j}`, 'float']);
    args.push(p.tex, p.width);
    if (j > 0) {
      params.push([`e${j}`, 'float']);
      args.push(at);
    }
    at += p.width;
  });
  const tex = s.rt.run(
    {
      key: `concat${g}:${space.key}`,
      params: [...params, ...space.params.map(([n]) => [n, 'float'] as const)],
      body: `${space.prologue}\n${lines.join('\n')}`,
    },
    space.dims,
    [...args, ...space.params.map(([, v]) => v)],
  );
  return { tex, width, temp: true };
}

/**
 * The join as rectangle copies (WebGL 2, R32F inputs: GpuRuntime.blitRects),
 * with no kernel and no fetch per element, where every part's values form a
 * rectangle of its texture that lands on a rectangle of the output:
 * - side by side: each part [outer, width_j] in a texture exactly width_j
 *   wide goes to columns e_j.. of an [outer, Σ width] output;
 * - stacked (outer = 1): parts in textures of one common width C, each whole
 *   rows of it, go one under the other (an LSTM's per-step gradients of
 *   x·W + b, [batch, 4·units] each, into [time·batch, 4·units]).
 * A shader join reads every part in every fragment (SwiftShader runs each
 * branch of the part test), so the copies also spare CONCAT_FAN_IN − 1
 * fetches per value. Null where neither form applies.
 */
function concatByBlit(s: GpujsStore, parts: readonly { tex: GpuTexture; width: number }[], outer: number): GpuTexture | null {
  const rt = s.rt;
  const max = rt.maxTextureSize;
  if (!parts.every((p) => rt.canBlit(p.tex))) return null;
  const total = parts.reduce((acc, p) => acc + p.width, 0);
  if (parts.every((p) => p.tex.size[0] === p.width && p.tex.size[1]! >= outer) && total <= max && outer <= max) {
    let x = 0;
    return rt.blitRects(
      total,
      outer,
      parts.map((p) => {
        x += p.width;
        return [p.tex, 0, 0, p.width, outer, x - p.width, 0] as const;
      }),
    );
  }
  const c = parts[0]!.tex.size[0]!;
  if (outer === 1 && parts.every((p) => p.tex.size[0] === c && p.width % c === 0) && total / c <= max) {
    let y = 0;
    return rt.blitRects(
      c,
      total / c,
      parts.map((p) => {
        y += p.width / c;
        return [p.tex, 0, 0, c, p.width / c, 0, y - p.width / c] as const;
      }),
    );
  }
  return null;
}

/**
 * Join along `axis`. Each input is seen as [outer, width_j] (width = its axis
 * length × the trailing dims). Up to CONCAT_FAN_IN parts are joined per pass,
 * level by level (a tree), so every element is copied about log₈(parts)
 * times: joining pairwise into a growing result copied it up to parts − 1
 * times (stacking an LSTM's 50 steps took 49 passes over a growing texture).
 */
export function concat(s: GpujsStore, xs: readonly TensorInfo[], axis: number): TensorInfo {
  const first = xs[0]!;
  const outShape = [...first.shape];
  outShape[axis] = xs.reduce((acc, x) => acc + x.shape[axis]!, 0);
  const outer = sizeOfShape(first.shape.slice(0, axis));
  const trailing = sizeOfShape(first.shape.slice(axis + 1));
  const parts = xs.filter((x) => sizeOfShape(x.shape) > 0);
  if (first.dtype === 'int32') {
    const out = new Int32Array(sizeOfShape(outShape));
    const total = outShape[axis]! * trailing;
    let col = 0;
    for (const x of parts) {
      const w = x.shape[axis]! * trailing;
      const v = s.ints(x);
      for (let o = 0; o < outer; o++) out.set(v.subarray(o * w, o * w + w), o * total + col);
      col += w;
    }
    return s.outHost(out, outShape);
  }
  if (sizeOfShape(outShape) === 0) return s.outEmpty(outShape, first.dtype);
  if (parts.length === 1) return s.outTex(stridedCopy(s, s.tex(parts[0]!), [sizeOfShape(outShape)], [1], 0), outShape, first.dtype);
  let level: Part[] = parts.map((x) => ({ tex: s.tex(x), width: x.shape[axis]! * trailing, temp: false }));
  const blitted = concatByBlit(s, level, outer);
  if (blitted) return s.outTex(blitted, outShape, first.dtype);
  while (level.length > 1) {
    const next: Part[] = [];
    for (let i = 0; i < level.length; i += CONCAT_FAN_IN) {
      const group = level.slice(i, i + CONCAT_FAN_IN);
      if (group.length === 1) {
        next.push(group[0]!);
        continue;
      }
      next.push(joinPass(s, group, outer));
      for (const p of group) if (p.temp) p.tex.delete();
    }
    level = next;
  }
  return s.outTex(level[0]!.tex, outShape, first.dtype);
}

/** The contract-level kernel. */
export const concatKernel: KernelImpl<'concat', GpujsStore> = concat;
