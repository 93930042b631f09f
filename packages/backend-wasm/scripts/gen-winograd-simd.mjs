// Writes src/kernels/winograd_simd_module.ts: the transforms of Winograd
// F(2×2, 3×3) and F(4×4, 3×3) convolutions as a small WebAssembly SIMD module (assembled here
// byte by byte, on scripts/wasm-asm.mjs) working in tfjs-backend-wasm's heap
// (the module imports that memory). The 16 or 36 products between the
// transforms run on the conv module's SIMD tiles (see src/kernels/winograd_conv2d.ts).
//
// Every export takes (src, dst, tiles, vectors, rowStride, offset, bias, flag),
// addresses and strides in bytes, and handles one row of `tiles` tiles, 4
// channels (a vector) at a time, `vectors` ≥ 1 per pixel:
//
// - `input`: src is the zero-padded NHWC input at the row's first 4×4 patch
//   (patches 2 pixels apart, rows `rowStride` apart); dst the address of a
//   table of the 16 matrices V_k [tiles, C] (int32 addresses), written at
//   `offset` onwards: V = Bᵀ d B, Bᵀ = [[1,0,−1,0],[0,1,1,0],[0,−1,1,0],[0,1,0,−1]].
// - `output`, `output_b`, `output_r`, `output_br`: src is the table of the 16
//   products M_k [tiles, C], read from `offset`; dst the NHWC output at the
//   row's first 2×2 block (rows `rowStride` apart): Y = Aᵀ M A,
//   Aᵀ = [[1,1,1,0],[0,1,−1,−1]], then (`_b`) + bias[c] and (`_r`) max(·, 0).
//   The vector at `flag` gains y − y of every pre-activation y (0 when finite,
//   NaN otherwise), so one look after the last row tells whether anything
//   overflowed or was not finite (the caller then convolves directly).
//
// - `input4`, `output4`, `output4_b`, `output4_r`, `output4_br`: the same for
//   F(4×4, 3×3): 6×6 patches 4 pixels apart, 36 matrices, 4×4 output blocks,
//   V = Bᵀ d B and Y = Aᵀ M A with the matrices of winograd-points.mjs for the
//   points F4_POINTS (chosen for accuracy: scripts/winograd-error.mjs). Each
//   output of a 1-D transform is the left-to-right sum of its nonzero terms
//   c·x (c = ±1 adds or subtracts x; other c multiply first), exactly the
//   order winograd-error.mjs emulates; columns first, then rows.
//
// - `pad_rows`: (src, dst, rows, rowBytes, dstStride, left): `rows` ≥ 1 rows of
//   `rowBytes` bytes from src (one after another) to dst + left, rows
//   `dstStride` apart (memory.copy, bulk memory): an image into its slot of
//   the zero-padded buffer the input transform reads, inside the image's part
//   on whichever thread runs it (the zero border is written once per call).
// - `copy_rows`: (src, dst, rows, rowBytes, dstStride, srcStride): `rows` ≥ 1
//   rows of `rowBytes` bytes, `srcStride` apart at src, to dst, `dstStride`
//   apart: an image's output blocks cropped to the output's size, in its part.
//
// Each output sums its terms in one fixed order (f32x4.add/sub, no fused
// multiply-add), so a run is bit-identical to the next.
//
// Run `node packages/backend-wasm/scripts/gen-winograd-simd.mjs` after changing this file.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  addTo,
  body,
  countDown,
  end,
  f32x4add,
  f32x4mul,
  get,
  I32,
  i32add,
  i32const,
  loop,
  set,
  simd,
  uleb,
  v128load,
  v128store,
  writeModuleFile,
} from './wasm-asm.mjs';
import { winogradMatrices } from './winograd-points.mjs';

/** F(4×4, 3×3)'s finite interpolation points (and ∞); winograd_conv2d.ts builds its G from the same list. */
export const F4_POINTS = [0, 1, -1, 0.5, -2];

const f32x4sub = simd(0xe5);
const f32x4max = simd(0xe9);
const f32x4neg = simd(0xe1);
const f32x4splat = (c) => {
  const b = Buffer.alloc(16);
  for (let i = 0; i < 4; i++) b.writeFloatLE(c, 4 * i);
  if (b.readFloatLE(0) !== c) throw new Error(`coefficient ${c} is not a float32`);
  return simd(0x0c, ...b);
};
const i32load = (offset) => [0x28, 2, ...uleb(offset)];
const i32shl = [0x74];

const A = { src: 0, dst: 1, tiles: 2, vectors: 3, rowStride: 4, offset: 5, bias: 6, flag: 7 };
const P = 8; // params
// i32 locals
let n = P;
const L = { t: n++, v: n++, p: n++, q: n++, pix: n++, tileSrc: n++, tileDst: n++, s: n++, bp: n++ };
const I32_LOCALS = n - P;
// v128 locals: 16 values, a temporary, zero, the flag
const D = Array.from({ length: 16 }, () => n++);
const TMP = n++;
const ZERO = n++;
const BAD = n++;
const V128_LOCALS = n - P - I32_LOCALS;

/** The 4-point transform `x0 = x0 − x2; x3 = x1 − x3; (x1, x2) = (x1 + x2, x2 − x1)` in place (Bᵀ on a column or row). */
const inputStage = (i0, i1, i2, i3) => [
  ...get(D[i0]),
  ...get(D[i2]),
  ...f32x4sub,
  ...set(D[i0]),
  ...get(D[i1]),
  ...get(D[i3]),
  ...f32x4sub,
  ...set(D[i3]),
  ...get(D[i1]),
  ...get(D[i2]),
  ...f32x4add,
  ...set(TMP),
  ...get(D[i2]),
  ...get(D[i1]),
  ...f32x4sub,
  ...set(D[i2]),
  ...get(TMP),
  ...set(D[i1]),
];
/** `x0 = (x0 + x1) + x2; x1 = (x1 − x2) − x3` in place (Aᵀ on a column or row). */
const outputStage = (i0, i1, i2, i3) => [
  ...get(D[i0]),
  ...get(D[i1]),
  ...f32x4add,
  ...get(D[i2]),
  ...f32x4add,
  ...set(D[i0]),
  ...get(D[i1]),
  ...get(D[i2]),
  ...f32x4sub,
  ...get(D[i3]),
  ...f32x4sub,
  ...set(D[i1]),
];
/** Address of matrix k's current vector: table[k] + q (q = offset + tile · pix + vector · 16). */
const matAddr = (table, k) => [...get(table), ...i32load(4 * k), ...get(L.q), ...i32add];

function inputBody() {
  const c = [];
  c.push(...get(A.vectors), ...i32const(4), ...i32shl, ...set(L.pix));
  c.push(...get(A.src), ...set(L.tileSrc), ...get(A.offset), ...set(L.tileDst), ...get(A.tiles), ...set(L.t));
  c.push(...loop); // tiles
  c.push(...get(L.tileSrc), ...set(L.p), ...get(L.tileDst), ...set(L.q), ...get(A.vectors), ...set(L.v));
  c.push(...loop); // vectors
  for (let r = 0; r < 4; r++) {
    c.push(...get(L.p), ...set(L.s));
    for (let k = 0; k < r; k++) c.push(...addTo(L.s, get(A.rowStride)));
    for (let col = 0; col < 4; col++) {
      c.push(...get(L.s), ...v128load(0), ...set(D[r * 4 + col]));
      if (col < 3) c.push(...addTo(L.s, get(L.pix)));
    }
  }
  for (let col = 0; col < 4; col++) c.push(...inputStage(col, 4 + col, 8 + col, 12 + col)); // Bᵀ d
  for (let r = 0; r < 4; r++) c.push(...inputStage(4 * r, 4 * r + 1, 4 * r + 2, 4 * r + 3)); // (Bᵀ d) B
  for (let k = 0; k < 16; k++) c.push(...matAddr(A.dst, k), ...get(D[k]), ...v128store(0));
  c.push(...addTo(L.p, i32const(16)), ...addTo(L.q, i32const(16)), ...countDown(L.v), ...end);
  c.push(...addTo(L.tileSrc, [...get(L.pix), ...get(L.pix), ...i32add]), ...addTo(L.tileDst, get(L.pix)), ...countDown(L.t), ...end);
  return body(I32_LOCALS, V128_LOCALS, c);
}

function outputBody(withBias, withRelu) {
  const c = [];
  c.push(...get(A.vectors), ...i32const(4), ...i32shl, ...set(L.pix));
  c.push(...get(A.flag), ...v128load(0), ...set(BAD));
  c.push(...get(A.offset), ...set(L.tileSrc), ...get(A.dst), ...set(L.tileDst), ...get(A.tiles), ...set(L.t));
  c.push(...loop); // tiles
  c.push(...get(L.tileSrc), ...set(L.q), ...get(L.tileDst), ...set(L.p), ...get(A.bias), ...set(L.bp), ...get(A.vectors), ...set(L.v));
  c.push(...loop); // vectors
  for (let k = 0; k < 16; k++) c.push(...matAddr(A.src, k), ...v128load(0), ...set(D[k]));
  for (let col = 0; col < 4; col++) c.push(...outputStage(col, 4 + col, 8 + col, 12 + col)); // Aᵀ M: rows 0, 1
  for (let r = 0; r < 2; r++) c.push(...outputStage(4 * r, 4 * r + 1, 4 * r + 2, 4 * r + 3)); // (Aᵀ M) A
  const Y = [D[0], D[1], D[4], D[5]]; // y00, y01, y10, y11
  if (withBias) {
    c.push(...get(L.bp), ...v128load(0), ...set(TMP));
    for (const y of Y) c.push(...get(y), ...get(TMP), ...f32x4add, ...set(y));
  }
  for (const y of Y) c.push(...get(BAD), ...get(y), ...get(y), ...f32x4sub, ...f32x4add, ...set(BAD));
  if (withRelu) for (const y of Y) c.push(...get(y), ...get(ZERO), ...f32x4max, ...set(y));
  // y00 at p, y01 at p + pix, y10 at p + rowStride, y11 at p + rowStride + pix
  c.push(...get(L.p), ...get(Y[0]), ...v128store(0));
  c.push(...get(L.p), ...get(L.pix), ...i32add, ...get(Y[1]), ...v128store(0));
  c.push(...get(L.p), ...get(A.rowStride), ...i32add, ...set(L.s));
  c.push(...get(L.s), ...get(Y[2]), ...v128store(0));
  c.push(...get(L.s), ...get(L.pix), ...i32add, ...get(Y[3]), ...v128store(0));
  c.push(...addTo(L.p, i32const(16)), ...addTo(L.q, i32const(16)), ...addTo(L.bp, i32const(16)), ...countDown(L.v), ...end);
  c.push(...addTo(L.tileSrc, get(L.pix)), ...addTo(L.tileDst, [...get(L.pix), ...get(L.pix), ...i32add]), ...countDown(L.t), ...end);
  c.push(...get(A.flag), ...get(BAD), ...v128store(0));
  return body(I32_LOCALS, V128_LOCALS, c);
}

// F(4×4, 3×3): v128 locals X (36), Y (36), a temporary, zero, the flag
const F4 = (() => {
  let k = P + I32_LOCALS;
  const X = Array.from({ length: 36 }, () => k++);
  const Y = Array.from({ length: 36 }, () => k++);
  const tmp = k++;
  const zero = k++;
  const bad = k++;
  return { X, Y, tmp, zero, bad, v128Locals: k - P - I32_LOCALS };
})();
const { AT: AT4, BT: BT4 } = winogradMatrices(F4_POINTS);

/** dst ← Σ_j row[j]·src[j], left to right over the nonzero row[j] (±1: add or subtract; else multiply first). */
function rowSum(row, src, dst) {
  const c = [];
  let first = true;
  row.forEach((coef, j) => {
    if (coef === 0) return;
    const mag = Math.abs(coef);
    c.push(...get(src[j]));
    if (mag !== 1) c.push(...f32x4splat(first ? coef : mag), ...f32x4mul);
    else if (first && coef < 0) c.push(...f32x4neg);
    if (!first) c.push(...(coef > 0 ? f32x4add : f32x4sub));
    first = false;
  });
  return [...c, ...set(dst)];
}

/** out[i·w + c] ← (T · in)[i][c] over the columns c of the a×w matrix `inp` (row-major locals). */
const columns = (T, inp, out, w) =>
  T.flatMap((row, i) =>
    Array.from({ length: w }, (_, c) =>
      rowSum(
        row,
        row.map((_, j) => inp[j * w + c]),
        out[i * w + c],
      ),
    ).flat(),
  );
/** out[i·T.length + k] ← (in · Tᵀ)[i][k] over the `h` rows of `inp` (each T[0].length wide). */
const rows = (T, inp, out, h) =>
  Array.from({ length: h }, (_, i) =>
    T.flatMap((row, k) =>
      rowSum(
        row,
        row.map((_, j) => inp[i * row.length + j]),
        out[i * T.length + k],
      ),
    ),
  ).flat();

function input4Body() {
  const { X, Y } = F4;
  const c = [];
  c.push(...get(A.vectors), ...i32const(4), ...i32shl, ...set(L.pix));
  c.push(...get(A.src), ...set(L.tileSrc), ...get(A.offset), ...set(L.tileDst), ...get(A.tiles), ...set(L.t));
  c.push(...loop); // tiles
  c.push(...get(L.tileSrc), ...set(L.p), ...get(L.tileDst), ...set(L.q), ...get(A.vectors), ...set(L.v));
  c.push(...loop); // vectors
  c.push(...get(L.p), ...set(L.bp)); // bp: the patch row's first pixel
  for (let r = 0; r < 6; r++) {
    if (r > 0) c.push(...addTo(L.bp, get(A.rowStride)));
    c.push(...get(L.bp), ...set(L.s));
    for (let col = 0; col < 6; col++) {
      c.push(...get(L.s), ...v128load(0), ...set(X[r * 6 + col]));
      if (col < 5) c.push(...addTo(L.s, get(L.pix)));
    }
  }
  c.push(...columns(BT4, X, Y, 6)); // Bᵀ d
  c.push(...rows(BT4, Y, X, 6)); // (Bᵀ d) B
  for (let k = 0; k < 36; k++) c.push(...matAddr(A.dst, k), ...get(X[k]), ...v128store(0));
  c.push(...addTo(L.p, i32const(16)), ...addTo(L.q, i32const(16)), ...countDown(L.v), ...end);
  c.push(...addTo(L.tileSrc, [...get(L.pix), ...i32const(2), ...i32shl]), ...addTo(L.tileDst, get(L.pix)), ...countDown(L.t), ...end);
  return body(I32_LOCALS, F4.v128Locals, c);
}

function output4Body(withBias, withRelu) {
  const { X, Y, tmp, zero, bad } = F4;
  const c = [];
  c.push(...get(A.vectors), ...i32const(4), ...i32shl, ...set(L.pix));
  c.push(...get(A.flag), ...v128load(0), ...set(bad));
  c.push(...get(A.offset), ...set(L.tileSrc), ...get(A.dst), ...set(L.tileDst), ...get(A.tiles), ...set(L.t));
  c.push(...loop); // tiles
  c.push(...get(L.tileSrc), ...set(L.q), ...get(L.tileDst), ...set(L.p), ...get(A.bias), ...set(L.bp), ...get(A.vectors), ...set(L.v));
  c.push(...loop); // vectors
  for (let k = 0; k < 36; k++) c.push(...matAddr(A.src, k), ...v128load(0), ...set(X[k]));
  c.push(...columns(AT4, X, Y, 6)); // Aᵀ M: 4 rows of 6
  c.push(...rows(AT4, Y, X, 4)); // (Aᵀ M) A: y[i][k] in X[4i + k]
  const out = X.slice(0, 16);
  if (withBias) {
    c.push(...get(L.bp), ...v128load(0), ...set(tmp));
    for (const y of out) c.push(...get(y), ...get(tmp), ...f32x4add, ...set(y));
  }
  for (const y of out) c.push(...get(bad), ...get(y), ...get(y), ...f32x4sub, ...f32x4add, ...set(bad));
  if (withRelu) for (const y of out) c.push(...get(y), ...get(zero), ...f32x4max, ...set(y));
  c.push(...get(L.p), ...set(L.s)); // s: the block row's first pixel
  for (let i = 0; i < 4; i++) {
    if (i > 0) c.push(...addTo(L.s, get(A.rowStride)));
    for (let k = 0; k < 4; k++) {
      c.push(...get(L.s));
      for (let j = 0; j < k; j++) c.push(...get(L.pix), ...i32add);
      c.push(...get(out[4 * i + k]), ...v128store(0));
    }
  }
  c.push(...addTo(L.p, i32const(16)), ...addTo(L.q, i32const(16)), ...addTo(L.bp, i32const(16)), ...countDown(L.v), ...end);
  c.push(...addTo(L.tileSrc, get(L.pix)), ...addTo(L.tileDst, [...get(L.pix), ...i32const(2), ...i32shl]), ...countDown(L.t), ...end);
  c.push(...get(A.flag), ...get(bad), ...v128store(0));
  return body(I32_LOCALS, F4.v128Locals, c);
}

/** pad_rows: each row `memory.copy(dst + left, src, rowBytes)`, then src += rowBytes, dst += dstStride. */
function padRowsBody() {
  const memoryCopy = [0xfc, 0x0a, 0x00, 0x00];
  const c = [];
  c.push(...loop);
  c.push(...get(A.dst), ...get(A.offset), ...i32add, ...get(A.src), ...get(A.vectors), ...memoryCopy);
  c.push(...addTo(A.src, get(A.vectors)), ...addTo(A.dst, get(A.rowStride)), ...countDown(A.tiles), ...end);
  return body(0, 0, c);
}

/** copy_rows: each row `memory.copy(dst, src, rowBytes)`, then src += srcStride, dst += dstStride. */
function copyRowsBody() {
  const memoryCopy = [0xfc, 0x0a, 0x00, 0x00];
  const c = [];
  c.push(...loop);
  c.push(...get(A.dst), ...get(A.src), ...get(A.vectors), ...memoryCopy);
  c.push(...addTo(A.src, get(A.offset)), ...addTo(A.dst, get(A.rowStride)), ...countDown(A.tiles), ...end);
  return body(0, 0, c);
}

const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'kernels', 'winograd_simd_module.ts');
writeModuleFile(target, 'gen-winograd-simd.mjs', 'WINOGRAD_SIMD_WASM', 'The Winograd F(2×2, 3×3) and F(4×4, 3×3) transforms', Array(8).fill(I32), {
  input: inputBody(),
  output: outputBody(false, false),
  output_b: outputBody(true, false),
  output_r: outputBody(false, true),
  output_br: outputBody(true, true),
  input4: input4Body(),
  output4: output4Body(false, false),
  output4_b: output4Body(true, false),
  output4_r: output4Body(false, true),
  output4_br: output4Body(true, true),
  pad_rows: padRowsBody(),
  copy_rows: copyRowsBody(),
});
