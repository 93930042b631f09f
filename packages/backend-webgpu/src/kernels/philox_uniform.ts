import { KERNELS, sizeOfShape, type DataId, type DropoutMaskSpec, type DType, type KernelContext, type KernelImpl, type TypedArray } from '@polytensor/core';
import { WebGPUBackendError } from '../errors.js';
import type { WebGPUStore } from '../store.js';

/*
 * Kernel philoxUniform on the GPU: element i is words 0 and 1 of the
 * Philox4x32-10 block of counter (i, 0, stream, 0) under key (k0, k1), turned
 * into the float32 nearest the 53-bit fraction (core's random/philox.ts and
 * kernels.ts define it bit for bit). The fourth counter word, ⌊i / 2^32⌋, is 0
 * because the index is an i32 below uniforms.size < 2^31 (asserted below).
 * The key and the dropout spec are uniforms, so one pipeline serves every
 * seed.
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/**
 * (high word, low word) of the 64-bit product a·m for a constant m: WGSL has
 * neither mulhi nor u64, so the high word is summed from 16-bit halves (each
 * partial product fits in 32 bits; `mid` carries the middle column, < 3·2^16).
 */
function mulHiLo(a: string, m: number, out: string): string {
  const mh = `${m >>> 16}u`;
  const ml = `${m & 0xffff}u`;
  return [
    `let ${out}a = ${a} >> 16u; let ${out}b = ${a} & 0xffffu;`,
    `let ${out}lh = ${out}b * ${mh}; let ${out}hl = ${out}a * ${ml};`,
    `let ${out}mid = ((${out}b * ${ml}) >> 16u) + (${out}lh & 0xffffu) + (${out}hl & 0xffffu);`,
    `let ${out}hi = ${out}a * ${mh} + (${out}lh >> 16u) + (${out}hl >> 16u) + (${out}mid >> 16u);`,
    `let ${out}lo = ${a} * ${m >>> 0}u;`,
  ].join(' ');
}

/** The ten rounds, unrolled (the key schedule folds into constants added to the uniform key). */
function philoxRounds(): string {
  const lines = ['  var x0 = c; var x1 = 0u; var x2 = uniforms.stream; var x3 = 0u;'];
  for (let r = 0; r < 10; r++) {
    const k0 = `(uniforms.k0 + ${Math.imul(r, W0) >>> 0}u)`;
    const k1 = `(uniforms.k1 + ${Math.imul(r, W1) >>> 0}u)`;
    const last = r === 9;
    // the last round's x2 and x3 are never used: skip its first product
    lines.push(`  { ${last ? '' : mulHiLo('x0', M0, 'p')} ${mulHiLo('x2', M1, 'q')}`);
    lines.push(last ? `    x0 = qhi ^ x1 ^ ${k0}; x1 = qlo; }` : `    x0 = qhi ^ x1 ^ ${k0}; x1 = qlo; x2 = phi ^ x3 ^ ${k1}; x3 = plo; }`);
  }
  return lines.join('\n');
}

/**
 * `ptPhiloxUnit(c)`: the bits of element c's float32 in [0, 1). The 53-bit
 * integer m = (w0 >> 5)·2^26 + (w1 >> 6), split as hi·2^32 + lo, is rounded to
 * a 24-bit significand in integers (WGSL's f32 conversions and ldexp need not
 * round correctly): p is m's leading bit; above bit 23 the discarded bits
 * (all in lo, at most 29 of them) round to nearest, ties to even; a carry out
 * to 2^24 moves into the exponent by itself when the significand is added to
 * the exponent field. m = 0 and a result of exactly 1 give 0.
 */
const UNIT = `fn ptPhiloxUnit(c: u32) -> u32 {
${philoxRounds()}
  let a = x0 >> 5u;
  let b = x1 >> 6u;
  let hi = a >> 6u;
  let lo = (a << 26u) | b;
  let p = select(31u - countLeadingZeros(lo), 63u - countLeadingZeros(hi), hi != 0u);
  let sh = max(p, 24u) - 23u;
  let t = (hi << (32u - sh)) | (lo >> sh);
  let rem = lo & ((1u << sh) - 1u);
  let half = 1u << (sh - 1u);
  let up = rem > half || (rem == half && (t & 1u) == 1u);
  let s = select(lo << ((23u - p) & 31u), t + select(0u, 1u, up), p >= 24u);
  let bits = ((p + 73u) << 23u) + s;
  return select(bits, 0u, (a | b) == 0u || bits == 0x3f800000u);
}`;

/** Elements per thread: four draws and one vec4 store where the size allows, else one. */
const PER_THREAD = 4;

/** The float32 bits `f ≥ threshold` compares against: nonnegative floats order as their bits (NaN keeps nothing, ≤ 0 keeps all). */
function thresholdBits(d: DropoutMaskSpec): number {
  const t = d.threshold;
  if (Number.isNaN(t)) return 0xffffffff;
  return t <= 0 ? 0 : bitsOf(t);
}

function bitsOf(v: number): number {
  return new Uint32Array(new Float32Array([v]).buffer)[0]!;
}

/**
 * The GPU draw where the store says so (option `random`), else core's
 * composite: drawn on the host and written (on a CPU adapter that is the
 * faster route; see the README's Speed section).
 */
export const philoxUniformKernel: KernelImpl<'philoxUniform', WebGPUStore> = (s, shape, key, dropout) => {
  if (!s.randomOnGpu) return KERNELS.philoxUniform.composite(hostContext(s), shape, key, dropout);
  const size = sizeOfShape(shape);
  if (size >= 2 ** 31) {
    throw new WebGPUBackendError(
      `webgpu backend: philoxUniform: shape [${shape.join(',')}] has ${size} elements; the GPU draw indexes them with i32 ` +
        '(so the counter word ⌊i / 2^32⌋ stays 0) and takes fewer than 2^31. Draw smaller tensors.',
    );
  }
  const value = (v: string): string => (dropout === null ? `bitcast<f32>(${v})` : `bitcast<f32>(select(0u, uniforms.scale, ${v} >= uniforms.threshold))`);
  const u32Uniforms: Record<string, number> = { k0: key.k0, k1: key.k1, stream: key.stream };
  if (dropout !== null) {
    u32Uniforms['threshold'] = thresholdBits(dropout);
    u32Uniforms['scale'] = bitsOf(dropout.scale);
  }
  if (size % PER_THREAD === 0) {
    const c = (k: number): string => `ptPhiloxUnit(u32(index) * 4u${k === 0 ? '' : ` + ${k}u`})`;
    const body = `  result[index] = vec4<f32>(${[0, 1, 2, 3].map((k) => value(c(k))).join(', ')});`;
    return s.run('philoxUniform', [], [], shape, 'float32', body, UNIT, undefined, { outputComponent: 4, u32Uniforms });
  }
  return s.run('philoxUniform', [], [], shape, 'float32', `  result[index] = ${value('ptPhiloxUnit(u32(index))')};`, UNIT, undefined, { u32Uniforms });
};

/**
 * What core's host composite needs of a backend: an array to draw into (a
 * disposed draw's, from the store's pool, else a new one) and `adopt`, of that
 * array once filled, which the composite never touches again (core's
 * kernels/composites/philox_uniform.ts), so the store keeps it instead of
 * copying it and takes it back when the tensor is disposed. random.test.ts
 * holds several host draws at once and checks each against the reference,
 * which would catch an array handed out twice.
 */
function hostContext(s: WebGPUStore): KernelContext {
  const adopt = (values: TypedArray, shape: readonly number[], dtype: DType): DataId =>
    values instanceof Float32Array && dtype === 'float32' ? s.adoptValues(values, shape) : s.write(values, shape, dtype);
  const hostFloat32 = (size: number): Float32Array => s.hostArrays.take(size);
  return { write: s.write.bind(s), adopt, hostFloat32, disposeData: s.disposeData.bind(s) } as KernelContext;
}
