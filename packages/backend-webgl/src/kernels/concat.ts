import { sizeOfShape, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { env } from '../tfjs.js';

/** GLSL names of packed output coordinates by rank (tfjs's getOutputCoords: int, ivec2, ivec3, ivec4). */
const COORD = ['x', 'y', 'z', 'w'];

/**
 * Whether `pieces` can be joined texel by texel: every piece readable packed
 * and no 2×2 texel straddling two pieces (the axis is not one of the last two,
 * or every piece but the last has an even extent along it).
 */
function texelAligned(s: WebGLStore, pieces: readonly TensorInfo[], axis: number, rank: number): boolean {
  if (rank < 1 || rank > 4) return false;
  const inTexel = axis >= rank - 2;
  return pieces.every((p, i) => s.readsPacked(p) && (!inTexel || i === pieces.length - 1 || p.shape[axis]! % 2 === 0));
}

/**
 * Concatenate packed pieces whose texels do not straddle pieces: each output
 * texel is one texel fetch of the piece it falls in. tfjs's packed concat
 * assembles every texel from four single-value lookups, each walking the
 * chain of pieces, which a software rasterizer runs for every lane (an LSTM's
 * backward pass joins 50 [32, 512] gradients: 16-piece programs of ~55 ms
 * each on SwiftShader). More pieces than a shader may sample are joined in
 * groups first.
 */
function concatTexels(s: WebGLStore, pieces: readonly TensorInfo[], axis: number, shape: readonly number[]): TensorInfo {
  const dtype = pieces[0]!.dtype;
  const limit = Math.max(2, env().getNumber('WEBGL_MAX_TEXTURES_IN_SHADER'));
  if (pieces.length > limit) {
    const groups: TensorInfo[] = [];
    for (let i = 0; i < pieces.length; i += limit) {
      const part = pieces.slice(i, i + limit);
      const partShape = [...shape];
      partShape[axis] = part.reduce((a, p) => a + p.shape[axis]!, 0);
      groups.push(part.length === 1 ? part[0]! : concatTexels(s, part, axis, partShape));
    }
    try {
      return concatTexels(s, groups, axis, shape);
    } finally {
      for (const g of groups) if (!pieces.includes(g)) s.disposeTemp(g);
    }
  }
  const rank = shape.length;
  const c = rank === 1 ? 'c' : `c.${COORD[axis]}`;
  const args = (shift: number): string => {
    if (rank === 1) return shift ? `c - ${shift}` : 'c';
    return COORD.slice(0, rank)
      .map((n, k) => (k === axis && shift ? `c.${n} - ${shift}` : `c.${n}`))
      .join(', ');
  };
  const names = pieces.map((_, i) => `T${i}`);
  let offset = 0;
  const lines = pieces.map((p, i) => {
    const start = offset;
    offset += p.shape[axis]!;
    const read = `v = getT${i}(${args(start)});`;
    if (i === pieces.length - 1) return `else ${read}`;
    return `${i ? 'else ' : ''}if (${c} < ${offset}) ${read}`;
  });
  const body = `
    void main() {
      ${rank === 1 ? 'int' : `ivec${rank}`} c = getOutputCoords();
      vec4 v;
      ${lines.join('\n      ')}
      ptSetOutput(v);
    }`;
  const out = s.packed('concat', names, pieces, shape, dtype, body);
  return s.wrap(
    out,
    shape,
    dtype,
    pieces.reduce((a, p) => Math.max(a, s.bound(p)), 0),
  );
}

/** tfjs's Concat kernel (empty pieces dropped first; one piece is a copy), or texel-aligned packed pieces joined texel by texel. */
export function concat(s: WebGLStore, xs: readonly TensorInfo[], axis: number): TensorInfo {
  const shape = [...xs[0]!.shape];
  shape[axis] = xs.reduce((a, x) => a + x.shape[axis]!, 0);
  const dtype = xs[0]!.dtype;
  if (xs.some((x) => s.onHostOnly(x))) return s.onHost(xs, (ts, hs) => ts.concat(hs, axis));
  const bound = xs.reduce((a, x) => Math.max(a, s.bound(x)), 0);
  if (sizeOfShape(shape) === 0) return s.fromValues(new Float32Array(0), shape, dtype);
  const pieces = xs.filter((x) => sizeOfShape(x.shape) > 0);
  if (pieces.length === 1) return s.copy(pieces[0]!, shape);
  if (texelAligned(s, pieces, axis, shape.length)) return concatTexels(s, pieces, axis, shape);
  const out = s.kernel('Concat', pieces, { axis });
  return s.wrap(out, shape, dtype, bound);
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const concatKernel: KernelImpl<'concat', WebGLStore> = (s, xs, axis) => concat(s.enter('concat'), xs, axis);
