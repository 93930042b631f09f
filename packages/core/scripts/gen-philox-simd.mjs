// Writes src/random/philox_simd.ts: a WebAssembly SIMD module (assembled
// here, byte by byte; about 1.5 KB) that computes Philox4x32-10 for four
// counters per i32x4 vector and eight per iteration (two vectors in flight, so
// the multiply chains overlap). The high and low words of each 32x32 product
// come from i64x2.extmul_{low,high}_i32x4_u and two shuffles; the unit doubles
// from f64x2.convert_low_i32x4_u as (hi >>> 5)·2^26 + (lo >>> 6), times 2^-53:
// exact, so the values equal philox.ts' bit for bit (the tests replay both).
//
// Export `run(k0, k1, c1, c2, c0, c3, count, both, mode, threshold, scale)`:
// counters (c0 + j, c1, c2, c3) for j < count (a multiple of 8, at most 4096,
// c0 + count ≤ 2^32). Mode 0: the first doubles go to memory bytes [0, 32768),
// the second ones (when `both`) to [32768, 65536). Modes 1 and 2 write float32
// instead, to bytes [0, 16384): the first double rounded to float32
// (f32x4.demote_f64x2_zero rounds to nearest even, as Math.fround), 1 → 0;
// mode 2 then gives `scale` where that value ≥ `threshold`, else 0 (kernel
// philoxUniform's dropout mask; threshold and scale are float32 bit patterns).
// Export `mem`: one 64 KiB page.
//
// Run `node packages/core/scripts/gen-philox-simd.mjs` after changing this file.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
const SECOND = 32768;

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
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
};
const bytesOf = (typed) => [...new Uint8Array(typed.buffer)];
const section = (id, body) => [id, ...uleb(body.length), ...body];
const name = (s) => [...uleb(s.length), ...Buffer.from(s, 'utf8')];

// ---- instructions ----------------------------------------------------------------------
const I32 = 0x7f;
const V128 = 0x7b;
const get = (i) => [0x20, ...uleb(i)];
const set = (i) => [0x21, ...uleb(i)];
const i32const = (v) => [0x41, ...sleb(v | 0)];
const i32add = [0x6a];
const i32geu = [0x4f];
const i32shl = [0x74];
const simd = (op, ...imm) => [0xfd, ...uleb(op), ...imm];
const v128const = (bytes) => simd(0x0c, ...bytes);
const shuffle = (lanes) => simd(0x0d, ...lanes);
const i32x4splat = simd(0x11);
const xor = simd(0x51);
const i32x4add = simd(0xae);
const i32x4shrU = simd(0xad);
const extmulLowU = simd(0xde);
const extmulHighU = simd(0xdf);
const f64x2ConvertLowU = simd(0xff);
const f64x2Add = simd(0xf0);
const f64x2Mul = simd(0xf2);
const f32x4DemoteZero = simd(0x5e);
const f32x4Ge = simd(0x46);
const v128And = simd(0x4e);
const v128AndNot = simd(0x4f);
const store = (offset) => simd(0x0b, 4, ...uleb(offset));

/** Byte lanes for i8x16.shuffle taking 32-bit words `words` (0–3 of a, 4–7 of b). */
const words = (...ws) => ws.flatMap((w) => [4 * w, 4 * w + 1, 4 * w + 2, 4 * w + 3]);
const ODD = words(1, 3, 5, 7); // the high words of two i64x2 products
const EVEN = words(0, 2, 4, 6); // the low words
const UPPER = words(2, 3, 2, 3); // lanes 2 and 3 down to 0 and 1

// ---- locals ---------------------------------------------------------------------------------
// params 0–10: k0, k1, c1, c2, c0, c3, count, both, mode, threshold, scale
const P = { k0: 0, k1: 1, c1: 2, c2: 3, c0: 4, c3: 5, count: 6, both: 7, mode: 8, threshold: 9, scale: 10 };
const PARAMS = 11;
let next = PARAMS;
const J = next++;
const R = next++;
const i32Locals = next - PARAMS;
const v128Base = next;
const vec = () => next++;
// two groups of four blocks: state words x0..x3 each
const G = [0, 1].map(() => ({ x: [vec(), vec(), vec(), vec()], t0: vec(), t1: vec(), hi0: vec(), lo0: vec(), hi1: vec(), lo1: vec() }));
const M0V = vec();
const M1V = vec();
const W0V = vec();
const W1V = vec();
const KA = vec();
const KB = vec();
const TWO26 = vec();
const INV53 = vec();
const ONE = vec();
const THRESHOLD = vec();
const SCALE = vec();
const A = vec();
const B = vec();
const v128Locals = next - v128Base;

const code = [];
const emit = (...parts) => {
  for (const p of parts) code.push(...p);
};

// constants and round keys
emit(v128const(bytesOf(new Uint32Array([M0, M0, M0, M0]))), set(M0V));
emit(v128const(bytesOf(new Uint32Array([M1, M1, M1, M1]))), set(M1V));
emit(v128const(bytesOf(new Float64Array([2 ** 26, 2 ** 26]))), set(TWO26));
emit(v128const(bytesOf(new Float64Array([2 ** -53, 2 ** -53]))), set(INV53));
emit(v128const(bytesOf(new Uint32Array([W0, W0, W0, W0]))), set(W0V));
emit(v128const(bytesOf(new Uint32Array([W1, W1, W1, W1]))), set(W1V));
emit(v128const(bytesOf(new Float32Array([1, 1, 1, 1]))), set(ONE));
emit(get(P.threshold), i32x4splat, set(THRESHOLD), get(P.scale), i32x4splat, set(SCALE));

// for (j = 0; j < count; j += 8)
emit(i32const(0), set(J));
emit([0x02, 0x40], [0x03, 0x40]);
emit(get(J), get(P.count), i32geu, [0x0d, 1]);
G.forEach((g, k) => {
  emit(get(P.c0), get(J), i32add, i32const(4 * k), i32add, i32x4splat, v128const(bytesOf(new Uint32Array([0, 1, 2, 3]))), i32x4add, set(g.x[0]));
  emit(get(P.c1), i32x4splat, set(g.x[1]));
  emit(get(P.c2), i32x4splat, set(g.x[2]));
  emit(get(P.c3), i32x4splat, set(g.x[3]));
});
// The ten rounds as a loop of five, two rounds each: the module stays under 4 KB (older
// Chrome's limit for synchronous compilation on the main thread). Node 20, 8M values:
// 5.6 ns per value unrolled 1, 2, 5 or 10 times; 5.8 rolled (UNROLL=1).
const UNROLL = Number(process.env.UNROLL ?? 2);
emit(get(P.k0), i32x4splat, set(KA), get(P.k1), i32x4splat, set(KB), i32const(10 / UNROLL), set(R));
emit([0x03, 0x40]);
for (let u = 0; u < UNROLL; u++) {
  for (const g of G) {
    // (hi0, lo0) = x0 · M0 and (hi1, lo1) = x2 · M1, per lane
    for (const [x, m, hi, lo] of [
      [g.x[0], M0V, g.hi0, g.lo0],
      [g.x[2], M1V, g.hi1, g.lo1],
    ]) {
      emit(get(x), get(m), extmulLowU, set(g.t0));
      emit(get(x), get(m), extmulHighU, set(g.t1));
      emit(get(g.t0), get(g.t1), shuffle(ODD), set(hi));
      emit(get(g.t0), get(g.t1), shuffle(EVEN), set(lo));
    }
  }
  for (const g of G) {
    emit(get(g.hi1), get(g.x[1]), xor, get(KA), xor, set(g.x[0]));
    emit(get(g.lo1), set(g.x[1]));
    emit(get(g.hi0), get(g.x[3]), xor, get(KB), xor, set(g.x[2]));
    emit(get(g.lo0), set(g.x[3]));
  }
  emit(get(KA), get(W0V), i32x4add, set(KA), get(KB), get(W1V), i32x4add, set(KB));
}
// while (--r !== 0)
emit(get(R), i32const(-1), i32add, [0x22, ...uleb(R)], [0x0d, 0], [0x0b]);
/** Store the unit doubles of words (hi, lo) of one group: four doubles at byte `base` + 32·k. */
const storeUnits = (hi, lo, k, base) => {
  for (const half of [0, 1]) {
    // lanes 0 and 1 as they are; lanes 2 and 3 shuffled down first
    const grab = (v, s) => [...get(v), ...(half ? [...get(v), ...shuffle(UPPER)] : []), ...i32const(s), ...i32x4shrU];
    emit(get(J), i32const(3), i32shl);
    emit(grab(hi, 5), f64x2ConvertLowU, get(TWO26), f64x2Mul);
    emit(grab(lo, 6), f64x2ConvertLowU, f64x2Add, get(INV53), f64x2Mul);
    emit(store(base + 32 * k + 16 * half));
  }
};
/** The unit doubles of words (hi, lo) lanes 0–1 (half 0) or 2–3 (half 1), as f64x2 on the stack. */
const units = (hi, lo, half) => {
  const grab = (v, s) => [...get(v), ...(half ? [...get(v), ...shuffle(UPPER)] : []), ...i32const(s), ...i32x4shrU];
  emit(grab(hi, 5), f64x2ConvertLowU, get(TWO26), f64x2Mul);
  emit(grab(lo, 6), f64x2ConvertLowU, f64x2Add, get(INV53), f64x2Mul);
};
const LOW_PAIRS = words(0, 1, 4, 5); // lanes 0 and 1 of each demoted half
// if (mode === 0) the doubles, else the float32 values
emit(get(P.mode), [0x45], [0x04, 0x40]);
G.forEach((g, k) => storeUnits(g.x[0], g.x[1], k, 0));
emit(get(P.both), [0x04, 0x40]);
G.forEach((g, k) => storeUnits(g.x[2], g.x[3], k, SECOND));
emit([0x0b]);
emit([0x05]);
G.forEach((g, k) => {
  units(g.x[0], g.x[1], 0);
  emit(f32x4DemoteZero, set(A));
  units(g.x[0], g.x[1], 1);
  emit(f32x4DemoteZero, set(B));
  // f = the four float32 values; a value that rounded up to 1 becomes 0
  emit(get(A), get(B), shuffle(LOW_PAIRS), set(A));
  emit(get(A), get(A), get(ONE), f32x4Ge, v128AndNot, set(A));
  emit(get(J), i32const(2), i32shl);
  // mode 2: scale where f ≥ threshold, else 0
  emit(get(P.mode), i32const(2), [0x46], [0x04, V128]);
  emit(get(A), get(THRESHOLD), f32x4Ge, get(SCALE), v128And);
  emit([0x05], get(A), [0x0b]);
  emit(store(16 * k));
});
emit([0x0b]);
emit(get(J), i32const(8), i32add, set(J), [0x0c, 0]);
emit([0x0b, 0x0b]); // end loop, end block
emit([0x0b]); // end function

const body = [...uleb(2), ...uleb(i32Locals), I32, ...uleb(v128Locals), V128, ...code];
const module = [
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...section(1, [1, 0x60, PARAMS, ...Array(PARAMS).fill(I32), 0]),
  ...section(3, [1, 0]),
  ...section(5, [1, 0, 1]),
  ...section(7, [2, ...name('run'), 0, 0, ...name('mem'), 2, 0]),
  ...section(10, [1, ...uleb(body.length), ...body]),
];
const bytes = Buffer.from(module);
new WebAssembly.Module(bytes); // fails here, not at first use, if the assembly is malformed

const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'random', 'philox_simd.ts');
writeFileSync(
  target,
  [
    '// Generated by scripts/gen-philox-simd.mjs: do not edit; change the script and run it again.',
    '',
    '/**',
    ` * Philox4x32-10 as a WebAssembly SIMD module (${bytes.length} bytes, base64), eight counters per`,
    ' * iteration; see the script for its exports and memory layout.',
    ' * @internal',
    ' */',
    `export const PHILOX_SIMD_WASM = '${bytes.toString('base64')}';`,
    '',
    "/** Where the second doubles start in the module's memory, in doubles. */",
    `export const PHILOX_SIMD_SECOND = ${SECOND / 8};`,
    '',
    '/** The most counters one call takes (the first doubles fill the half-page below the second). */',
    `export const PHILOX_SIMD_MAX = ${SECOND / 8};`,
    '',
    "/** The module's modes: doubles, float32 uniforms (1 → 0), dropout's scaled mask of them. */",
    'export const PHILOX_SIMD_DOUBLES = 0;',
    'export const PHILOX_SIMD_FLOAT32 = 1;',
    'export const PHILOX_SIMD_DROPOUT = 2;',
    '',
  ].join('\n'),
);
execFileSync('npx', ['biome', 'format', '--write', target], { stdio: 'inherit' });
console.log(`wrote ${target}: ${bytes.length} bytes`);
