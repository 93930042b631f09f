// How far a float32 Winograd F(m×m, 3×3) convolution strays from the float64
// convolution, as a fraction of the conformance suite's bound γ_n·Σ|x·w|
// (n the number of terms of each output). Emulates the float32 arithmetic
// with Math.fround in the order the generated kernels use: input transform
// Bᵀ d B (columns, then rows; each output a left-to-right sum of its nonzero
// terms), the products as float32 dot products over the input channels summed
// in order, the output transform Aᵀ M A the same way, the filter transform
// G g Gᵀ in double rounded once. The reference is @polytensor/conformance's.
//
//   node packages/backend-wasm/scripts/winograd-error.mjs
import { computeConv2DInfo } from '@polytensor/core';
import { gamma, host, reference } from '@polytensor/conformance';
import { winogradMatrices } from './winograd-points.mjs';

const f = Math.fround;

/** out[i] = Σ_j T[i][j]·v[j] in float32, left to right over the nonzero T[i][j]. */
function apply32(T, v) {
  return T.map((row) => {
    let acc = null;
    row.forEach((c, j) => {
      if (c === 0) return;
      const t = c === 1 ? v[j] : c === -1 ? -v[j] : f(c * v[j]);
      acc = acc === null ? t : f(acc + t);
    });
    return acc ?? 0;
  });
}

/** 2-D: T X Tᵀ of a square (a × a) X as rows, in float32 (columns first, then rows). */
function both32(T, X) {
  const cols = [];
  for (let c = 0; c < X[0].length; c++)
    cols.push(
      apply32(
        T,
        X.map((r) => r[c]),
      ),
    ); // cols[c][i] = (T X)[i][c]
  const TX = T.map((_, i) => cols.map((col) => col[i]));
  return TX.map((r) => apply32(T, r));
}

/** Float32 Winograd conv (NHWC x, HWIO filter) emulated; returns Float32Array of info.outShape. */
export function winograd32(points, x, filter, info) {
  const { AT, G, BT } = winogradMatrices(points);
  const m = AT.length;
  const a = m + 2;
  const [batch, h, w, ci] = info.inShape;
  const co = info.outChannels;
  const [, oh, ow] = info.outShape;
  const th = Math.ceil(oh / m);
  const tw = Math.ceil(ow / m);
  // U[k][ci·co]: G g Gᵀ in double, rounded once
  const U = Array.from({ length: a * a }, () => new Float32Array(ci * co));
  for (let i = 0; i < ci; i++)
    for (let o = 0; o < co; o++) {
      const g = [0, 1, 2].map((r) => [0, 1, 2].map((c) => filter[((r * 3 + c) * ci + i) * co + o]));
      const Gg = G.map((row) => [0, 1, 2].map((c) => row[0] * g[0][c] + row[1] * g[1][c] + row[2] * g[2][c]));
      for (let p = 0; p < a; p++) for (let q = 0; q < a; q++) U[p * a + q][i * co + o] = Gg[p][0] * G[q][0] + Gg[p][1] * G[q][1] + Gg[p][2] * G[q][2];
    }
  const out = new Float32Array(batch * oh * ow * co);
  const at = (b, y, xx, c) => {
    const iy = y - info.padTop;
    const ix = xx - info.padLeft;
    return iy < 0 || iy >= h || ix < 0 || ix >= w ? 0 : x[((b * h + iy) * w + ix) * ci + c];
  };
  const V = Array.from({ length: a * a }, () => new Float32Array(ci));
  const M = new Float64Array(a * a);
  for (let b = 0; b < batch; b++)
    for (let ty = 0; ty < th; ty++)
      for (let tx = 0; tx < tw; tx++) {
        for (let c = 0; c < ci; c++) {
          const d = Array.from({ length: a }, (_, r) => Array.from({ length: a }, (_, s) => at(b, ty * m + r, tx * m + s, c)));
          const v = both32(BT, d);
          for (let k = 0; k < a * a; k++) V[k][c] = v[Math.floor(k / a)][k % a];
        }
        for (let o = 0; o < co; o++) {
          for (let k = 0; k < a * a; k++) {
            let acc = 0;
            const Vk = V[k];
            const Uk = U[k];
            for (let c = 0; c < ci; c++) acc = f(acc + f(Vk[c] * Uk[c * co + o]));
            M[k] = acc;
          }
          const Mm = Array.from({ length: a }, (_, r) => Array.from(M.subarray(r * a, r * a + a)));
          const y = both32(AT, Mm);
          for (let r = 0; r < m; r++)
            for (let s = 0; s < m; s++) {
              const oy = ty * m + r;
              const ox = tx * m + s;
              if (oy < oh && ox < ow) out[((b * oh + oy) * ow + ox) * co + o] = y[r][s];
            }
        }
      }
  return out;
}

/** Deterministic uniform values in [lo, hi) (an LCG), rounded to float32. */
function uniform(n, seed, lo, hi) {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((hi - lo) * s) / 2 ** 32;
  }
  return out;
}

/** Worst |got − ref| / (γ_n·Σ|term|) and the 99.9th percentile of it. */
function fractions(got, want) {
  const r = [];
  for (let i = 0; i < got.length; i++) {
    const bound = gamma(want.terms[i]) * want.absSum[i];
    const err = Math.abs(got[i] - want.out.values[i]);
    r.push(bound === 0 ? (err === 0 ? 0 : Infinity) : err / bound);
  }
  r.sort((p, q) => p - q);
  return { worst: r[r.length - 1], p999: r[Math.floor(0.999 * (r.length - 1))] };
}

const SETS = {
  'F2 {0,±1}': [0, 1, -1],
  'F4 {0,±1,±2}': [0, 1, -1, 2, -2],
  'F4 {0,±1,±½}': [0, 1, -1, 0.5, -0.5],
  'F4 {0,±1,½,−2}': [0, 1, -1, 0.5, -2],
};

// [label, x shape, co, padding, x range, filter range]
const SHAPES = [
  // the seed CNN's three 3×3 convs (post-relu inputs ≥ 0, Glorot-sized filters), 2 images
  ['seed 28×28×64→64', [2, 28, 28, 64], 64, 'same', [0, 1], [-0.072, 0.072]],
  ['seed 14×14×64→32', [2, 14, 14, 64], 32, 'same', [0, 1], [-0.083, 0.083]],
  ['seed 14×14×32→32', [2, 14, 14, 32], 32, 'same', [0, 1], [-0.1, 0.1]],
  ['signed 28×28×64→64', [2, 28, 28, 64], 64, 'same', [-1, 1], [-1, 1]],
  ['offset x∈[1,2) 14×14×64→64', [2, 14, 14, 64], 64, 'same', [1, 2], [-1, 1]],
  // the smallest channel counts the path admits (ci·co/(ci + co) ≥ 24), signed inputs
  ['edge 10×10×32→96 signed', [2, 10, 10, 32], 96, 'same', [-2, 2], [-2, 2]],
  ['edge 11×9×48→48 signed valid', [2, 11, 9, 48], 48, 'valid', [-2, 2], [-2, 2]],
  // the conformance suite's 3×3 stride-1 undilated convs, its inputs uniform in [-2, 2]
  ['conf 5×5×1→1 valid', [1, 5, 5, 1], 1, 'valid', [-2, 2], [-2, 2]],
  ['conf 5×5×2→3 valid', [1, 5, 5, 2], 3, 'valid', [-2, 2], [-2, 2]],
  ['conf 2×2×1→2 same', [1, 2, 2, 1], 2, 'same', [-2, 2], [-2, 2]],
  ['conf-like 12×12×4→4 same', [4, 12, 12, 4], 4, 'same', [-2, 2], [-2, 2]],
  ['conf-like 12×12×1→1 same', [16, 12, 12, 1], 1, 'same', [-2, 2], [-2, 2]],
];

const only = process.argv[2];
for (const [label, xs, co, pad, xr, fr] of SHAPES) {
  if (only && !label.includes(only)) continue;
  const ci = xs[3];
  const info = computeConv2DInfo('winograd-error', xs, [3, 3, ci, co], 1, pad, 1);
  const row = [];
  for (const seed of [1, 2, 3]) {
    const x = uniform(
      xs.reduce((p, q) => p * q, 1),
      100 + seed,
      ...xr,
    );
    const w = uniform(9 * ci * co, 200 + seed, ...fr);
    const want = reference.conv2d(host(xs, x), host([3, 3, ci, co], w), info);
    for (const [name, pts] of Object.entries(SETS)) {
      const fr2 = fractions(winograd32(pts, x, w, info), want);
      let e = row.find((r) => r.name === name);
      if (!e) row.push((e = { name, worst: 0, p999: 0 }));
      e.worst = Math.max(e.worst, fr2.worst);
      e.p999 = Math.max(e.p999, fr2.p999);
    }
  }
  console.log(`${label} (n = ${9 * ci}): ${row.map((r) => `${r.name} worst ${r.worst.toFixed(4)} p99.9 ${r.p999.toFixed(4)}`).join(' | ')}`);
}
