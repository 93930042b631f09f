// Writes src/kernels/winograd_simd_module.ts: the transforms of a Winograd
// F(2×2, 3×3) convolution as a small WebAssembly SIMD module (assembled here
// byte by byte, on scripts/wasm-asm.mjs) working in tfjs-backend-wasm's heap
// (the module imports that memory). The 16 products between the transforms
// are XNNPACK fully-connected ops (see src/kernels/winograd_conv2d.ts).
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
// Each output sums its terms in one fixed order (f32x4.add/sub, no fused
// multiply-add), so a run is bit-identical to the next.
//
// Run `node packages/backend-wasm/scripts/gen-winograd-simd.mjs` after changing this file.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addTo, body, countDown, end, f32x4add, get, I32, i32add, i32const, loop, set, simd, v128load, v128store, writeModuleFile } from './wasm-asm.mjs';

const f32x4sub = simd(0xe5);
const f32x4max = simd(0xe9);
const i32load = (offset) => [0x28, 2, offset];
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

const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'kernels', 'winograd_simd_module.ts');
writeModuleFile(target, 'gen-winograd-simd.mjs', 'WINOGRAD_SIMD_WASM', 'The Winograd F(2×2, 3×3) transforms', Array(8).fill(I32), {
  input: inputBody(),
  output: outputBody(false, false),
  output_b: outputBody(true, false),
  output_r: outputBody(false, true),
  output_br: outputBody(true, true),
});
