// The matrix-product engine behind matMul, fusedMatMul and the convolutions.
//
// Naive gpu.js matmul (one thread per output, a loop over k reading one scalar
// per fetch, each fetch turning a flat index into texel coordinates with
// integer div/mod) is fetch-bound. Here:
// - A is packed along k into vec4 texels: texel (q, row) = A[row, 4q..4q+3];
// - B is packed along n: texel (nq, k) = B[k, 4nq..4nq+3];
// - each thread computes a 1×4 block of C (one vec4 texel): per 4 steps of k it
//   fetches 1 texel of A and 4 of B for 16 multiply-adds (0.31 fetches per
//   multiply-add, against 2), with texel coordinates computed directly (no
//   div/mod: the packed textures are exactly [width, height] 2-D textures);
// - an epilogue kernel unpacks C to one value per texel (row-major), adding the
//   bias and applying the activation on the way (fusedMatMul).
// The packers are separate small kernels, so convolution feeds the same core
// with im2col-style packers (conv2d.ts, conv2d_backprop_*.ts).
import { sizeOfShape, type FusedActivation, type TensorInfo } from '@polytensor/core';
import type { GpuTexture } from '../gpujs.js';
import type { NativeSpec, ParamKind } from '../runtime.js';
import { defineNative } from '../native.js';
import type { GpujsStore } from '../store.js';
import { unaryNative } from '../kernels/unary.js';

/** A packed operand: `rows` rows of `width` vec4 texels. `flat` when it exceeds the texture limit (texels then in flat order). */
export interface Packed {
  readonly tex: GpuTexture;
  readonly width: number;
  readonly rows: number;
  readonly flat: boolean;
  /** Kept with its source buffer (GpujsStore.derived): `release` leaves it alone. */
  readonly kept?: boolean;
}

/**
 * Texels along k for an inner dimension of k: ceil(k/4) rounded up to even (at
 * least 2), since the product loop takes two texels per iteration. Lanes and
 * rows past k are zero in both operands.
 */
export function kTexels(k: number): number {
  return 2 * Math.max(1, Math.ceil(k / 8));
}

/** gpu.js dims for `rows` rows of `width` texels: exactly [width, rows] when it fits, else flat. */
export function packedDims(s: GpujsStore, width: number, rows: number): { dims: number[]; flat: boolean } {
  const max = s.rt.maxTextureSize;
  // gpu.js's CPU mode keeps every array flat
  if (!s.rt.isCpu && width <= max && rows <= max) return { dims: rows === 1 ? [width, 2] : [width, rows], flat: false };
  return { dims: [width, 1, rows], flat: true };
}

/**
 * Run a packer: `lane(j)` is JavaScript for the value of lane j (0..3), given
 * the prologue's float variables `q` (texel column) and `row`. Returns the packed texture.
 */
export function runPacker(
  s: GpujsStore,
  key: string,
  width: number,
  rows: number,
  params: ReadonlyArray<readonly [string, ParamKind, unknown]>,
  setup: string,
  lane: (j: number) => string,
  natives: readonly NativeSpec[] = [],
): Packed {
  const { dims, flat } = packedDims(s, width, rows);
  const body = [
    'const q = this.thread.x * 1.0;',
    'const row = (this.thread.y + this.thread.z) * 1.0;',
    setup,
    ...[0, 1, 2, 3].map((j) => `const v${j} = ${lane(j)};`),
    'return [v0, v1, v2, v3];',
  ].join('\n');
  const tex = s.rt.run(
    { key: `pack:${key}`, params: params.map(([n, k]) => [n, k] as const), body, returns: 'vec4', natives },
    dims,
    params.map(([, , v]) => v),
  );
  return { tex, width, rows: rows === 1 ? 2 : rows, flat };
}

/** Strided operand view: element (b, r, c) at b·sb + r·sr + c·sc. */
export interface Strided {
  readonly tex: GpuTexture;
  readonly sb: number;
  readonly sr: number;
  readonly sc: number;
}

/** The packers' uniforms for a strided operand's batch, row and column strides. */
function stridedParams(p: Strided): Array<readonly [string, 'float', number]> {
  return [
    ['sb', 'float', p.sb],
    ['sr', 'float', p.sr],
    ['sc', 'float', p.sc],
  ];
}

/**
 * Pack A [batch, M, K] along K: rows batch·M, width ceil(K/4), lanes past K are 0.
 * With K = 0 one all-zero texel per row (so the product is 0).
 */
export function packA(s: GpujsStore, a: Strided, batch: number, m: number, k: number): Packed {
  const width = kTexels(k);
  return runPacker(
    s,
    'A',
    width,
    batch * m,
    [['a', 'tex', a.tex], ['M', 'float', m], ['K', 'float', k], ...stridedParams(a)],
    'const b = qdiv(row, M);\nconst base = b * sb + (row - b * M) * sr;\nconst k0 = q * 4.0;',
    (j) => `k0 + ${j}.0 < K ? rd(a, base + (k0 + ${j}.0) * sc) : 0.0`,
  );
}

/**
 * Pack B [batch, K, N] along N: rows batch·K4 (K4 = 4·ceil(K/4); rows past K are 0,
 * so zero-padded lanes of A never meet stale values), width ceil(N/4).
 */
export function packB(s: GpujsStore, b: Strided, batch: number, k: number, n: number): Packed {
  const k4 = 4 * kTexels(k);
  return runPacker(
    s,
    'B',
    Math.ceil(n / 4),
    batch * k4,
    [['b', 'tex', b.tex], ['K4', 'float', k4], ['K', 'float', k], ['N', 'float', n], ...stridedParams(b)],
    'const bb = qdiv(row, K4);\nconst kk = row - bb * K4;\nconst base = bb * sb + kk * sr;\nconst n0 = q * 4.0;\nconst live = kk < K ? 1.0 : 0.0;',
    (j) => `live > 0.0 && n0 + ${j}.0 < N ? rd(b, base + (n0 + ${j}.0) * sc) : 0.0`,
  );
}

function fetch4(p: string, flat: boolean, x: string, y: string, width: string): string {
  return flat ? `rd4(${p}, (${y}) * ${width} + ${x})` : `rd4xy(${p}, ${x}, ${y})`;
}

/**
 * C = A·B from packed operands: outBatch·M rows of ceil(N/4) vec4 texels.
 * A batch of 1 broadcasts (aB / bB = 0).
 */
/** k texel pairs per loop iteration (loop overhead is a large share of each step on software GPUs). */
const UNROLL = 2;

export function multiplyPacked(
  s: GpujsStore,
  pa: Packed,
  pb: Packed,
  outBatch: number,
  m: number,
  k: number,
  n: number,
  aBatched: boolean,
  bBatched: boolean,
): Packed {
  const kq = kTexels(k);
  const nq = Math.ceil(n / 4);
  const { dims, flat } = packedDims(s, nq, outBatch * m);
  const a = (x: string, y: string): string => fetch4('pa', pa.flat, x, y, 'KQ');
  const b = (x: string, y: string): string => fetch4('pb', pb.flat, x, y, 'NQ');
  // One K texel of the hand-unrolled loop, written out as code: the A texel at q
  // and the four B texels under it, accumulated into the four output lanes.
  const step = (q: string): string => {
    const lane = (j: number): string =>
      `  acc[${j}] += av${q}[0] * b0${q}[${j}] + av${q}[1] * b1${q}[${j}] + av${q}[2] * b2${q}[${j}] + av${q}[3] * b3${q}[${j}];`;
    return [
      `  const av${q} = ${a(q, 'ar')};`,
      `  const kr${q} = br + ${q} * 4.0;`,
      ...[0, 1, 2, 3].map((j) => `  const b${j}${q} = ${b('nq', j === 0 ? `kr${q}` : `kr${q} + ${j}.0`)};`),
      ...[0, 1, 2, 3].map(lane),
    ].join('\n');
  };
  const body = `const nq = this.thread.x * 1.0;
const r = (this.thread.y + this.thread.z) * 1.0;
const bt = qdiv(r, M);
const ar = (r - bt * M) + bt * M * aB;
const br = bt * K4 * bB;
let acc = [0.0, 0.0, 0.0, 0.0];
for (let qi = 0; qi < KH; qi++) {
  const qa = qi * ${UNROLL}.0;
  const qb = qa + 1.0;
${step('qa')}
${step('qb')}
}
return acc;`;
  const tex = s.rt.run(
    {
      key: `mm4:${pa.flat ? 'f' : 'x'}${pb.flat ? 'f' : 'x'}`,
      params: [
        ['pa', 'tex4'],
        ['pb', 'tex4'],
        ['M', 'float'],
        ['KQ', 'float'],
        ['KH', 'float'],
        ['K4', 'float'],
        ['NQ', 'float'],
        ['aB', 'float'],
        ['bB', 'float'],
      ],
      body,
      returns: 'vec4',
      loop: kq / UNROLL,
    },
    dims,
    [pa.tex, pb.tex, m, kq, kq / UNROLL, 4 * kq, nq, aBatched ? 1 : 0, bBatched ? 1 : 0],
  );
  return { tex, width: nq, rows: outBatch * m, flat };
}

/** Activation natives for the epilogue ('linear' is the identity). */
export function activationNative(act: FusedActivation): NativeSpec {
  return act === 'linear' ? defineNative('act', 'a K:vec4', 'float', '  return a;', '  return a;') : unaryNative(act, 'act');
}

/**
 * Unpack C (rows × N, packed along N) to one value per texel, row-major:
 * act(C + bias[n]) — bias and activation optional. bias: a texture of N values, or
 * of 1 value (broadcast), or null.
 */
export function unpack(s: GpujsStore, c: Packed, rows: number, n: number, bias: { tex: GpuTexture; size: number } | null, act: FusedActivation): GpuTexture {
  const dims = rows > s.rt.maxTextureSize || n > s.rt.maxTextureSize ? [n, 1, rows] : rows === 1 ? [n] : [n, rows];
  const texel = fetch4('c', c.flat, 'nq', 'r', 'NQ');
  const body = `const col = this.thread.x * 1.0;
const r = (this.thread.y + this.thread.z) * 1.0;
const nq = qdiv(col, 4.0);
const lane = col - nq * 4.0;
const v = ${texel};
let x = v[3];
if (lane == 0.0) { x = v[0]; }
if (lane == 1.0) { x = v[1]; }
if (lane == 2.0) { x = v[2]; }
${bias ? `x = x + rd(bias, ${bias.size === 1 ? '0.0' : 'col'});` : ''}
return act(x, kc);`;
  const params: Array<readonly [string, ParamKind]> = [
    ['c', 'tex4'],
    ['NQ', 'float'],
  ];
  const args: unknown[] = [c.tex, c.width];
  if (bias) {
    params.push(['bias', 'tex']);
    args.push(bias.tex);
  }
  return s.rt.run(
    { key: `unpack:${c.flat ? 'f' : 'x'}:${bias ? (bias.size === 1 ? 'b1' : 'b') : 'n'}:${act}`, params, body, natives: [activationNative(act)] },
    dims,
    args,
  );
}

/** Delete packed temporaries (not those kept with their buffers). */
export function release(...ps: Packed[]): void {
  for (const p of ps) if (!p.kept) p.tex.delete();
}

/** The sizes of a packed product: `batch` products (1 by default) of [m, k]·[k, n]; an operand not batched broadcasts. */
export interface ProductShape {
  readonly batch?: number;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly aBatched?: boolean;
  readonly bBatched?: boolean;
}

/** act(A·B + bias) from packed operands (which it releases): the product, then the unpacking epilogue. */
export function multiplyAndUnpack(
  s: GpujsStore,
  pa: Packed,
  pb: Packed,
  g: ProductShape,
  bias: { tex: GpuTexture; size: number } | null = null,
  act: FusedActivation = 'linear',
): GpuTexture {
  const batch = g.batch ?? 1;
  const pc = multiplyPacked(s, pa, pb, batch, g.m, g.k, g.n, g.aBatched ?? false, g.bBatched ?? false);
  release(pa, pb);
  const out = unpack(s, pc, batch * g.m, g.n, bias, act);
  release(pc);
  return out;
}

/** act(x + bias[n]) over a plain rows × N texture (the epilogue without a product: K = 0). */
export function epilogueOnly(s: GpujsStore, x: GpuTexture, rows: number, n: number, bias: TensorInfo | null, act: FusedActivation): GpuTexture {
  const body = `const col = this.thread.x * 1.0;
const r = (this.thread.y + this.thread.z) * 1.0;
let v = rd(x, r * N + col);
${bias ? `v = v + rd(bias, ${sizeOfShape(bias.shape) === 1 ? '0.0' : 'col'});` : ''}
return act(v, kc);`;
  const params: Array<readonly [string, ParamKind]> = [
    ['x', 'tex'],
    ['N', 'float'],
  ];
  const args: unknown[] = [x, n];
  if (bias) {
    params.push(['bias', 'tex']);
    args.push(s.tex(bias));
  }
  const dims = rows > s.rt.maxTextureSize || n > s.rt.maxTextureSize ? [n, 1, rows] : rows === 1 ? [n] : [n, rows];
  return s.rt.run(
    { key: `epilogue:${bias ? (sizeOfShape(bias.shape) === 1 ? 'b1' : 'b') : 'n'}:${act}`, params, body, natives: [activationNative(act)] },
    dims,
    args,
  );
}
