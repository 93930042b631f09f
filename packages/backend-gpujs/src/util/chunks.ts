import type { GpuTexture } from '../gpujs.js';
import type { GpuRuntime, NativeSpec } from '../runtime.js';
import { indexSpace } from './shape.js';

/** Rows longer than this are reduced in chunks (a partial per chunk, then the partials). */
const CHUNK = 1024;

/** The program of one pass of `reduceInChunks`: its accumulator and how a term joins it. */
export interface ChunkPass {
  /** Cache key prefix (the index space's key is appended). */
  readonly key: string;
  /** The kind of the texture the pass reads as `x`. */
  readonly input: 'tex' | 'tex4';
  /** Declares and initializes `acc`. */
  readonly init: string;
  /** Joins term `t` (x at `base + j`) into `acc`. */
  readonly step: string;
  readonly returns?: 'float' | 'vec4';
  readonly natives: readonly NativeSpec[];
  /** Float uniforms besides R and C (the row length and the chunk). */
  readonly uniforms?: ReadonlyArray<readonly [string, number]>;
}

/**
 * Reduce each of `rows` contiguous rows of length `r` (r ≥ 1): a long row is
 * cut into chunks, each reduced by its own thread, and the partials reduced
 * again, so no thread loops over more than CHUNK terms. `pass(first)` is the
 * program of a pass over the source (first) or over the partials.
 */
export function reduceInChunks(rt: GpuRuntime, src: GpuTexture, rows: number, r: number, pass: (first: boolean) => ChunkPass): GpuTexture {
  let tex = src;
  let len = r;
  for (;;) {
    const chunk = len > 2 * CHUNK ? CHUNK : len;
    const parts = Math.ceil(len / chunk);
    const space = indexSpace([rows, parts], ['o', 'p'], rt.maxTextureSize);
    const p = pass(tex === src);
    // on the GPU the loop walks the row texel by texel from its first texel (W: the texture's width), with
    // no flat index to turn into coordinates per term; gpu.js's CPU mode keeps flat arrays
    const walk = !rt.isCpu;
    const uniforms = [...(p.uniforms ?? []), ...space.params, ...(walk ? ([['W', tex.size[0]!]] as const) : [])];
    const term = walk ? (p.input === 'tex4' ? 'rd4xy(x, px, py)' : 'rdxy(x, px, py)') : p.input === 'tex4' ? 'rd4(x, base + j)' : 'rd(x, base + j)';
    const next = rt.run(
      {
        key: `${p.key}:${space.key}${walk ? ':w' : ''}`,
        params: [['x', p.input], ['R', 'float'], ['C', 'float'], ...uniforms.map(([nm]) => [nm, 'float'] as const)],
        body: `${space.prologue}
const first = p * C;
const n = Math.min(C, R - first);
// loop bounds are uniforms (GLSL ES 1.00 allows no other), the row end a break
const base = o * R + first;
${walk ? 'let py = qdiv(base, W);\nlet px = base - py * W;' : ''}
${p.init}
for (let j = 0; j < C; j++) {
  if (j * 1.0 >= n) { break; }
  const t = ${term};
  ${p.step}${walk ? '\n  px += 1.0;\n  if (px >= W) { px = 0.0; py += 1.0; }' : ''}
}
return acc;`,
        returns: p.returns,
        natives: p.natives,
        loop: chunk,
      },
      space.dims,
      [tex, len, chunk, ...uniforms.map(([, v]) => v)],
    );
    if (tex !== src) tex.delete();
    tex = next;
    if (parts === 1) return tex;
    len = parts;
  }
}
