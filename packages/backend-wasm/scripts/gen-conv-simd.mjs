// Writes src/kernels/conv_simd_module.ts: a small WebAssembly SIMD module
// (assembled here byte by byte, on scripts/wasm-asm.mjs) whose functions
// compute a stride-1 'valid' NHWC correlation straight in tfjs-backend-wasm's
// heap (the module imports that memory):
//
//   out[y, x, c] = Σ_{i < fh, j < fw, k < K} in[y + i·dh, x + j·dw, k] · f[i, j, k, c]
//
// conv2d's input gradient at stride 1 is this on dy padded, with the filter
// flipped and its channels swapped (src/kernels/conv2d_backprop_input.ts).
//
// Each export `p{P}c{C}(in, f, out, rows, groups, cBlocks, fh, fw, K, inRow, outRow, tapRow, tapCol, fK, pixIn, pixOut)`
// (addresses and strides in bytes: inRow/outRow between rows, tapRow/tapCol
// between taps, fK between k rows of f, pixIn/pixOut between adjacent pixels)
// computes `rows` rows of `groups` groups of P adjacent output pixels, each for
// `cBlocks` blocks of C output channels (C·4 bytes apart in f and out): the
// P×C accumulators in v128 locals, f's values loaded four channels at a time
// and the input's splatted; f32x4.mul then f32x4.add in a fixed order (taps
// row-major, then k), so results are the same on every run. Every count ≥ 1.
//
// Epilogues `bias`, `relu`, `bias_relu` (same parameters; only out, f, rows and
// cBlocks used) act in place on `rows` pixels at out of `cBlocks` vectors of 4
// channels each: y = y + f[c] (the bias at f), then relu as y < 0 ? 0 : y
// (f32x4.pmax: NaN and −0 pass through, as tfjs's Relu), one vector at a time.
// A narrow first layer runs them on each image's output right after its tiles
// (src/kernels/narrow_conv2d.ts).
//
// `avg_pool` (same parameters, read as: in = the first window's first cell,
// f = the window's cell count as float32 bits (the heap workers pass i32s), out, rows = output
// rows, groups = output pixels a row, cBlocks = vectors of 4 channels a pixel,
// fh × fw cells a window, inRow = bytes between output rows' first windows,
// tapRow / tapCol = bytes between a window's rows / columns, pixIn = bytes
// between adjacent windows, pixOut = between output pixels, outRow = between
// output rows): out = (((0 + x₀₀) + x₀₁) + …) / count over the window's cells
// row by row, one vector at a time (f32x4.add, then f32x4.div: the IEEE sum,
// so NaN and +∞ with −∞ give NaN). Windows wholly inside the input only.
// `avg_pool_2x2`: the same for 2×2 windows, unrolled, × ¼ (equal to ÷ 4).
//
// Run `node packages/backend-wasm/scripts/gen-conv-simd.mjs` after changing this file.
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
  simd,
  v128load,
  v128store,
  writeModuleFile,
} from './wasm-asm.mjs';

const PARAMS = ['in', 'f', 'out', 'rows', 'groups', 'cBlocks', 'fh', 'fw', 'k', 'inRow', 'outRow', 'tapRow', 'tapCol', 'fK', 'pixIn', 'pixOut'];

function kernel(P, CV) {
  const A = Object.fromEntries(PARAMS.map((nm, i) => [nm, i]));
  let n = PARAMS.length;
  const L = {};
  for (const nm of ['r', 'cb', 'g', 'i', 'j', 'kk', 'rowIn', 'rowOut', 'fcb', 'cbOut', 'gin', 'gout', 'ti', 'tj', 'fp', 'q']) L[nm] = n++;
  const p = Array.from({ length: P }, () => n++);
  const i32Locals = n - PARAMS.length;
  const v0 = n;
  const acc = Array.from({ length: P }, () => Array.from({ length: CV }, () => n++));
  const w = Array.from({ length: CV }, () => n++);
  const s = n++;
  const v128Locals = n - v0;
  const code = [];
  const emit = (...parts) => {
    for (const part of parts) code.push(...part);
  };
  const zero = simd(0x0c, ...Array(16).fill(0));

  emit(get(A.in), set(L.rowIn), get(A.out), set(L.rowOut), get(A.rows), set(L.r));
  emit(loop); // rows
  emit(get(A.f), set(L.fcb), get(L.rowOut), set(L.cbOut), get(A.cBlocks), set(L.cb));
  emit(loop); // channel blocks
  emit(get(L.rowIn), set(L.gin), get(L.cbOut), set(L.gout), get(A.groups), set(L.g));
  emit(loop); // pixel groups
  for (const row of acc) for (const a of row) emit(zero, set(a));
  emit(get(L.fcb), set(L.fp), get(L.gin), set(L.ti), get(A.fh), set(L.i));
  emit(loop); // filter rows
  emit(get(L.ti), set(L.tj), get(A.fw), set(L.j));
  emit(loop); // filter columns
  emit(get(L.tj), set(p[0]));
  for (let q = 1; q < P; q++) emit(get(p[q - 1]), get(A.pixIn), [0x6a], set(p[q]));
  emit(get(A.k), set(L.kk));
  emit(loop); // input channels
  for (let v = 0; v < CV; v++) emit(get(L.fp), v128load(16 * v), set(w[v]));
  for (let q = 0; q < P; q++) {
    emit(get(p[q]), load32Splat(0), set(s));
    for (let v = 0; v < CV; v++) emit(get(acc[q][v]), get(s), get(w[v]), f32x4mul, f32x4add, set(acc[q][v]));
  }
  for (let q = 0; q < P; q++) emit(addTo(p[q], i32const(4)));
  emit(addTo(L.fp, get(A.fK)));
  emit(countDown(L.kk), end);
  emit(addTo(L.tj, get(A.tapCol)));
  emit(countDown(L.j), end);
  emit(addTo(L.ti, get(A.tapRow)));
  emit(countDown(L.i), end);
  emit(get(L.gout), set(L.q));
  for (let q = 0; q < P; q++) {
    for (let v = 0; v < CV; v++) emit(get(L.q), get(acc[q][v]), v128store(16 * v));
    if (q < P - 1) emit(addTo(L.q, get(A.pixOut)));
  }
  for (let q = 0; q < P; q++) emit(addTo(L.gin, get(A.pixIn)), addTo(L.gout, get(A.pixOut)));
  emit(countDown(L.g), end);
  emit(addTo(L.fcb, i32const(16 * CV)), addTo(L.cbOut, i32const(16 * CV)));
  emit(countDown(L.cb), end);
  emit(addTo(L.rowIn, get(A.inRow)), addTo(L.rowOut, get(A.outRow)));
  emit(countDown(L.r), end);
  return body(i32Locals, v128Locals, code);
}

// 4 pixels × 8 channels: 8 accumulators, 2 filter vectors, 1 splat (fits x86's 16 vector registers);
// the narrower ones cover row ends and channel counts that are not multiples of 8.
const functions = Object.fromEntries(
  [
    [4, 2],
    [1, 2],
    [4, 1],
    [1, 1],
  ].map(([P, CV]) => [`p${P}c${4 * CV}`, kernel(P, CV)]),
);
function epilogue(withBias, withRelu) {
  const A = Object.fromEntries(PARAMS.map((nm, i) => [nm, i]));
  const L = { q: PARAMS.length, fp: PARAMS.length + 1, r: PARAMS.length + 2, cb: PARAMS.length + 3 };
  const y = PARAMS.length + 4;
  const zero = PARAMS.length + 5;
  const code = [];
  const emit = (...parts) => {
    for (const part of parts) code.push(...part);
  };
  emit(simd(0x0c, ...Array(16).fill(0)), set(zero));
  emit(get(A.out), set(L.q), get(A.rows), set(L.r));
  emit(loop); // pixels
  emit(get(A.f), set(L.fp), get(A.cBlocks), set(L.cb));
  emit(loop); // vectors of 4 channels
  emit(get(L.q), v128load(0), set(y));
  if (withBias) emit(get(y), get(L.fp), v128load(0), f32x4add, set(y));
  if (withRelu) emit(get(y), get(zero), simd(0xeb), set(y)); // f32x4.pmax(y, 0) = y < 0 ? 0 : y
  emit(get(L.q), get(y), v128store(0));
  emit(addTo(L.q, i32const(16)), addTo(L.fp, i32const(16)));
  emit(countDown(L.cb), end);
  emit(countDown(L.r), end);
  return body(4, 2, code);
}
function avgPool(window2x2) {
  const A = Object.fromEntries(PARAMS.map((nm, i) => [nm, i]));
  let n = PARAMS.length;
  const L = {};
  for (const nm of ['r', 'g', 'cb', 'i', 'j', 'rowIn', 'rowOut', 'gin', 'gout', 'vin', 'vout', 'ti', 'tj']) L[nm] = n++;
  const i32Locals = n - PARAMS.length;
  const acc = n++;
  const count = n++;
  const code = [];
  const emit = (...parts) => {
    for (const part of parts) code.push(...part);
  };
  emit(get(A.f), simd(0x11), set(count)); // i32x4.splat of the count's float32 bits
  emit(get(A.in), set(L.rowIn), get(A.out), set(L.rowOut), get(A.rows), set(L.r));
  emit(loop); // output rows
  emit(get(L.rowIn), set(L.gin), get(L.rowOut), set(L.gout), get(A.groups), set(L.g));
  emit(loop); // output pixels
  emit(get(L.gin), set(L.vin), get(L.gout), set(L.vout), get(A.cBlocks), set(L.cb));
  emit(loop); // vectors
  emit(simd(0x0c, ...Array(16).fill(0)), set(acc));
  if (window2x2) {
    // unrolled: (((0 + x₀₀) + x₀₁) + x₁₀) + x₁₁, then × ¼ (exactly ÷ 4: a power of two)
    emit(get(L.vin), set(L.ti), get(L.vin), get(A.tapRow), [0x6a], set(L.tj));
    emit(get(acc), get(L.ti), v128load(0), f32x4add, get(L.ti), get(A.tapCol), [0x6a], v128load(0), f32x4add);
    emit(get(L.tj), v128load(0), f32x4add, get(L.tj), get(A.tapCol), [0x6a], v128load(0), f32x4add, set(acc));
    emit(get(L.vout), get(acc), simd(0x0c, ...Buffer.from(Float32Array.of(0.25, 0.25, 0.25, 0.25).buffer)), f32x4mul, v128store(0));
  } else {
    emit(get(L.vin), set(L.ti), get(A.fh), set(L.i));
    emit(loop); // window rows
    emit(get(L.ti), set(L.tj), get(A.fw), set(L.j));
    emit(loop); // window columns
    emit(get(acc), get(L.tj), v128load(0), f32x4add, set(acc));
    emit(addTo(L.tj, get(A.tapCol)), countDown(L.j), end);
    emit(addTo(L.ti, get(A.tapRow)), countDown(L.i), end);
    emit(get(L.vout), get(acc), get(count), simd(0xe7), v128store(0)); // f32x4.div
  }
  emit(addTo(L.vin, i32const(16)), addTo(L.vout, i32const(16)), countDown(L.cb), end);
  emit(addTo(L.gin, get(A.pixIn)), addTo(L.gout, get(A.pixOut)), countDown(L.g), end);
  emit(addTo(L.rowIn, get(A.inRow)), addTo(L.rowOut, get(A.outRow)), countDown(L.r), end);
  return body(i32Locals, 2, code);
}
functions.avg_pool = avgPool(false);
functions.avg_pool_2x2 = avgPool(true);
functions.bias = epilogue(true, false);
functions.relu = epilogue(false, true);
functions.bias_relu = epilogue(true, true);

const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'kernels', 'conv_simd_module.ts');
writeModuleFile(target, 'gen-conv-simd.mjs', 'CONV_SIMD_WASM', "Stride-1 'valid' NHWC correlation", Array(PARAMS.length).fill(I32), functions);
