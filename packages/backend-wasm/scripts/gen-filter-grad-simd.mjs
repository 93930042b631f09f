// Writes src/kernels/filter_grad_simd_module.ts: a small WebAssembly SIMD module
// (assembled here byte by byte) whose functions accumulate conv2d's filter
// gradient straight from NHWC x and dy in tfjs-backend-wasm's heap (the module
// imports that memory), so the gradient needs no im2col, no transposes and no
// packed copies.
//
// Each export `c{C}o{O}(x, dy, dw, rows, cols, xRow, xCol, dyRow, dyCol, cBlocks, oBlocks, dwRow)`
// (all byte addresses / byte strides, i32) does, for each block of C input
// channels (cBlocks of them, C·4 bytes apart in x, C·dwRow apart in dw) and each
// block of O output channels (oBlocks, O·4 bytes apart in dy and dw):
//
//   acc[C][O] = dw[c][o]                      (one tap's [Ci, Co] block, row stride dwRow)
//   for r < rows, for q < cols:               (a rectangle of dy pixels)
//     acc[c][o] += x[r·xRow + q·xCol + c] · dy[r·dyRow + q·dyCol + o]
//   dw[c][o] = acc[c][o]
//
// with the C×O accumulators in v128 locals (x's values splatted, dy's loaded
// four at a time): f32x4.mul then f32x4.add, in a fixed order, so results are
// the same on every run. rows, cols, cBlocks and oBlocks must be ≥ 1.
//
// Run `node packages/backend-wasm/scripts/gen-filter-grad-simd.mjs` after changing this file.
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
  i32const,
  load32Splat,
  loop,
  set,
  v128load as load,
  v128store as store,
  writeModuleFile,
} from './wasm-asm.mjs';

function kernel(C, OV) {
  // params
  const P = { x: 0, dy: 1, dw: 2, rows: 3, cols: 4, xRow: 5, xCol: 6, dyRow: 7, dyCol: 8, cBlocks: 9, oBlocks: 10, dwRow: 11 };
  let n = 12;
  const L = {};
  for (const k of ['cb', 'ob', 'rn', 'cn', 'xc', 'dwc', 'dyo', 'dwo', 'xr', 'dr', 'xp', 'dp', 't']) L[k] = n++;
  const i32Locals = n - 12;
  const v0 = n;
  const acc = Array.from({ length: C }, () => Array.from({ length: OV }, () => n++));
  const d = Array.from({ length: OV }, () => n++);
  const s = n++;
  const v128Locals = n - v0;

  const code = [];
  const emit = (...parts) => {
    for (const p of parts) code.push(...p);
  };
  /** Every accumulator row k at dw row address t (t advanced by dwRow per row): load or store. */
  const accRows = (storeBack) => {
    emit(get(L.dwo), set(L.t));
    for (let k = 0; k < C; k++) {
      for (let v = 0; v < OV; v++) {
        if (storeBack) emit(get(L.t), get(acc[k][v]), store(16 * v));
        else emit(get(L.t), load(16 * v), set(acc[k][v]));
      }
      if (k < C - 1) emit(addTo(L.t, get(P.dwRow)));
    }
  };

  emit(get(P.x), set(L.xc), get(P.dw), set(L.dwc), get(P.cBlocks), set(L.cb));
  emit(loop); // c blocks
  emit(get(P.dy), set(L.dyo), get(L.dwc), set(L.dwo), get(P.oBlocks), set(L.ob));
  emit(loop); // o blocks
  accRows(false);
  emit(get(L.xc), set(L.xr), get(L.dyo), set(L.dr), get(P.rows), set(L.rn));
  emit(loop); // rows
  emit(get(L.xr), set(L.xp), get(L.dr), set(L.dp), get(P.cols), set(L.cn));
  emit(loop); // pixels of a row
  for (let v = 0; v < OV; v++) emit(get(L.dp), load(16 * v), set(d[v]));
  for (let k = 0; k < C; k++) {
    emit(get(L.xp), load32Splat(4 * k), set(s));
    for (let v = 0; v < OV; v++) emit(get(acc[k][v]), get(s), get(d[v]), f32x4mul, f32x4add, set(acc[k][v]));
  }
  emit(addTo(L.xp, get(P.xCol)), addTo(L.dp, get(P.dyCol)));
  emit(countDown(L.cn), end);
  emit(addTo(L.xr, get(P.xRow)), addTo(L.dr, get(P.dyRow)));
  emit(countDown(L.rn), end);
  accRows(true);
  emit(addTo(L.dyo, i32const(16 * OV)), addTo(L.dwo, i32const(16 * OV)));
  emit(countDown(L.ob), end);
  emit(addTo(L.xc, i32const(4 * C)));
  emit(get(L.dwc), set(L.t));
  for (let k = 0; k < C; k++) emit(addTo(L.t, get(P.dwRow)));
  emit(get(L.t), set(L.dwc));
  emit(countDown(L.cb), end);
  return body(i32Locals, v128Locals, code);
}

// 4 input × 8 output channels: 8 accumulators, 2 dy vectors, 1 splat (fits x86's 16 vector registers);
// the narrower ones cover channel counts that are not multiples of 4 and 8.
const VARIANTS = [
  [4, 2],
  [1, 2],
  [4, 1],
  [1, 1],
];
const functions = Object.fromEntries(VARIANTS.map(([c, ov]) => [`c${c}o${4 * ov}`, kernel(c, ov)]));
const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'kernels', 'filter_grad_simd_module.ts');
writeModuleFile(target, 'gen-filter-grad-simd.mjs', 'FILTER_GRAD_SIMD_WASM', 'conv2d filter-gradient tiles', Array(12).fill(I32), functions);
