import { sizeOfShape, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { GpuTexture } from '../gpujs.js';
import { defineNative } from '../native.js';
import type { GpujsStore } from '../store.js';
import { indexSpace } from '../util/shape.js';

/** exp and log1p of gpu-common's math library (Math's in CPU mode); K is the runtime's constant vector. */
const EX = defineNative('ex', 'a K:vec4', 'float', '  return ptExp(a);', '  return Math.exp(a);');
const L1P = defineNative('l1p', 'a K:vec4', 'float', '  return ptLog1p(a);', '  return Math.log1p(a);');

/**
 * Per-row statistics of the last axis, one vec4 texel per row: (max, T, 0, 0)
 * where T = Σ exp(x − max) over every entry but the first max (whose term is
 * exactly 1): S = 1 + T, and log S = log1p(T) keeps outputs near 0 accurate (a
 * dominant max), where log of a float32 S loses up to n·2⁻²⁴ absolute.
 * max propagates NaN (a NaN row gives NaN everywhere).
 */
export function rowStats(s: GpujsStore, x: TensorInfo, rows: number, c: number): GpuTexture {
  const body = `const base = this.thread.x * C;
let m = -kc[1];
for (let j1 = 0; j1 < C; j1++) {
  const v = rd(x, base + j1);
  if (v != v || m != m) { m = v + m; } else if (v > m) { m = v; }
}
let sum = 0.0;
let skipped = 0.0;
for (let j2 = 0; j2 < C; j2++) {
  const v2 = rd(x, base + j2);
  if (skipped == 0.0 && v2 == m) { skipped = 1.0; } else { sum += ex(v2 - m, kc); }
}
return [m, sum, 0.0, 0.0];`;
  return s.rt.run(
    {
      key: 'softmax:stats',
      params: [
        ['x', 'tex'],
        ['C', 'float'],
      ],
      body,
      returns: 'vec4',
      loop: c,
      natives: [EX],
    },
    [rows],
    [s.tex(x), c],
  );
}

/** Numerically stable softmax / log-softmax over the last axis: row statistics, then one elementwise pass (S = 1 + T, log S = log1p(T)). */
export function softmaxLike(s: GpujsStore, logits: TensorInfo, log: boolean): TensorInfo {
  const n = sizeOfShape(logits.shape);
  if (n === 0) return s.outEmpty(logits.shape, 'float32');
  const c = logits.shape.length === 0 ? 1 : logits.shape[logits.shape.length - 1]!;
  const rows = n / c;
  const stats = rowStats(s, logits, rows, c);
  const space = indexSpace([rows, c], ['r', 'j'], s.rt.maxTextureSize);
  const finish = log ? 'return (v - st[0]) - l1p(st[1], kc);' : 'return ex(v - st[0], kc) / (1.0 + st[1]);';
  const tex = s.rt.run(
    {
      key: `softmax:${log ? 'log' : 'exp'}:${space.key}`,
      params: [['x', 'tex'], ['stats', 'tex4'], ['C', 'float'], ...space.params.map(([nm]) => [nm, 'float'] as const)],
      body: `${space.prologue}\nconst st = rd4(stats, r);\nconst v = rd(x, r * C + j);\n${finish}`,
      natives: [EX, L1P],
    },
    space.dims,
    [s.tex(logits), stats, c, ...space.params.map(([, v]) => v)],
  );
  stats.delete();
  return s.outTex(tex, logits.shape, 'float32');
}

export function softmax(s: GpujsStore, logits: TensorInfo): TensorInfo {
  return softmaxLike(s, logits, false);
}

/** The contract-level kernel. */
export const softmaxKernel: KernelImpl<'softmax', GpujsStore> = softmax;
