/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3").
 * Counter-based: the output for (key, counter) depends on nothing else, so the
 * same seed gives the same numbers on every backend, in any order of requests.
 */
import { philoxUnits4 } from './philox_kernel.js';
import { PHILOX_SIMD_DOUBLES, PHILOX_SIMD_DROPOUT, PHILOX_SIMD_FLOAT32, PHILOX_SIMD_MAX, PHILOX_SIMD_SECOND, PHILOX_SIMD_WASM } from './philox_simd.js';

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
const TWO_32 = 4294967296;
const INV_TWO_32 = 1 / TWO_32;

/*
 * The high word of a uint32 product: Math.imul gives the low word `lo`
 * exactly; the double product a·b is off by at most 2^11 (it is below 2^64),
 * so (a·b − lo) / 2^32 lies within 2^-20 of the integer high word and adding
 * 0.5 before truncating picks it. No 16-bit halves, no Math.floor, no
 * allocation: this is what lets the rounds run inline in one tight loop
 * (philox_kernel.ts).
 */

/** Encrypt the 128-bit counter (c0..c3) under the 64-bit key (k0, k1); writes 4 uint32 into `out`. */
export function philox4x32(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array): void {
  let x0 = c0 >>> 0;
  let x1 = c1 >>> 0;
  let x2 = c2 >>> 0;
  let x3 = c3 >>> 0;
  let key0 = k0 >>> 0;
  let key1 = k1 >>> 0;
  for (let round = 0; round < 10; round++) {
    const lo0 = Math.imul(M0, x0) >>> 0;
    const hi0 = ((M0 * x0 - lo0) * INV_TWO_32 + 0.5) >>> 0;
    const lo1 = Math.imul(M1, x2) >>> 0;
    const hi1 = ((M1 * x2 - lo1) * INV_TWO_32 + 0.5) >>> 0;
    x0 = (hi1 ^ x1 ^ key0) >>> 0;
    x1 = lo1;
    x2 = (hi0 ^ x3 ^ key1) >>> 0;
    x3 = lo0;
    key0 = (key0 + W0) >>> 0;
    key1 = (key1 + W1) >>> 0;
  }
  out[0] = x0;
  out[1] = x1;
  out[2] = x2;
  out[3] = x3;
}

/** A double in [0, 1) with 53 random bits from two uint32. */
export function toUnitDouble(hi: number, lo: number): number {
  return ((hi >>> 5) * 67108864 + (lo >>> 6)) / 9007199254740992;
}

interface SimdKernel {
  run(
    k0: number,
    k1: number,
    c1: number,
    c2: number,
    c0: number,
    c3: number,
    count: number,
    both: number,
    mode: number,
    threshold: number,
    scale: number,
  ): void;
  /** The module's memory: first doubles at 0, second ones at PHILOX_SIMD_SECOND. */
  f64: Float64Array;
  /** The same memory: float32 values at 0 (modes PHILOX_SIMD_FLOAT32 and PHILOX_SIMD_DROPOUT). */
  f32: Float32Array;
}

/** undefined: not tried yet; null: unavailable (or switched off). */
let simd: SimdKernel | null | undefined;
let simdAllowed = true;

function simdKernel(): SimdKernel | null {
  if (simd === undefined) {
    simd = null;
    try {
      const bytes = Uint8Array.from(atob(PHILOX_SIMD_WASM), (c) => c.charCodeAt(0));
      const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes));
      const buffer = (exports['mem'] as WebAssembly.Memory).buffer;
      simd = { run: exports['run'] as SimdKernel['run'], f64: new Float64Array(buffer), f32: new Float32Array(buffer) };
    } catch {
      // No WebAssembly or no SIMD, a page whose CSP forbids compiling it: the JS kernel gives the same numbers.
    }
  }
  return simdAllowed ? simd : null;
}

/**
 * @internal Use the WebAssembly SIMD kernel where it loads (the default), or
 * only the JS one (tests run both). Returns whether the SIMD kernel is in use.
 */
export function usePhiloxSimd(allowed: boolean): boolean {
  simdAllowed = allowed;
  return simdKernel() !== null;
}

const tail = new Float64Array(4);
const tail2 = new Float64Array(4);

/**
 * The doubles of a run of elements: `first[j]` gets toUnitDouble(word 0,
 * word 1) and, when given, `second[j]` gets toUnitDouble(word 2, word 3) of
 * the block for counter (e, attempt, stream, ⌊e / 2^32⌋) under key (k0, k1),
 * where e = start + j, for j < count. Exactly what philox4x32 and
 * toUnitDouble give element by element (the tests replay both): eight
 * counters per iteration in WebAssembly SIMD where it loads, else four per
 * iteration in JS, without a call or an allocation per element.
 */
export function philoxUnitRun(
  k0: number,
  k1: number,
  stream: number,
  attempt: number,
  start: number,
  count: number,
  first: Float64Array,
  second?: Float64Array,
): void {
  const wasm = simdKernel();
  let done = 0;
  while (done < count) {
    const e = start + done;
    const c0 = e >>> 0;
    const c3 = Math.floor(e / TWO_32) >>> 0;
    // The kernels never carry into c3: stop each piece at the next multiple of 2^32.
    let piece = Math.min(count - done, TWO_32 - c0);
    let fast = 0;
    if (wasm !== null) {
      piece = Math.min(piece, PHILOX_SIMD_MAX);
      fast = piece - (piece % 8);
      if (fast > 0) {
        wasm.run(k0, k1, attempt, stream, c0, c3, fast, second ? 1 : 0, PHILOX_SIMD_DOUBLES, 0, 0);
        first.set(wasm.f64.subarray(0, fast), done);
        if (second) second.set(wasm.f64.subarray(PHILOX_SIMD_SECOND, PHILOX_SIMD_SECOND + fast), done);
      }
    }
    const whole = piece - ((piece - fast) % 4);
    philoxUnits4(k0, k1, attempt, stream, c0 + fast, c3, whole - fast, first, second, done + fast);
    if (whole < piece) {
      // The last 1–3 counters: a full group of four into scratch, the rest discarded.
      philoxUnits4(k0, k1, attempt, stream, c0 + whole, c3, 4, tail, second && tail2, 0);
      for (let j = whole; j < piece; j++) {
        first[done + j] = tail[j - whole]!;
        if (second) second[done + j] = tail2[j - whole]!;
      }
    }
    done += piece;
  }
}

const f32Bits = new Float32Array(1);
const u32Bits = new Uint32Array(f32Bits.buffer);
/** The bit pattern of float32 value v (the SIMD module takes float32 operands as i32). */
function bitsOf(v: number): number {
  f32Bits[0] = v;
  return u32Bits[0]!;
}
const scratch = new Float64Array(PHILOX_SIMD_MAX);

/**
 * Kernel philoxUniform's values for elements start … start + count − 1 of
 * stream `stream` under key (k0, k1), attempt 0, into out[at …]: the first
 * double of each block rounded to float32 (1 → 0), or with `dropout` its
 * scaled mask (scale where ≥ threshold, else 0). The SIMD module rounds and
 * compares in the same pass (f32x4.demote_f64x2_zero rounds to nearest even,
 * as Math.fround does); elsewhere the doubles of philoxUnitRun are rounded here.
 */
export function philoxFloat32Run(
  k0: number,
  k1: number,
  stream: number,
  start: number,
  count: number,
  out: Float32Array,
  at: number,
  dropout: { readonly threshold: number; readonly scale: number } | null,
): void {
  const wasm = simdKernel();
  const threshold = dropout === null ? 0 : dropout.threshold;
  const scale = dropout === null ? 0 : dropout.scale;
  let done = 0;
  while (done < count) {
    const e = start + done;
    const c0 = e >>> 0;
    const c3 = Math.floor(e / TWO_32) >>> 0;
    // Never carry into c3 within one call: stop each piece at the next multiple of 2^32.
    const piece = Math.min(count - done, TWO_32 - c0, PHILOX_SIMD_MAX);
    let fast = 0;
    if (wasm !== null) {
      fast = piece - (piece % 8);
      if (fast > 0) {
        const mode = dropout === null ? PHILOX_SIMD_FLOAT32 : PHILOX_SIMD_DROPOUT;
        wasm.run(k0, k1, 0, stream, c0, c3, fast, 0, mode, bitsOf(threshold), bitsOf(scale));
        out.set(wasm.f32.subarray(0, fast), at + done);
      }
    }
    if (fast < piece) {
      philoxUnitRun(k0, k1, stream, 0, e + fast, piece - fast, scratch);
      for (let j = 0; j < piece - fast; j++) {
        const f = Math.fround(scratch[j]!);
        const v = f >= 1 ? 0 : f;
        out[at + done + fast + j] = dropout === null ? v : v >= threshold ? scale : 0;
      }
    }
    done += piece;
  }
}
