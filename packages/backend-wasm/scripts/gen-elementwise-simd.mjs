// Writes src/kernels/elementwise_simd_module.ts: a small WebAssembly SIMD module
// (assembled here byte by byte, on scripts/wasm-asm.mjs) for the elementwise
// steps of relu's gradient, `cast(greater(x, 0), 'float32')`, straight in
// tfjs-backend-wasm's heap (the module imports that memory). tfjs's Greater
// against a scalar goes through its generic broadcasting loop, and a bool →
// float32 cast is a JavaScript store; these take 16 elements per iteration.
//
// Exports `(src, dst, blocks, s)` (byte addresses, blocks of 16 elements; s the address of
// the float32 scalar, since the heap workers pass i32 arguments only):
//   gt, ge, lt, le: dst[i] = src[i] ⋈ s ? 1 : 0   (float32 → bool bytes; NaN compares false)
//   b2f:            dst[i] = src[i] (bool byte → float32 0 or 1; s unused)
//
// and column sums of a float32 matrix (a bias gradient: sum over every axis but
// the last), `(src, dst, rows, rowBytes)`, for 16 (colsum16) or 4 (colsum4)
// adjacent columns: dst[c] = ((0 + src[0][c]) + src[1][c]) + … in float32, row
// by row, the order of tfjs's Sum over a transposed copy. rows ≥ 1.
//
// Run `node packages/backend-wasm/scripts/gen-elementwise-simd.mjs` after changing this file.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addTo, body, countDown, end, f32x4add, get, I32, i32const, load32Splat, loop, set, simd, v128load, v128store, writeModuleFile } from './wasm-asm.mjs';

const A = { src: 0, dst: 1, blocks: 2, s: 3 };
const L = { sp: 4, dp: 5, k: 6 };
const i32Locals = 3;
const S = 7; // the scalar splatted
const M = [8, 9, 10, 11]; // four comparison masks

/** A comparison of 16 floats with the splatted scalar, narrowed to 16 bytes of 0/1. */
function compare(cmpOp) {
  const code = [];
  const emit = (...parts) => {
    for (const part of parts) code.push(...part);
  };
  emit(get(A.s), load32Splat(0), set(S));
  emit(get(A.src), set(L.sp), get(A.dst), set(L.dp), get(A.blocks), set(L.k));
  emit(loop);
  for (let v = 0; v < 4; v++) emit(get(L.sp), v128load(16 * v), get(S), simd(cmpOp), set(M[v])); // lanes: -1 or 0
  emit(get(L.dp));
  emit(get(M[0]), get(M[1]), simd(0x85)); // i16x8.narrow_i32x4_s
  emit(get(M[2]), get(M[3]), simd(0x85));
  emit(simd(0x65)); // i8x16.narrow_i16x8_s: 16 bytes of -1 or 0
  emit(simd(0x60)); // i8x16.abs: 1 or 0
  emit(v128store(0));
  emit(addTo(L.sp, i32const(64)), addTo(L.dp, i32const(16)));
  emit(countDown(L.k), end);
  return body(i32Locals, 5, code);
}

/** 16 bool bytes widened to 16 floats. */
function boolToFloat() {
  const code = [];
  const emit = (...parts) => {
    for (const part of parts) code.push(...part);
  };
  emit(get(A.src), set(L.sp), get(A.dst), set(L.dp), get(A.blocks), set(L.k));
  emit(loop);
  emit(get(L.sp), v128load(0), set(S));
  const halves = [0x89, 0x8a]; // i16x8.extend_low/high_i8x16_u
  const quarters = [0xa9, 0xaa]; // i32x4.extend_low/high_i16x8_u
  for (let h = 0; h < 2; h++) {
    for (let q = 0; q < 2; q++) {
      emit(get(L.dp), get(S), simd(halves[h]), simd(quarters[q]), simd(0xfb), v128store(16 * (2 * h + q))); // f32x4.convert_i32x4_u
    }
  }
  emit(addTo(L.sp, i32const(16)), addTo(L.dp, i32const(64)));
  emit(countDown(L.k), end);
  return body(i32Locals, 5, code);
}

/** Column sums of `vectors` adjacent groups of 4 columns, rows in order. */
function columnSums(vectors) {
  const code = [];
  const emit = (...parts) => {
    for (const part of parts) code.push(...part);
  };
  const acc = [S, ...M].slice(0, vectors);
  for (const a of acc) emit(simd(0x0c, ...Array(16).fill(0)), set(a)); // v128.const 0
  emit(get(A.src), set(L.sp), get(A.blocks), set(L.k));
  emit(loop);
  for (let v = 0; v < vectors; v++) emit(get(acc[v]), get(L.sp), v128load(16 * v), f32x4add, set(acc[v]));
  emit(addTo(L.sp, get(A.s)));
  emit(countDown(L.k), end);
  for (let v = 0; v < vectors; v++) emit(get(A.dst), get(acc[v]), v128store(16 * v));
  return body(i32Locals, 5, code);
}

const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'kernels', 'elementwise_simd_module.ts');
writeModuleFile(target, 'gen-elementwise-simd.mjs', 'ELEMENTWISE_SIMD_WASM', "relu gradient's elementwise steps and column sums", [I32, I32, I32, I32], {
  gt: compare(0x44),
  ge: compare(0x46),
  lt: compare(0x43),
  le: compare(0x45),
  b2f: boolToFloat(),
  colsum16: columnSums(4),
  colsum4: columnSums(1),
});
