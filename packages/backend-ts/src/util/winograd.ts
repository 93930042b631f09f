/**
 * Winograd F(4×4, 3×3) convolution for 3×3, stride-1, undilated windows: the
 * forward pass (also used for conv2dBackpropInput, a convolution of dy with
 * the flipped filter) and the filter gradient (its adjoint).
 *
 * Each 4×4 block of output pixels ("tile") is computed from a 6×6 input patch
 * with 36 multiplications per (input channel, output channel) pair instead of
 * 144: the patch d and the filter g are transformed (V = Bᵀ·d·B, U = G·g·Gᵀ),
 * multiplied element by element and summed over channels (36 GEMMs over
 * blocks of tiles, the same 4×4 register tile as util/gemm.ts), and the sums
 * transformed back (Y = Aᵀ·M·A). Everything runs in float64 and each output
 * is rounded to float32 once, so the transforms' own rounding (≈ 1e-16 of
 * the terms) stays far below float32's: results differ from the direct sum
 * only in its last bit or so, well inside the γ_n·Σ|terms| bound.
 *
 * Every output element (a tile of the forward pass; a (tile group, ξ) partial
 * of the filter gradient) is computed by one call in one fixed order, so a
 * split over threads gives bit-identical results. Like util/gemm.ts this
 * module is self-contained (no imports): the thread pool ships its source to
 * the workers.
 */

/**
 * Tiles per block: one block's transformed patches and sums (36·TB·channels
 * doubles each) stay in L2. The 36 planes of every buffer are one cache line
 * more than a power-of-two size apart, so that the transforms, which touch all
 * 36 at once, do not map them onto the same few L1 sets.
 */
export const WINO_TILE_BLOCK = 32;

/** Where the tile loops get their buffers: keyed float64 scratch (as GemmScratch). */
export interface WinoScratch {
  f64(key: string, n: number): Float64Array;
}

/**
 * The geometry of a Winograd convolution: batch images of H×W×C (NHWC, image
 * b at x[b·H·W·C]) read through a 3×3 window at stride 1 with a top/left pad
 * (taps outside the image are zeros), giving outH×outW×N per image.
 */
export interface WinoShape {
  batch: number;
  H: number;
  W: number;
  C: number;
  outH: number;
  outW: number;
  N: number;
  padTop: number;
  padLeft: number;
}

/** Tiles of a shape: per image (tilesY·tilesX) and in all. */
export function winoTiles(s: WinoShape): number {
  return s.batch * Math.ceil(s.outH / 4) * Math.ceil(s.outW / 4);
}

/** Doubles the transformed filter takes: 36 planes of C rows by N columns rounded up to 4. */
export function winoFilterSize(C: number, N: number): number {
  return 36 * (C * (((N + 3) >> 2) << 2) + 8);
}

/**
 * U = G·g·Gᵀ for every (input channel c, output channel n) pair, packed for
 * the forward GEMM: u[((ξ·nT + t)·C + c)·4 + q] = U[ξ] of (c, n = 4t + q),
 * zero for n ≥ N (nT = ⌈N/4⌉). Tap (fy, fx) of pair (c, n) is read at
 * f[off + fy·sy + fx·sx + c·sc + n·sn], so a flipped and transposed filter is
 * just other strides.
 */
export function winoFilterTransform(f: Float32Array, off: number, sy: number, sx: number, sc: number, sn: number, C: number, N: number, u: Float64Array): void {
  const nT = (N + 3) >> 2;
  const plane = nT * C * 4 + 8; // + one cache line: see WINO_TILE_BLOCK
  const s6 = 1 / 6;
  const s12 = 1 / 12;
  const s24 = 1 / 24;
  const h = new Float64Array(18);
  for (let n = 0; n < nT * 4; n++) {
    const t = n >> 2;
    const q = n & 3;
    for (let c = 0; c < C; c++) {
      const dst = (t * C + c) * 4 + q;
      if (n >= N) {
        for (let xi = 0; xi < 36; xi++) u[xi * plane + dst] = 0;
        continue;
      }
      const base = off + c * sc + n * sn;
      // Rows of G·g (6×3): G applied down each filter column.
      for (let x = 0; x < 3; x++) {
        const g0 = f[base + x * sx]!;
        const g1 = f[base + sy + x * sx]!;
        const g2 = f[base + 2 * sy + x * sx]!;
        h[x] = g0 * 0.25;
        h[3 + x] = -(g0 + g1 + g2) * s6;
        h[6 + x] = -(g0 - g1 + g2) * s6;
        h[9 + x] = g0 * s24 + g1 * s12 + g2 * s6;
        h[12 + x] = g0 * s24 - g1 * s12 + g2 * s6;
        h[15 + x] = g2;
      }
      // (G·g)·Gᵀ: G applied along each row.
      for (let r = 0; r < 6; r++) {
        const g0 = h[r * 3]!;
        const g1 = h[r * 3 + 1]!;
        const g2 = h[r * 3 + 2]!;
        const o = r * 6 * plane + dst;
        u[o] = g0 * 0.25;
        u[o + plane] = -(g0 + g1 + g2) * s6;
        u[o + 2 * plane] = -(g0 - g1 + g2) * s6;
        u[o + 3 * plane] = g0 * s24 + g1 * s12 + g2 * s6;
        u[o + 4 * plane] = g0 * s24 - g1 * s12 + g2 * s6;
        u[o + 5 * plane] = g2;
      }
    }
  }
}

/**
 * V = Bᵀ·d·B for the 6×6 patch of image `img` with top-left corner (iy0, ix0)
 * (zeros outside the image), for every channel: written to
 * v[ξ·plane + (c·stride) + lane] — so the caller picks the packing (4-row
 * panels of tiles over channels for the forward GEMM, 4-channel panels over
 * tiles for the filter gradient's).
 */
export function winoInputTransform(
  x: Float32Array,
  img: number,
  s: WinoShape,
  iy0: number,
  ix0: number,
  v: Float64Array,
  vOff: number,
  plane: number,
  cStride: number,
  cPanelStride: number,
  d: Float64Array,
): void {
  const { H, W, C } = s;
  const inside = iy0 >= 0 && ix0 >= 0 && iy0 + 6 <= H && ix0 + 6 <= W;
  for (let c = 0; c < C; c++) {
    // Rows of Bᵀ·d, one patch column j at a time (d[i·6 + j] holds (Bᵀ·d)[i][j]).
    for (let j = 0; j < 6; j++) {
      const ix = ix0 + j;
      let p0 = 0,
        p1 = 0,
        p2 = 0,
        p3 = 0,
        p4 = 0,
        p5 = 0;
      if (inside) {
        const src = img + (iy0 * W + ix) * C + c;
        const rs = W * C;
        p0 = x[src]!;
        p1 = x[src + rs]!;
        p2 = x[src + 2 * rs]!;
        p3 = x[src + 3 * rs]!;
        p4 = x[src + 4 * rs]!;
        p5 = x[src + 5 * rs]!;
      } else if (ix >= 0 && ix < W) {
        // An edge patch: rows outside the image read as zeros.
        const src = img + ix * C + c;
        const rs = W * C;
        let iy = iy0;
        p0 = iy >= 0 && iy < H ? x[src + iy * rs]! : 0;
        iy++;
        p1 = iy >= 0 && iy < H ? x[src + iy * rs]! : 0;
        iy++;
        p2 = iy >= 0 && iy < H ? x[src + iy * rs]! : 0;
        iy++;
        p3 = iy >= 0 && iy < H ? x[src + iy * rs]! : 0;
        iy++;
        p4 = iy >= 0 && iy < H ? x[src + iy * rs]! : 0;
        iy++;
        p5 = iy >= 0 && iy < H ? x[src + iy * rs]! : 0;
      }
      d[j] = 4 * p0 - 5 * p2 + p4;
      d[6 + j] = -4 * (p1 + p2) + p3 + p4;
      d[12 + j] = 4 * (p1 - p2) - p3 + p4;
      d[18 + j] = 2 * (p3 - p1) - p2 + p4;
      d[24 + j] = 2 * (p1 - p3) - p2 + p4;
      d[30 + j] = 4 * p1 - 5 * p3 + p5;
    }
    // (Bᵀ·d)·B: the same combination along each row.
    const o = vOff + (c >> 2) * cPanelStride + (c & 3) * cStride;
    for (let i = 0; i < 6; i++) {
      const r = i * 6;
      const p0 = d[r]!,
        p1 = d[r + 1]!,
        p2 = d[r + 2]!,
        p3 = d[r + 3]!,
        p4 = d[r + 4]!,
        p5 = d[r + 5]!;
      const w = o + r * plane;
      v[w] = 4 * p0 - 5 * p2 + p4;
      v[w + plane] = -4 * (p1 + p2) + p3 + p4;
      v[w + 2 * plane] = 4 * (p1 - p2) - p3 + p4;
      v[w + 3 * plane] = 2 * (p3 - p1) - p2 + p4;
      v[w + 4 * plane] = 2 * (p1 - p3) - p2 + p4;
      v[w + 5 * plane] = 4 * p1 - 5 * p3 + p5;
    }
  }
}

/**
 * The forward pass for tiles [t0, t1) (tile t: image ⌊t/T⌋, then row-major
 * over ⌈outH/4⌉×⌈outW/4⌉): out[b, oy, ox, n] = act(Σ_c,taps x·g + bias[n]),
 * rounded once, into `out` (NHWC, image b at oOff + b·outH·outW·N), from the
 * packed transformed filter `u` (winoFilterTransform).
 */
export function winoForward(
  x: Float32Array,
  s: WinoShape,
  u: Float64Array,
  out: Float32Array,
  oOff: number,
  bias: Float32Array | null,
  act: number,
  t0: number,
  t1: number,
  scratch: WinoScratch,
): void {
  const TB = 32; // = WINO_TILE_BLOCK (literal: this function runs in workers on its own)
  const { H, W, C, outH, outW, N, padTop, padLeft } = s;
  const tx = Math.ceil(outW / 4);
  const T = Math.ceil(outH / 4) * tx;
  const nT = (N + 3) >> 2;
  const Np = nT * 4;
  const uPlane = nT * C * 4 + 8;
  const vPlane = TB * C + 8;
  const mPlane = TB * Np + 8;
  const v = scratch.f64('wino.v', 36 * vPlane);
  const m = scratch.f64('wino.m', 36 * mPlane);
  const d = scratch.f64('wino.d', 36);
  const inImg = H * W * C;
  const outImg = outH * outW * N;
  for (let b0 = t0; b0 < t1; b0 += TB) {
    const nb = Math.min(TB, t1 - b0);
    // Transformed patches, as 4-row panels (tiles) over channels: v[ξ·vPlane + ((r>>2)·C + c)·4 + (r&3)].
    for (let r = 0; r < nb; r++) {
      const t = b0 + r;
      const img = (t / T) | 0;
      const ti = t - img * T;
      const ty = (ti / tx) | 0;
      const txi = ti - ty * tx;
      winoInputTransform(x, img * inImg, s, ty * 4 - padTop, txi * 4 - padLeft, v, (r >> 2) * C * 4 + (r & 3), vPlane, 4, 16, d);
    }
    const panels = (nb + 3) >> 2;
    for (let xi = 0; xi < 36; xi++) {
      const vp = xi * vPlane;
      const up = xi * uPlane;
      const mp = xi * mPlane;
      for (let ct = 0; ct < nT; ct++) {
        for (let sp = 0; sp < panels; sp++) {
          winoTile(v, vp + sp * C * 4, u, up + ct * C * 4, C, m, mp + sp * 4 * Np + ct * 4, Np, false);
        }
      }
    }
    // Y = Aᵀ·M·A per tile and output channel, + bias, activation, one rounding per stored pixel.
    for (let r = 0; r < nb; r++) {
      const t = b0 + r;
      const img = (t / T) | 0;
      const ti = t - img * T;
      const ty = (ti / tx) | 0;
      const oy0 = ty * 4;
      const ox0 = (ti - ty * tx) * 4;
      const rows = Math.min(4, outH - oy0);
      const cols = Math.min(4, outW - ox0);
      const obase = oOff + img * outImg + (oy0 * outW + ox0) * N;
      for (let n = 0; n < N; n++) {
        const src = r * Np + n;
        // Aᵀ·M: four rows of six (row i of M is ξ = 6i … 6i+5).
        for (let j = 0; j < 6; j++) {
          const q0 = m[src + j * mPlane]!;
          const q1 = m[src + (6 + j) * mPlane]!;
          const q2 = m[src + (12 + j) * mPlane]!;
          const q3 = m[src + (18 + j) * mPlane]!;
          const q4 = m[src + (24 + j) * mPlane]!;
          const q5 = m[src + (30 + j) * mPlane]!;
          const a = q1 + q2;
          const bb = q1 - q2;
          const e = q3 + q4;
          const f = q3 - q4;
          d[j] = q0 + a + e;
          d[6 + j] = bb + 2 * f;
          d[12 + j] = a + 4 * e;
          d[18 + j] = bb + 8 * f + q5;
        }
        const bn = bias ? bias[n]! : 0;
        for (let i = 0; i < rows; i++) {
          const k = i * 6;
          const q0 = d[k]!,
            q1 = d[k + 1]!,
            q2 = d[k + 2]!,
            q3 = d[k + 3]!,
            q4 = d[k + 4]!,
            q5 = d[k + 5]!;
          const a = q1 + q2;
          const bb = q1 - q2;
          const e = q3 + q4;
          const f = q3 - q4;
          const row = obase + i * outW * N + n;
          const y0 = q0 + a + e + bn;
          const y1 = bb + 2 * f + bn;
          const y2 = a + 4 * e + bn;
          const y3 = bb + 8 * f + q5 + bn;
          if (act === 0) {
            out[row] = y0;
            if (cols > 1) out[row + N] = y1;
            if (cols > 2) out[row + 2 * N] = y2;
            if (cols > 3) out[row + 3 * N] = y3;
          } else if (act === 1) {
            // relu as (y + |y|)/2: exact, and branch-free where Math.max(y, 0) mispredicts on
            // about half of a layer's outputs (≈ 4 ns each). Inputs here are finite (see
            // kernels/conv2d_winograd.ts), so y is never −∞ (which would give NaN).
            out[row] = (y0 + Math.abs(y0)) * 0.5;
            if (cols > 1) out[row + N] = (y1 + Math.abs(y1)) * 0.5;
            if (cols > 2) out[row + 2 * N] = (y2 + Math.abs(y2)) * 0.5;
            if (cols > 3) out[row + 3 * N] = (y3 + Math.abs(y3)) * 0.5;
          } else {
            out[row] = winoActivate(y0, act);
            if (cols > 1) out[row + N] = winoActivate(y1, act);
            if (cols > 2) out[row + 2 * N] = winoActivate(y2, act);
            if (cols > 3) out[row + 3 * N] = winoActivate(y3, act);
          }
        }
      }
    }
  }
}

/** The epilogue activations of util/gemm.ts (1 relu, 2 sigmoid, 3 tanh), repeated here: this module has no imports. */
export function winoActivate(v: number, act: number): number {
  switch (act) {
    case 1:
      return Math.max(v, 0);
    case 2: {
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

/**
 * One 4×4 register tile of a product of packed panels (as microKernel in
 * util/gemm.ts): rows from `a` at `pa`, columns from `b` at `pb`, `k` steps of
 * 4 doubles each; the 16 sums are stored (or, with `add`, added) to
 * m[mo + r·ld + q].
 */
export function winoTile(a: Float64Array, pa: number, b: Float64Array, pb: number, k: number, m: Float64Array, mo: number, ld: number, add: boolean): void {
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
  const dd = pb - pa;
  const end = pa + k * 4;
  for (let q = pa; q < end; q += 4) {
    const b0 = b[q + dd]!,
      b1 = b[q + dd + 1]!,
      b2 = b[q + dd + 2]!,
      b3 = b[q + dd + 3]!;
    const a0 = a[q]!,
      a1 = a[q + 1]!,
      a2 = a[q + 2]!,
      a3 = a[q + 3]!;
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
  if (add) {
    m[mo]! += c00;
    m[mo + 1]! += c01;
    m[mo + 2]! += c02;
    m[mo + 3]! += c03;
    mo += ld;
    m[mo]! += c10;
    m[mo + 1]! += c11;
    m[mo + 2]! += c12;
    m[mo + 3]! += c13;
    mo += ld;
    m[mo]! += c20;
    m[mo + 1]! += c21;
    m[mo + 2]! += c22;
    m[mo + 3]! += c23;
    mo += ld;
    m[mo]! += c30;
    m[mo + 1]! += c31;
    m[mo + 2]! += c32;
    m[mo + 3]! += c33;
    return;
  }
  m[mo] = c00;
  m[mo + 1] = c01;
  m[mo + 2] = c02;
  m[mo + 3] = c03;
  mo += ld;
  m[mo] = c10;
  m[mo + 1] = c11;
  m[mo + 2] = c12;
  m[mo + 3] = c13;
  mo += ld;
  m[mo] = c20;
  m[mo + 1] = c21;
  m[mo + 2] = c22;
  m[mo + 3] = c23;
  mo += ld;
  m[mo] = c30;
  m[mo + 1] = c31;
  m[mo + 2] = c32;
  m[mo + 3] = c33;
}

/**
 * Tile groups of a filter gradient: a function of the shape alone (never of
 * the thread count), so each group's partial sums, and their sum in group
 * order, are the same however the groups are shared out.
 */
export function winoFilterGroups(s: WinoShape): number {
  return Math.max(1, Math.min(8, Math.floor(winoTiles(s) / 64)));
}

/** Doubles one group's partial sums take: 36 planes of ⌈C/4⌉·4 × ⌈N/4⌉·4. */
export function winoGroupSize(C: number, N: number): number {
  return 36 * ((((C + 3) >> 2) << 2) * (((N + 3) >> 2) << 2) + 8);
}

/**
 * Group `g`'s part of the filter gradient: M[ξ][c][n] = Σ over its tiles of
 * V[ξ](tile, c)·Z[ξ](tile, n), with V = Bᵀ·d·B (x's patch) and Z = A·dy·Aᵀ (dy's
 * 4×4 tile, zeros past the edge), summed in blocks of tiles in order into
 * acc[accOff …] (cleared first). `winoFilterFinish` adds the groups and maps
 * M back to the 3×3 taps (Gᵀ·M·G), the adjoint of the forward pass.
 */
export function winoFilterGroup(x: Float32Array, dy: Float32Array, s: WinoShape, g: number, acc: Float64Array, accOff: number, scratch: WinoScratch): void {
  const TB = 32; // = WINO_TILE_BLOCK
  const { C, outH, outW, N, padTop, padLeft, H, W } = s;
  const groups = Math.max(1, Math.min(8, Math.floor((s.batch * Math.ceil(outH / 4) * Math.ceil(outW / 4)) / 64)));
  const tx = Math.ceil(outW / 4);
  const T = Math.ceil(outH / 4) * tx;
  const tiles = s.batch * T;
  const t0 = Math.floor((tiles * g) / groups);
  const t1 = Math.floor((tiles * (g + 1)) / groups);
  const Cp = ((C + 3) >> 2) << 2;
  const Np = ((N + 3) >> 2) << 2;
  const vPlane = Cp * TB + 8;
  const zPlane = Np * TB + 8;
  const mPlane = Cp * Np + 8;
  const v = scratch.f64('wino.v', 36 * vPlane);
  const z = scratch.f64('wino.z', 36 * zPlane);
  const d = scratch.f64('wino.d', 36);
  acc.fill(0, accOff, accOff + 36 * mPlane);
  // Channels past C / N in the last panel must be zeros, not stale values (their sums are dropped, but NaN·0 is not 0).
  if (Cp > C) v.fill(0);
  if (Np > N) z.fill(0);
  const inImg = H * W * C;
  const outImg = outH * outW * N;
  for (let b0 = t0; b0 < t1; b0 += TB) {
    const nb = Math.min(TB, t1 - b0);
    for (let r = 0; r < nb; r++) {
      const t = b0 + r;
      const img = (t / T) | 0;
      const ti = t - img * T;
      const ty = (ti / tx) | 0;
      const oy0 = ty * 4;
      const ox0 = (ti - ty * tx) * 4;
      // x's patch, as 4-channel panels over tiles: v[ξ·vPlane + (c>>2)·4·TB + r·4 + (c&3)].
      winoInputTransform(x, img * inImg, s, oy0 - padTop, ox0 - padLeft, v, r * 4, vPlane, 1, TB * 4, d);
      // Z = A·dy·Aᵀ for each output channel, packed the same way.
      const rows = Math.min(4, outH - oy0);
      const cols = Math.min(4, outW - ox0);
      const ybase = img * outImg + (oy0 * outW + ox0) * N;
      for (let n = 0; n < N; n++) {
        for (let i = 0; i < 4; i++) {
          let z0 = 0,
            z1 = 0,
            z2 = 0,
            z3 = 0;
          if (i < rows) {
            const src = ybase + i * outW * N + n;
            z0 = dy[src]!;
            if (cols > 1) z1 = dy[src + N]!;
            if (cols > 2) z2 = dy[src + 2 * N]!;
            if (cols > 3) z3 = dy[src + 3 * N]!;
          }
          // Row i of dy·Aᵀ (six columns).
          const e = z0 + z2;
          const f = z1 + z3;
          const e4 = z0 + 4 * z2;
          const f8 = 2 * z1 + 8 * z3;
          const k = i * 6;
          d[k] = z0;
          d[k + 1] = e + f;
          d[k + 2] = e - f;
          d[k + 3] = e4 + f8;
          d[k + 4] = e4 - f8;
          d[k + 5] = z3;
        }
        const o = (n >> 2) * TB * 4 + r * 4 + (n & 3);
        for (let j = 0; j < 6; j++) {
          const z0 = d[j]!,
            z1 = d[6 + j]!,
            z2 = d[12 + j]!,
            z3 = d[18 + j]!;
          const e = z0 + z2;
          const f = z1 + z3;
          const e4 = z0 + 4 * z2;
          const f8 = 2 * z1 + 8 * z3;
          z[o + j * zPlane] = z0;
          z[o + (6 + j) * zPlane] = e + f;
          z[o + (12 + j) * zPlane] = e - f;
          z[o + (18 + j) * zPlane] = e4 + f8;
          z[o + (24 + j) * zPlane] = e4 - f8;
          z[o + (30 + j) * zPlane] = z3;
        }
      }
    }
    for (let xi = 0; xi < 36; xi++) {
      for (let cp = 0; cp < Cp; cp += 4) {
        for (let np = 0; np < Np; np += 4) {
          winoTile(v, xi * vPlane + cp * TB, z, xi * zPlane + np * TB, nb, acc, accOff + xi * mPlane + cp * Np + np, Np, true);
        }
      }
    }
  }
}

/**
 * dW (HWIO [3, 3, C, N], float32) = Gᵀ·(Σ_g M_g)·G per (c, n), the groups'
 * partial sums (winoFilterGroup, `groups` planes of winoGroupSize apart from
 * accOff) added in group order and rounded once.
 */
export function winoFilterFinish(acc: Float64Array, accOff: number, groups: number, C: number, N: number, out: Float32Array): void {
  const Np = ((N + 3) >> 2) << 2;
  const mPlane = (((C + 3) >> 2) << 2) * Np + 8;
  const gSize = 36 * mPlane;
  const w = new Float64Array(36);
  const h = new Float64Array(18);
  const s6 = 1 / 6;
  const s12 = 1 / 12;
  const s24 = 1 / 24;
  for (let c = 0; c < C; c++) {
    for (let n = 0; n < N; n++) {
      const src = accOff + c * Np + n;
      for (let xi = 0; xi < 36; xi++) {
        let sum = acc[src + xi * mPlane]!;
        for (let g = 1; g < groups; g++) sum += acc[src + g * gSize + xi * mPlane]!;
        w[xi] = sum;
      }
      // Gᵀ·M: for each column j of M, its three combinations (rows of the filter).
      for (let j = 0; j < 6; j++) {
        const w0 = w[j]!,
          w1 = w[6 + j]!,
          w2 = w[12 + j]!,
          w3 = w[18 + j]!,
          w4 = w[24 + j]!,
          w5 = w[30 + j]!;
        h[j] = w0 * 0.25 - (w1 + w2) * s6 + (w3 + w4) * s24;
        h[6 + j] = (w2 - w1) * s6 + (w3 - w4) * s12;
        h[12 + j] = (w3 + w4 - w1 - w2) * s6 + w5;
      }
      // (Gᵀ·M)·G: the same along each of the three rows.
      for (let fy = 0; fy < 3; fy++) {
        const k = fy * 6;
        const w0 = h[k]!,
          w1 = h[k + 1]!,
          w2 = h[k + 2]!,
          w3 = h[k + 3]!,
          w4 = h[k + 4]!,
          w5 = h[k + 5]!;
        const o = (fy * 3 * C + c) * N + n;
        out[o] = w0 * 0.25 - (w1 + w2) * s6 + (w3 + w4) * s24;
        out[o + C * N] = (w2 - w1) * s6 + (w3 - w4) * s12;
        out[o + 2 * C * N] = (w3 + w4 - w1 - w2) * s6 + w5;
      }
    }
  }
}

/** The functions a worker thread needs for the Winograd kernels (their source is shipped; see parallel/pool.ts). */
export const WINO_WORKER_FUNCTIONS: ReadonlyArray<(...args: never[]) => unknown> = [winoInputTransform, winoForward, winoActivate, winoTile, winoFilterGroup];
