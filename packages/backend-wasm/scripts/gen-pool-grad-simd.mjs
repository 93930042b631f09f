// Writes src/kernels/pool_grad_simd_module.ts: a small WebAssembly SIMD module
// (assembled here byte by byte, on scripts/wasm-asm.mjs) for average pooling's
// gradient straight in tfjs-backend-wasm's heap (the module imports that memory).
//
// Export `spread(dy, dx, rows, cols, dxRow, dxCol, vectors, count)` (addresses
// and strides in bytes; count an f32): one output pixel's window, rows × cols
// real cells `dxRow`/`dxCol` bytes apart, for `vectors` groups of 4 channels:
//
//   s = dy[v] / count;  dx[r, c][v] += s   for every real cell (r, c)
//
// f32x4.div then f32x4.add, so each contribution is dy's value over its
// window's count, as core's composite computes it. rows, cols, vectors ≥ 1.
//
// Run `node packages/backend-wasm/scripts/gen-pool-grad-simd.mjs` after changing this file.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addTo, body, countDown, end, f32x4add, F32, get, I32, i32const, loop, set, simd, v128load, v128store, writeModuleFile } from './wasm-asm.mjs';

const A = { dy: 0, dx: 1, rows: 2, cols: 3, dxRow: 4, dxCol: 5, vectors: 6, count: 7 };
let n = 8;
const L = { v: n++, r: n++, c: n++, rowp: n++, p: n++, dyp: n++, dxv: n++ };
const i32Locals = n - 8;
const S = n++;
const CNT = n++;
const code = [];
const emit = (...parts) => {
  for (const part of parts) code.push(...part);
};
emit(get(A.count), simd(0x13), set(CNT)); // f32x4.splat
emit(get(A.dy), set(L.dyp), get(A.dx), set(L.dxv), get(A.vectors), set(L.v));
emit(loop); // channel vectors
emit(get(L.dyp), v128load(0), get(CNT), simd(0xe7), set(S)); // f32x4.div
emit(get(L.dxv), set(L.rowp), get(A.rows), set(L.r));
emit(loop); // window rows
emit(get(L.rowp), set(L.p), get(A.cols), set(L.c));
emit(loop); // window columns
emit(get(L.p), get(L.p), v128load(0), get(S), f32x4add, v128store(0));
emit(addTo(L.p, get(A.dxCol)));
emit(countDown(L.c), end);
emit(addTo(L.rowp, get(A.dxRow)));
emit(countDown(L.r), end);
emit(addTo(L.dyp, i32const(16)), addTo(L.dxv, i32const(16)));
emit(countDown(L.v), end);

const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'kernels', 'pool_grad_simd_module.ts');
writeModuleFile(target, 'gen-pool-grad-simd.mjs', 'POOL_GRAD_SIMD_WASM', "Average pooling's gradient", [...Array(7).fill(I32), F32], {
  spread: body(i32Locals, 2, code),
});
