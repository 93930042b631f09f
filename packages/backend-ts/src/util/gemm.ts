/**
 * The GEMM at the heart of matMul, the fused matMul and every convolution.
 *
 * This module is self-contained on purpose (no imports, no module-level state
 * its kernel functions read): the thread pool ships the source of `drive` and
 * its helpers to worker threads (`GEMM_WORKER_FUNCTIONS`), so the workers run
 * the very same code. Blocking constants therefore live inside the functions.
 */

/** Epilogue activations (the codes FusedActivation maps to). */
export const ACT_LINEAR = 0;
export const ACT_RELU = 1;
export const ACT_SIGMOID = 2;
export const ACT_TANH = 3;

/** Where the driver gets its packing buffers: keyed float64 scratch, reused between calls. */
export interface GemmScratch {
  f64(key: string, n: number): Float64Array;
}

/**
 * The K split gemm uses for an inner dimension of `k`: a function of k alone,
 * so every partition of the output (rows, threads) sums in the same order.
 * Up to KC_MAX = 2048 the whole inner dimension is summed in registers: the
 * packed panels stream sequentially, so long panels cost nothing; splitting
 * only bounds the packing buffers.
 */
export function kBlocks(k: number): { nkb: number; kc: number } {
  const KC_MAX = 2048;
  const nkb = Math.max(1, Math.ceil(k / KC_MAX));
  return { nkb, kc: Math.ceil(k / nkb) };
}

/** Apply an epilogue activation (0 linear, 1 relu, 2 sigmoid, 3 tanh) to a float64 value. */
export function activate(v: number, act: number): number {
  switch (act) {
    case 1:
      return Math.max(v, 0);
    case 2: {
      // The overflow-free logistic of util/math.ts (inlined: this module has no imports).
      if (v >= 0) return 1 / (1 + Math.exp(-v));
      const e = Math.exp(v);
      return e / (1 + e);
    }
    case 3:
      return Math.tanh(v);
    default:
      return v;
  }
}

/** A float32 matrix read through strides: element (r, c) at data[off + r·rs + c·cs] (a transpose swaps rs and cs). */
export interface StridedMatrix {
  data: Float32Array;
  off: number;
  rs: number;
  cs: number;
}

/** The operands of a product A [m, k] · B [k, n]. */
export interface GemmOperands {
  m: number;
  n: number;
  k: number;
  a: StridedMatrix;
  b: StridedMatrix;
}

/**
 * One product: either out = act(A·B + bias), rounded once to float32 into
 * `out` (row stride `ldo` from `oOff`), or, with `out` null, c += A·B into
 * float64 accumulators (row stride `ldc` from `cOff`).
 */
export interface GemmJob extends GemmOperands {
  out: Float32Array | null;
  oOff: number;
  ldo: number;
  bias: Float32Array | null;
  act: number;
  c: Float64Array | null;
  cOff: number;
  ldc: number;
}

/**
 * The blocked driver (BLIS-style), for rows [i0, i1) of the output: for each block of NC columns and each K
 * block of at most KC_MAX, pack that slab of B into 4-column panels of doubles
 * (zero-padded past column n); then for each block of MC rows pack A into
 * 4-row panels (zero-padded past the last row) and run the 4×4 register tile
 * over every (column tile, row tile) pair: a B panel stays in L1 while the row
 * tiles of the A block stream past it. Both operands are read from contiguous
 * float64 panels with one shared index (no strides, no conversions in the
 * inner loop). Partial tiles of a split K go to a float64 scratch (or to `c`).
 */
export function drive(job: GemmJob, i0: number, i1: number, scratch: GemmScratch): void {
  const { n, k, out, oOff, ldo, bias, act, c, cOff, ldc } = job;
  const { data: a, off: aOff, rs: aRs, cs: aCs } = job.a;
  const { data: b, off: bOff, rs: bRs, cs: bCs } = job.b;
  // Columns of B packed per block (a multiple of the 4-wide tile); rows of A packed
  // per block (MC×KC doubles stay in L2 while every column tile of B passes).
  const NC = 512;
  const MC = 64;
  if (i1 <= i0 || n === 0) return;
  if (k === 0) {
    if (out) {
      for (let i = i0; i < i1; i++) {
        for (let j = 0; j < n; j++) out[oOff + i * ldo + j] = activate(bias ? bias[j]! : 0, act);
      }
    }
    return;
  }
  const { nkb, kc } = kBlocks(k);
  const ncMax = Math.min(n, NC);
  const bp = scratch.f64('gemm.b', ((ncMax + 3) >> 2) * 4 * kc);
  const ap = scratch.f64('gemm.a', Math.min(MC, ((i1 - i0 + 3) >> 2) * 4) * kc);
  // Partial sums of a K split for the current column block (row-major, ncMax wide).
  const part = out && nkb > 1 ? scratch.f64('gemm.part', (i1 - i0) * ncMax) : null;
  const tile = scratch.f64('gemm.tile', 16);
  const fast = out !== null && nkb === 1 && (act === 0 || act === 1); // linear or relu
  for (let j0 = 0; j0 < n; j0 += NC) {
    const ncw = Math.min(NC, n - j0);
    const colTiles = (ncw + 3) >> 2;
    for (let kb = 0; kb < nkb; kb++) {
      const k0 = kb * kc;
      const kl = Math.min(kc, k - k0);
      const last = kb === nkb - 1;
      packPanels(b, bOff + k0 * bRs + j0 * bCs, bRs, bCs, kl, ncw, bp);
      for (let r0 = i0; r0 < i1; r0 += MC) {
        const mcw = Math.min(MC, i1 - r0);
        const rowTiles = (mcw + 3) >> 2;
        packPanels(a, aOff + r0 * aRs + k0 * aCs, aCs, aRs, kl, mcw, ap);
        for (let t = 0; t < colTiles; t++) {
          const j = j0 + t * 4;
          const cols = Math.min(4, n - j);
          const pb = t * kl * 4;
          for (let s = 0; s < rowTiles; s++) {
            const i = r0 + s * 4;
            const rows = Math.min(4, i1 - i);
            const pa = s * kl * 4;
            if (fast && rows === 4 && cols === 4) {
              // The common case: a whole tile, one K block, stored straight from registers.
              microKernel(ap, pa, bp, pb, kl, tile, out, oOff + i * ldo + j, ldo, bias, j, act === 1);
              continue;
            }
            microKernel(ap, pa, bp, pb, kl, tile, null, 0, 0, null, 0, false);
            if (c) {
              // accumulate into the caller's float64 C
              for (let r = 0; r < rows; r++) {
                const base = cOff + (i + r) * ldc + j;
                for (let q = 0; q < cols; q++) c[base + q]! += tile[r * 4 + q]!;
              }
            } else if (part && !last) {
              const pbase = (i - i0) * ncMax + t * 4;
              for (let r = 0; r < rows; r++) {
                for (let q = 0; q < cols; q++) {
                  const p = pbase + r * ncMax + q;
                  part[p] = kb === 0 ? tile[r * 4 + q]! : part[p]! + tile[r * 4 + q]!;
                }
              }
            } else {
              const o = out!;
              const pbase = (i - i0) * ncMax + t * 4;
              for (let r = 0; r < rows; r++) {
                const base = oOff + (i + r) * ldo + j;
                for (let q = 0; q < cols; q++) {
                  let v = tile[r * 4 + q]!;
                  if (part) v += part[pbase + r * ncMax + q]!;
                  if (bias) v += bias[j + q]!;
                  o[base + q] = act === 0 ? v : activate(v, act);
                }
              }
            }
          }
        }
      }
    }
  }
}

/**
 * Columns j < w of the kl-row matrix M (M[p, j] at m[off + p·rs + j·cs]) into
 * 4-column panels: dst[(t·kl + p)·4 + q] = M[p, 4t + q], zero past column w.
 * B packs as it is; A packs as Aᵀ (its strides swapped), so a panel holds four
 * rows of A, each step of p one column of them.
 */
export function packPanels(m: Float32Array, off: number, rs: number, cs: number, kl: number, w: number, dst: Float64Array): void {
  const tiles = (w + 3) >> 2;
  for (let t = 0; t < tiles; t++) {
    const cols = Math.min(4, w - t * 4);
    let d = t * kl * 4;
    let src = off + t * 4 * cs;
    if (cols === 4) {
      const c1 = cs,
        c2 = 2 * cs,
        c3 = 3 * cs;
      for (let p = 0; p < kl; p++, d += 4, src += rs) {
        dst[d] = m[src]!;
        dst[d + 1] = m[src + c1]!;
        dst[d + 2] = m[src + c2]!;
        dst[d + 3] = m[src + c3]!;
      }
    } else {
      for (let p = 0; p < kl; p++, d += 4, src += rs) {
        for (let q = 0; q < 4; q++) dst[d + q] = q < cols ? m[src + q * cs]! : 0;
      }
    }
  }
}

/**
 * The 4×4 register tile: 16 float64 accumulators over `kl` steps of the inner
 * dimension (outer-product form: each loaded value feeds four products), from
 * a packed A panel and a packed B panel walked with one index each. With `out`
 * null the sums go to `tile`; else the tile is whole and its K block the only
 * one, and it finishes in registers: + bias (from column `j`), optional relu,
 * one rounding store per element at out[o + r·ldo + q].
 */
export function microKernel(
  ap: Float64Array,
  pa: number,
  bp: Float64Array,
  pb: number,
  kl: number,
  tile: Float64Array,
  out: Float32Array | null,
  o: number,
  ldo: number,
  bias: Float32Array | null,
  j: number,
  relu: boolean,
): void {
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  const d = pb - pa;
  const end = pa + kl * 4;
  for (let q = pa; q < end; q += 4) {
    const b0 = bp[q + d]!,
      b1 = bp[q + d + 1]!,
      b2 = bp[q + d + 2]!,
      b3 = bp[q + d + 3]!;
    const a0 = ap[q]!,
      a1 = ap[q + 1]!,
      a2 = ap[q + 2]!,
      a3 = ap[q + 3]!;
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
  }
  if (!out) {
    tile[0] = c00;
    tile[1] = c01;
    tile[2] = c02;
    tile[3] = c03;
    tile[4] = c10;
    tile[5] = c11;
    tile[6] = c12;
    tile[7] = c13;
    tile[8] = c20;
    tile[9] = c21;
    tile[10] = c22;
    tile[11] = c23;
    tile[12] = c30;
    tile[13] = c31;
    tile[14] = c32;
    tile[15] = c33;
    return;
  }
  if (bias) {
    const e0 = bias[j]!,
      e1 = bias[j + 1]!,
      e2 = bias[j + 2]!,
      e3 = bias[j + 3]!;
    c00 += e0;
    c01 += e1;
    c02 += e2;
    c03 += e3;
    c10 += e0;
    c11 += e1;
    c12 += e2;
    c13 += e3;
    c20 += e0;
    c21 += e1;
    c22 += e2;
    c23 += e3;
    c30 += e0;
    c31 += e1;
    c32 += e2;
    c33 += e3;
  }
  if (relu) {
    c00 = Math.max(c00, 0);
    c01 = Math.max(c01, 0);
    c02 = Math.max(c02, 0);
    c03 = Math.max(c03, 0);
    c10 = Math.max(c10, 0);
    c11 = Math.max(c11, 0);
    c12 = Math.max(c12, 0);
    c13 = Math.max(c13, 0);
    c20 = Math.max(c20, 0);
    c21 = Math.max(c21, 0);
    c22 = Math.max(c22, 0);
    c23 = Math.max(c23, 0);
    c30 = Math.max(c30, 0);
    c31 = Math.max(c31, 0);
    c32 = Math.max(c32, 0);
    c33 = Math.max(c33, 0);
  }
  out[o] = c00;
  out[o + 1] = c01;
  out[o + 2] = c02;
  out[o + 3] = c03;
  o += ldo;
  out[o] = c10;
  out[o + 1] = c11;
  out[o + 2] = c12;
  out[o + 3] = c13;
  o += ldo;
  out[o] = c20;
  out[o + 1] = c21;
  out[o + 2] = c22;
  out[o + 3] = c23;
  o += ldo;
  out[o] = c30;
  out[o + 1] = c31;
  out[o + 2] = c32;
  out[o + 3] = c33;
}

/** The functions a worker thread needs to run `drive` (their source is shipped; see parallel/pool.ts). */
export const GEMM_WORKER_FUNCTIONS: ReadonlyArray<(...args: never[]) => unknown> = [kBlocks, activate, drive, packPanels, microKernel];
