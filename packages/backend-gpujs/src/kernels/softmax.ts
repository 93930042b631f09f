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
  const xt = s.tex(x);
  // each row one texture row (x a texture C wide: a 2-D kernel output, or an upload whose near-square width is C)
  if (!s.rt.isCpu && xt.size[0] === c) return rowStatsAligned(s, xt, rows, c);
  // on the GPU both loops walk the row texel by texel (W: the texture's width), with no flat index to turn
  // into coordinates per term; gpu.js's CPU mode keeps flat arrays
  const walk = !s.rt.isCpu;
  const start = walk ? 'py = py0;\npx = px0;' : '';
  const fetch = walk ? 'rdxy(x, px, py)' : 'rd(x, base + j)';
  const next = walk ? 'px += 1.0;\n  if (px >= W) { px = 0.0; py += 1.0; }' : '';
  const body = `const base = this.thread.x * C;
${walk ? 'const py0 = qdiv(base, W);\nconst px0 = base - py0 * W;\nlet py = py0;\nlet px = px0;' : ''}
let m = -kc[1];
for (let j1 = 0; j1 < C; j1++) {
  const j = j1 * 1.0;
  const v = ${fetch};
  if (v != v || m != m) { m = v + m; } else if (v > m) { m = v; }
  ${next}
}
${start}
let sum = 0.0;
let skipped = 0.0;
for (let j2 = 0; j2 < C; j2++) {
  const j = j2 * 1.0;
  const v2 = ${fetch};
  if (skipped == 0.0 && v2 == m) { skipped = 1.0; } else { sum += ex(v2 - m, kc); }
  ${next}
}
return [m, sum, 0.0, 0.0];`;
  return s.rt.run(
    {
      key: `softmax:stats${walk ? ':w' : ''}`,
      params: [
        ['x', 'tex'],
        ['C', 'float'],
        ['W', 'float'],
      ],
      body,
      returns: 'vec4',
      loop: c,
      natives: [EX],
    },
    [rows],
    [xt, c, xt.size[0]],
  );
}

/** Terms per row segment the segmented statistics aim for (a divisor of C/u near it is taken). */
const SEGMENT = 128;

/**
 * rowStats for x in a texture exactly C wide: row r is texture row r, so the
 * loops fetch (j, r) with no texel walk (no carry to the next texture row),
 * 4 terms per iteration when C allows (a quarter of the counter and branch
 * work). A long row is cut into P equal segments, one thread each (a 2-D
 * [P, rows] pass: (max, T) per segment, T without the segment's first max),
 * then one thread per row combines them: with m the row's maximum and g the
 * first segment reaching it, T = T_g + Σ_{p≠g} (1 + T_p)·exp(m_p − m). One
 * thread per row over 2·C terms left SwiftShader few, long tasks per draw: a
 * pass that slowed down several-fold when the machine was loaded.
 */
function rowStatsAligned(s: GpujsStore, xt: GpuTexture, rows: number, c: number): GpuTexture {
  const u = c % 4 === 0 ? 4 : c % 2 === 0 ? 2 : 1;
  const steps = c / u;
  // P divides C/u: every segment has the same length, no bound test in the loop
  let parts = 1;
  for (let p = Math.max(1, Math.round(c / SEGMENT)); p > 1; p--) {
    if (steps % p === 0) {
      parts = p;
      break;
    }
  }
  const n = steps / parts;
  const taps = Array.from({ length: u }, (_, k) => k);
  const maxStep = (k: number): string =>
    `const a${k} = rdxy(x, j + ${k}.0, r);\n  if (a${k} != a${k} || m != m) { m = a${k} + m; } else if (a${k} > m) { m = a${k}; }`;
  const sumStep = (k: number): string =>
    `const b${k} = rdxy(x, j + ${k}.0, r);\n  if (skipped == 0.0 && b${k} == m) { skipped = 1.0; } else { sum += ex(b${k} - m, kc); }`;
  const seg = parts > 1;
  const body = `${seg ? 'const r = this.thread.y * 1.0;\nconst j0 = this.thread.x * L;' : 'const r = this.thread.x * 1.0;\nconst j0 = 0.0;'}
let m = -kc[1];
for (let j1 = 0; j1 < N; j1++) {
  const j = j0 + j1 * ${u}.0;
  ${taps.map(maxStep).join('\n  ')}
}
let sum = 0.0;
let skipped = 0.0;
for (let j2 = 0; j2 < N; j2++) {
  const j = j0 + j2 * ${u}.0;
  ${taps.map(sumStep).join('\n  ')}
}
return [m, sum, 0.0, 0.0];`;
  const stats = s.rt.run(
    {
      key: `softmax:stats:rows${u}${seg ? ':seg' : ''}`,
      params: [
        ['x', 'tex'],
        ['N', 'float'],
        ['L', 'float'],
      ],
      body,
      returns: 'vec4',
      loop: n,
      natives: [EX],
    },
    seg ? [parts, rows] : [rows],
    [xt, n, n * u],
  );
  if (!seg) return stats;
  const combine = `const r = this.thread.x * 1.0;
let m = -kc[1];
for (let p1 = 0; p1 < P; p1++) {
  const q = rd4xy(st, p1 * 1.0, r);
  if (q[0] != q[0] || m != m) { m = q[0] + m; } else if (q[0] > m) { m = q[0]; }
}
let sum = 0.0;
let found = 0.0;
for (let p2 = 0; p2 < P; p2++) {
  const q2 = rd4xy(st, p2 * 1.0, r);
  if (found == 0.0 && q2[0] == m) { found = 1.0; sum += q2[1]; } else { sum += (1.0 + q2[1]) * ex(q2[0] - m, kc); }
}
return [m, sum, 0.0, 0.0];`;
  const out = s.rt.run(
    {
      key: 'softmax:stats:combine',
      params: [
        ['st', 'tex4'],
        ['P', 'float'],
      ],
      body: combine,
      returns: 'vec4',
      loop: parts,
      natives: [EX],
    },
    [rows],
    [stats, parts],
  );
  stats.delete();
  return out;
}

/** Numerically stable softmax / log-softmax over the last axis: row statistics, then one elementwise pass (S = 1 + T, log S = log1p(T)). */
export function softmaxLike(s: GpujsStore, logits: TensorInfo, log: boolean): TensorInfo {
  const n = sizeOfShape(logits.shape);
  if (n === 0) return s.outEmpty(logits.shape, 'float32');
  const c = logits.shape.length === 0 ? 1 : logits.shape[logits.shape.length - 1]!;
  const rows = n / c;
  const stats = rowStats(s, logits, rows, c);
  const space = indexSpace([rows, c], ['r', 'j'], s.rt.maxTextureSize);
  const xt = s.tex(logits);
  // x laid out like the output: read at the fragment's own texel
  const here = xt.size[0] === s.rt.texWidth(space.dims);
  const finish = log ? 'return (v - st[0]) - l1p(st[1], kc);' : 'return ex(v - st[0], kc) / (1.0 + st[1]);';
  const tex = s.rt.run(
    {
      key: `softmax:${log ? 'log' : 'exp'}:${space.key}${here ? ':h' : ''}`,
      params: [['x', 'tex'], ['stats', 'tex4'], ['C', 'float'], ...space.params.map(([nm]) => [nm, 'float'] as const)],
      body: `${space.prologue}\nconst st = rd4(stats, r);\nconst v = ${here ? 'rdh(x)' : 'rd(x, r * C + j)'};\n${finish}`,
      natives: [EX, L1P],
    },
    space.dims,
    [xt, stats, c, ...space.params.map(([, v]) => v)],
  );
  stats.delete();
  return s.outTex(tex, logits.shape, 'float32');
}

export function softmax(s: GpujsStore, logits: TensorInfo): TensorInfo {
  return softmaxLike(s, logits, false);
}

/** The contract-level kernel. */
export const softmaxKernel: KernelImpl<'softmax', GpujsStore> = softmax;
