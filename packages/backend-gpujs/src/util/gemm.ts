// The matrix-product engine behind matMul, fusedMatMul and the convolutions.
//
// Naive gpu.js matmul (one thread per output, a loop over k reading one scalar
// per fetch, each fetch turning a flat index into texel coordinates with
// integer division) is fetch-bound. Here both operands are packed along k
// into vec4 texels, A as is (texel (q, row) = A[row, 4q..4q+3]) and B as Bᵀ
// (texel (q, col) = B[4q..4q+3, col]), and each thread computes a 2×2 block of
// C (one vec4 texel): per four steps of k it fetches two texels of A and two
// of Bᵀ for 16 multiply-adds, every fetch walking its texture along a row, so
// each thread streams through contiguous memory. (An earlier 1×4 block engine,
// B packed along n and walked down its columns, needed 5 fetches per 16; on
// SwiftShader it was up to 1.4× slower on the MLP's shapes, on par at 512².)
// The packers are separate small kernels, so the convolutions feed the same
// product through im2col-style packers (conv2d.ts, conv2d_backprop_*.ts); an
// epilogue kernel unpacks C to one value per texel, adding the bias and
// applying the activation on the way.
import { sizeOfShape, type FusedActivation, type TensorInfo } from '@polytensor/core';
import type { GpuTexture } from '../gpujs.js';
import type { NativeSpec, ParamKind } from '../runtime.js';
import { defineNative } from '../native.js';
import type { Deferred, GpujsStore } from '../store.js';
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

/** Activation natives for the epilogue ('linear' is the identity). */
export function activationNative(act: FusedActivation): NativeSpec {
  return act === 'linear' ? defineNative('act', 'a K:vec4', 'float', '  return a;', '  return a;') : unaryNative(act, 'act');
}

/** Delete packed temporaries (not those kept with their buffers). */
export function release(...ps: Packed[]): void {
  for (const p of ps) if (!p.kept) p.tex.delete();
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

/** Rows per batch rounded up to even: a 2×2 block never straddles two batches. */
export function evenRows(rows: number): number {
  return 2 * Math.ceil(rows / 2);
}

/**
 * Pack X [batch, R, K] along K with R padded to even per batch: texel
 * (q, b·R2 + r) = X[b, r, 4q..4q+3], zero past K and in the padding rows.
 * A is packed as is; B [batch, K, N] as Bᵀ (strides swapped by the caller).
 */
export function packRows(s: GpujsStore, x: Strided, batch: number, rows: number, k: number): Packed {
  const r2 = evenRows(rows);
  const rowsXy = rowsLayout(s, x, batch);
  if (rowsXy) {
    // X [rows, K] (or its transpose) in a texture as wide as its rows: each value at its 2-D texel, no flat index to divide
    const at = (kk: string): string => (rowsXy === 'n' ? `rdxy(x, ${kk}, row)` : `rdxy(x, row, ${kk})`);
    return runPacker(
      s,
      `rows2:xy:${rowsXy}`,
      kTexels(k),
      r2,
      [
        ['x', 'tex', x.tex],
        ['R', 'float', rows],
        ['K', 'float', k],
      ],
      'const live = row < R ? 1.0 : 0.0;\nconst k0 = q * 4.0;',
      (j) => `live > 0.0 && k0 + ${j}.0 < K ? ${at(`k0 + ${j}.0`)} : 0.0`,
    );
  }
  return runPacker(
    s,
    'rows2',
    kTexels(k),
    batch * r2,
    [
      ['x', 'tex', x.tex],
      ['R', 'float', rows],
      ['R2', 'float', r2],
      ['K', 'float', k],
      ['sb', 'float', x.sb],
      ['sr', 'float', x.sr],
      ['sc', 'float', x.sc],
    ],
    'const b = qdiv(row, R2);\nconst rr = row - b * R2;\nconst live = rr < R ? 1.0 : 0.0;\nconst base = b * sb + rr * sr;\nconst k0 = q * 4.0;',
    (j) => `live > 0.0 && k0 + ${j}.0 < K ? rd(x, base + (k0 + ${j}.0) * sc) : 0.0`,
  );
}

/**
 * Whether one matrix (batch 1) sits in its texture as a 2-D kernel output does,
 * one texture row per matrix row (the texture as wide as the row stride):
 * 'n' when its rows are the packed rows (k along x), 't' when transposed (k along y); else null.
 */
function rowsLayout(s: GpujsStore, x: Strided, batch: number): 'n' | 't' | null {
  if (batch !== 1 || s.rt.isCpu) return null;
  const w = x.tex.size[0];
  if (x.sc === 1 && x.sr > 1 && w === x.sr) return 'n';
  if (x.sr === 1 && x.sc > 1 && w === x.sc) return 't';
  return null;
}

function fetch4(p: string, flat: boolean, x: string, y: string, width: string): string {
  return flat ? `rd4(${p}, (${y}) * ${width} + ${x})` : `rd4xy(${p}, ${x}, ${y})`;
}

/** k texel pairs per loop iteration (loop overhead is a large share of each step on software GPUs). */
const UNROLL = 2;

/**
 * C = A·B in 2×2 blocks from A and Bᵀ packed by `packRows`: texel (x, y) holds
 * C[r, c], C[r, c+1], C[r+1, c], C[r+1, c+1] with c = 2x and r = 2y in the
 * batched row space (rows per batch M2 = evenRows(M)). A batch-1 operand broadcasts.
 */
export function multiply22(
  s: GpujsStore,
  pa: Packed,
  pbt: Packed,
  batch: number,
  m: number,
  k: number,
  n: number,
  aBatched: boolean,
  bBatched: boolean,
): Packed {
  const kq = kTexels(k);
  const m2 = evenRows(m);
  const n2 = evenRows(n);
  const { dims, flat } = packedDims(s, n2 / 2, (batch * m2) / 2);
  // Both operands in 2-D textures (the usual case): every fetch of one k texel shares its normalized x, and
  // each of the four rows a thread reads has a fixed normalized y, so a fetch is one texture() call with no
  // per-fetch coordinate arithmetic (pt_texelxy's add and divide); x is (q + 0.5)·(1/KQ), exact to 2^-24 texel widths.
  const uv = !pa.flat && !pbt.flat;
  const a = (x: string, y: string): string => fetch4('pa', pa.flat, x, y, 'KQ');
  const b = (x: string, y: string): string => fetch4('pb', pbt.flat, x, y, 'KQ');
  const dot = (u: string, v: string): string => `${u}[0] * ${v}[0] + ${u}[1] * ${v}[1] + ${u}[2] * ${v}[2] + ${u}[3] * ${v}[3]`;
  // One k texel of the unrolled loop: two texels of A, two of Bᵀ, four dot products.
  const step = (q: string): string =>
    [
      ...(uv
        ? [
            `  const a0${q} = rd4uv(pa, u${q}, va0);`,
            `  const a1${q} = rd4uv(pa, u${q}, va1);`,
            `  const b0${q} = rd4uv(pb, u${q}, vb0);`,
            `  const b1${q} = rd4uv(pb, u${q}, vb1);`,
          ]
        : [
            `  const a0${q} = ${a(q, 'ar')};`,
            `  const a1${q} = ${a(q, 'ar + 1.0')};`,
            `  const b0${q} = ${b(q, 'bc')};`,
            `  const b1${q} = ${b(q, 'bc + 1.0')};`,
          ]),
      `  acc[0] += ${dot(`a0${q}`, `b0${q}`)};`,
      `  acc[1] += ${dot(`a0${q}`, `b1${q}`)};`,
      `  acc[2] += ${dot(`a1${q}`, `b0${q}`)};`,
      `  acc[3] += ${dot(`a1${q}`, `b1${q}`)};`,
    ].join('\n');
  const body = `const c = this.thread.x * 2.0;
const r = (this.thread.y + this.thread.z) * 2.0;
const bt = qdiv(r, M2);
const ar = (r - bt * M2) + bt * M2 * aB;
const bc = c + bt * N2 * bB;
${uv ? 'const va0 = (ar + 0.5) * IAH;\nconst va1 = va0 + IAH;\nconst vb0 = (bc + 0.5) * IBH;\nconst vb1 = vb0 + IBH;' : ''}
let acc = [0.0, 0.0, 0.0, 0.0];
for (let qi = 0; qi < KH; qi++) {
  const qa = qi * ${UNROLL}.0;
  const qb = qa + 1.0;
${uv ? '  const uqa = (qa + 0.5) * IKQ;\n  const uqb = uqa + IKQ;' : ''}
${step('qa')}
${step('qb')}
}
return acc;`;
  const tex = s.rt.run(
    {
      key: `mm22:${uv ? 'uv' : `${pa.flat ? 'f' : 'x'}${pbt.flat ? 'f' : 'x'}`}`,
      params: [
        ['pa', 'tex4'],
        ['pb', 'tex4'],
        ['M2', 'float'],
        ['N2', 'float'],
        ['KQ', 'float'],
        ['KH', 'float'],
        ['aB', 'float'],
        ['bB', 'float'],
        ...(uv
          ? ([
              ['IKQ', 'float'],
              ['IAH', 'float'],
              ['IBH', 'float'],
            ] as const)
          : []),
      ],
      body,
      returns: 'vec4',
      loop: kq / UNROLL,
      natives: uv ? [uvFetch(s.rt.glslVersion)] : [],
    },
    dims,
    [pa.tex, pbt.tex, m2, n2, kq, kq / UNROLL, aBatched ? 1 : 0, bBatched ? 1 : 0, ...(uv ? [1 / kq, 1 / pa.tex.size[1]!, 1 / pbt.tex.size[1]!] : [])],
  );
  return { tex, width: n2 / 2, rows: (batch * m2) / 2, flat };
}

/** The texel at normalized coordinates (u, v) of a vec4 texture (NEAREST-sampled: the texel whose cell holds them). */
function uvFetch(version: 1 | 2): NativeSpec {
  return defineNative('rd4uv', 't:tex4 u v', 'vec4', `  return ${version === 2 ? 'texture' : 'texture2D'}(t, vec2(u, v));`, '  return [0, 0, 0, 0];');
}

/**
 * C [batch·M, N] from its 2×2 blocks to one value per texel, row-major:
 * act(C + bias[n]) — bias (N values, or 1 broadcast) and activation optional.
 */
export function unpack22(
  s: GpujsStore,
  c: Packed,
  batch: number,
  m: number,
  n: number,
  bias: { tex: GpuTexture; size: number } | null,
  act: FusedActivation,
): GpuTexture {
  const rows = batch * m;
  const dims = rows > s.rt.maxTextureSize || n > s.rt.maxTextureSize ? [n, 1, rows] : rows === 1 ? [n] : [n, rows];
  const body = `const col = this.thread.x * 1.0;
const r = (this.thread.y + this.thread.z) * 1.0;
const bt = qdiv(r, M);
const pr = r + bt * (M2 - M);
const ty = qdiv(pr, 2.0);
const tx = qdiv(col, 2.0);
const lane = (pr - ty * 2.0) * 2.0 + (col - tx * 2.0);
const v = ${fetch4('c', c.flat, 'tx', 'ty', 'CW')};
let x = v[3];
if (lane == 0.0) { x = v[0]; }
if (lane == 1.0) { x = v[1]; }
if (lane == 2.0) { x = v[2]; }
${bias ? `x = x + rd(bias, ${bias.size === 1 ? '0.0' : 'col'});` : ''}
return act(x, kc);`;
  const params: Array<readonly [string, ParamKind]> = [
    ['c', 'tex4'],
    ['CW', 'float'],
    ['M', 'float'],
    ['M2', 'float'],
  ];
  const args: unknown[] = [c.tex, c.width, m, evenRows(m)];
  if (bias) {
    params.push(['bias', 'tex']);
    args.push(bias.tex);
  }
  return s.rt.run(
    { key: `unpack22:${c.flat ? 'f' : 'x'}:${bias ? (bias.size === 1 ? 'b1' : 'b') : 'n'}:${act}`, params, body, natives: [activationNative(act)] },
    dims,
    args,
  );
}

/** A product kept in its 2×2 blocks (`deferredBlocks`): C [batch·M, N] in `c`. */
export interface Blocks22 extends Deferred {
  readonly blocks: { readonly c: Packed; readonly batch: number; readonly m: number; readonly n: number };
}

/** `x`'s 2×2 blocks when it is a product no kernel has unpacked yet, else null. */
export function blocksOf(s: GpujsStore, x: TensorInfo): Blocks22 | null {
  const d = s.deferredOf(x);
  return d && 'blocks' in d ? (d as Blocks22) : null;
}

/**
 * C [batch·M, N] kept in its 2×2 blocks (the product's own output) until a
 * kernel reads it: a read downloads the blocks, a quarter of the texels of
 * the unpacked C, and reorders them on the host, with no unpacking pass; the
 * first kernel that reads C unpacks it (`unpack22`, no bias, linear).
 */
export function deferredBlocks(s: GpujsStore, c: Packed, batch: number, m: number, n: number): Blocks22 {
  return {
    tex: c.tex,
    blocks: { c, batch, m, n },
    toTexture: () => unpack22(s, c, batch, m, n, null, 'linear'),
    download: () => {
      // texel (x, y) holds C[r, c], C[r, c+1], C[r+1, c], C[r+1, c+1] (c = 2x, r = 2y in the row space padded
      // per batch to M2); both layouts of `c` (2-D, or flat past the texture limit) keep texel y·width + x at that flat index
      const raw = s.rt.download(c.tex, c.width * c.rows * 4, 4);
      const m2 = evenRows(m);
      const out = new Float32Array(batch * m * n);
      let o = 0;
      for (let b = 0; b < batch; b++) {
        for (let r = 0; r < m; r++) {
          const pr = b * m2 + r;
          const rowBase = (pr >> 1) * c.width * 4 + (pr & 1) * 2;
          for (let col = 0; col < n; col++) out[o++] = raw[rowBase + (col >> 1) * 4 + (col & 1)]!;
        }
      }
      return out;
    },
  };
}

/** act(A·B + bias) for one product from A and Bᵀ packed by `packRows` (released unless kept): the 2×2 product, then the unpacking epilogue. */
export function multiplyAndUnpack22(
  s: GpujsStore,
  pa: Packed,
  pbt: Packed,
  m: number,
  k: number,
  n: number,
  bias: { tex: GpuTexture; size: number } | null = null,
  act: FusedActivation = 'linear',
): GpuTexture {
  const pc = multiply22(s, pa, pbt, 1, m, k, n, false, false);
  release(pa, pbt);
  const out = unpack22(s, pc, 1, m, n, bias, act);
  release(pc);
  return out;
}
