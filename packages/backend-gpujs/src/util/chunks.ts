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
  // one pass, each row one texture row (a texture exactly r wide): fetch (j, row) with no texel walk
  if (!rt.isCpu && r <= 2 * CHUNK && src.size[0] === r) return reduceAligned(rt, src, rows, r, pass(true));
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

/**
 * One pass of `reduceInChunks` over rows that are texture rows: the loop
 * fetches (j, row) directly, u terms per step (u = 4 or 2 when r allows),
 * in row order (the same accumulation order, so the same bits).
 */
function reduceAligned(rt: GpuRuntime, src: GpuTexture, rows: number, r: number, p: ChunkPass): GpuTexture {
  const u = r % 4 === 0 ? 4 : r % 2 === 0 ? 2 : 1;
  const uniforms = p.uniforms ?? [];
  const term = p.input === 'tex4' ? 'rd4xy' : 'rdxy';
  const steps = Array.from({ length: u }, (_, k) => `const t${k} = ${term}(x, j + ${k}.0, o);\n  ${p.step.replace(/\bt\b/g, `t${k}`)}`).join('\n  ');
  return rt.run(
    {
      key: `${p.key}:rows${u}`,
      params: [['x', p.input], ['N', 'float'], ...uniforms.map(([nm]) => [nm, 'float'] as const)],
      body: `const o = this.thread.x * 1.0;
${p.init}
for (let j1 = 0; j1 < N; j1++) {
  const j = j1 * ${u}.0;
  ${steps}
}
return acc;`,
      returns: p.returns,
      natives: p.natives,
      loop: r / u,
    },
    [rows],
    [src, r / u, ...uniforms.map(([, v]) => v)],
  );
}
