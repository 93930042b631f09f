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
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const uleb = (v) => {
  const out = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
};
const sleb = (v) => {
  const out = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
};
const section = (id, body) => [id, ...uleb(body.length), ...body];
const str = (s) => [...uleb(s.length), ...Buffer.from(s, 'utf8')];

const I32 = 0x7f;
const V128 = 0x7b;
const get = (i) => [0x20, ...uleb(i)];
const set = (i) => [0x21, ...uleb(i)];
const tee = (i) => [0x22, ...uleb(i)];
const i32const = (v) => [0x41, ...sleb(v | 0)];
const i32add = [0x6a];
const i32sub = [0x6b];
const loop = [0x03, 0x40];
const end = [0x0b];
const brIf = (depth) => [0x0d, ...uleb(depth)];
const simd = (op, ...imm) => [0xfd, ...uleb(op), ...imm];
const load = (offset) => simd(0x00, 4, ...uleb(offset));
const load32Splat = (offset) => simd(0x09, 2, ...uleb(offset));
const store = (offset) => simd(0x0b, 4, ...uleb(offset));
const f32x4add = simd(0xe4);
const f32x4mul = simd(0xe6);

/** `local -= 1`, then branch to the enclosing loop while it is not zero. */
const countDown = (local) => [...get(local), ...i32const(1), ...i32sub, ...tee(local), ...brIf(0)];
const addTo = (local, what) => [...get(local), ...what, ...i32add, ...set(local)];

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
  emit(end);
  return [...uleb(2), ...uleb(i32Locals), I32, ...uleb(v128Locals), V128, ...code];
}

// 4 input × 8 output channels: 8 accumulators, 2 dy vectors, 1 splat (fits x86's 16 vector registers);
// the narrower ones cover channel counts that are not multiples of 4 and 8.
const VARIANTS = [
  [4, 2],
  [1, 2],
  [4, 1],
  [1, 1],
];
const names = VARIANTS.map(([c, ov]) => `c${c}o${4 * ov}`);
const bodies = VARIANTS.map(([c, ov]) => kernel(c, ov));
/** The module, importing an unshared memory (min 1 page) or a shared one (max 4 GiB, which any shared memory fits). */
function assemble(shared) {
  const limits = shared ? [0x03, 0x01, ...uleb(65536)] : [0x00, 0x01];
  const bytes = Buffer.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 12, ...Array(12).fill(I32), 0]),
    ...section(2, [1, ...str('e'), ...str('m'), 0x02, ...limits]),
    ...section(3, [VARIANTS.length, ...VARIANTS.map(() => 0)]),
    ...section(7, [VARIANTS.length, ...names.flatMap((nm, i) => [...str(nm), 0x00, i])]),
    ...section(10, [VARIANTS.length, ...bodies.flatMap((b) => [...uleb(b.length), ...b])]),
  ]);
  new WebAssembly.Module(bytes); // fails here, not at first use, if the assembly is malformed
  return bytes;
}
const bytes = assemble(false);
const sharedBytes = assemble(true);

const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'kernels', 'filter_grad_simd_module.ts');
writeFileSync(
  target,
  [
    '// Generated by scripts/gen-filter-grad-simd.mjs: do not edit; change the script and run it again.',
    '',
    '/**',
    ` * conv2d filter-gradient tiles as a WebAssembly SIMD module (${bytes.length} bytes, base64) that imports`,
    ` * tfjs-backend-wasm's memory as \`e.m\`; exports ${names.map((x) => `\`${x}\``).join(', ')} (see the script).`,
    ' * @internal',
    ' */',
    `export const FILTER_GRAD_SIMD_WASM = '${bytes.toString('base64')}';`,
    '',
    '/** The same module importing a shared memory (the threaded build). @internal */',
    `export const FILTER_GRAD_SIMD_WASM_SHARED = '${sharedBytes.toString('base64')}';`,
    '',
  ].join('\n'),
);
execFileSync('npx', ['biome', 'format', '--write', target], { stdio: 'inherit' });
console.log(`wrote ${target}: ${bytes.length} bytes`);
