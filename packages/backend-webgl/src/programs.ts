/**
 * Shader programs this package adds to tfjs-backend-webgl's set (the kernels
 * tfjs lacks, or has with semantics the polytensor contract pins differently).
 * They are ordinary tfjs `GPGPUProgram`s run by tfjs's `runWebGLProgram`, so
 * they share its texture manager, shader cache and sampler code.
 *
 * Conventions, chosen so one compiled program serves every shape:
 * - inputs and output are seen as flat 1-D arrays (`getA(int)`, output index
 *   from `getOutputCoords()`); unpacked textures have a flat row-major layout,
 *   so any logical shape reshapes to 1-D for free;
 * - `enableShapeUniforms`: tfjs passes texture shapes as uniforms instead of
 *   baking them into the source;
 * - everything else shape-dependent (shapes, strides, sizes) is a custom
 *   uniform, so the program cache key is the op plus a few small integers
 *   (rank, broadcast modes, loop bounds), never a shape.
 * - GLSL ES 1.00 compatible (WebGL1): loops with constant bounds, uniform
 *   arrays indexed by loop indices, no bit operations outside WebGL2 helpers.
 */
import type { GPGPUProgram } from './tfjs.js';

export type UniformType = 'float' | 'int' | 'vec2' | 'ivec2' | 'vec4' | 'ivec4';

export interface Uniform {
  readonly name: string;
  readonly type: UniformType;
  readonly arrayIndex?: number;
}

/** A custom program over flat inputs (`variableNames`) producing `size` values. */
export class FlatProgram implements GPGPUProgram {
  readonly variableNames: string[];
  readonly outputShape: number[];
  readonly userCode: string;
  readonly enableShapeUniforms = true;
  readonly packedInputs = false;
  readonly packedOutput = false;
  readonly customUniforms: Array<{ name: string; type: UniformType; arrayIndex?: number }>;

  constructor(inputs: readonly string[], size: number, userCode: string, uniforms: readonly Uniform[] = []) {
    this.variableNames = [...inputs];
    this.outputShape = [size];
    this.userCode = userCode;
    this.customUniforms = uniforms.map((u) => ({ ...u }));
  }
}

/**
 * GLSL helpers shared by every program: exact NaN / infinity tests (WebGL2:
 * on the bits; WebGL1: comparisons that are false only for NaN) and the
 * constants. tfjs's prefix already declares `uniform float NAN` (and, in
 * WebGL1, `uniform float INFINITY`).
 */
export function helpers(version: 1 | 2, flushesSubnormals: boolean): string {
  // On a device that flushes subnormals in arithmetic, a value picked by a
  // comparison (max, min) must be flushed too, or a subnormal operand that
  // compared as zero comes out unchanged.
  const ints = `
      int ptMinI(int a, int b) { return a < b ? a : b; }
      int ptMaxI(int a, int b) { return a > b ? a : b; }
      float ptFlush(float x) { return ${flushesSubnormals ? 'abs(x) < 1.17549435e-38 ? 0.0 : x' : 'x'}; }
    `;
  if (version === 2) {
    return ints + `
      bool ptIsNaN(float x) { return (floatBitsToUint(x) & 0x7fffffffu) > 0x7f800000u; }
      bool ptIsInf(float x) { return (floatBitsToUint(x) & 0x7fffffffu) == 0x7f800000u; }
      bool ptSignBit(float x) { return (floatBitsToUint(x) & 0x80000000u) != 0u; }
      float ptInf() { return uintBitsToFloat(0x7f800000u); }
      // 2^k for -126 <= k <= 127
      float ptPow2i(int k) { return intBitsToFloat((k + 127) << 23); }
      // x = m * 2^e with m in [0.5, 1), for normal x > 0
      float ptFrexp(float x, out int e) {
        int bits = floatBitsToInt(x);
        e = ((bits >> 23) & 0xff) - 126;
        return intBitsToFloat((bits & 0x007fffff) | 0x3f000000);
      }
    `;
  }
  // GLSL ES 1.00: no bit operations; exact powers of two by repeated squaring.
  return ints + `
      bool ptIsNaN(float x) { return (x > 0.0 || x < 1.0 || x == 0.0) ? false : true; }
      bool ptIsInf(float x) { return abs(x) == INFINITY; }
      bool ptSignBit(float x) { return x < 0.0 || (x == 0.0 && 1.0 / x < 0.0); }
      float ptInf() { return INFINITY; }
      float ptPow2i(int k) {
        float b = k < 0 ? 0.5 : 2.0;
        int n = k < 0 ? -k : k;
        float p = 1.0;
        for (int i = 0; i < 7; i++) {
          int h = n / 2;
          if (n - 2 * h == 1) p *= b;
          b *= b;
          n = h;
        }
        return p;
      }
      float ptFrexp(float x, out int e) {
        int k = int(floor(log2(x))) + 1;
        int h = k / 2;
        float m = x * ptPow2i(-h) * ptPow2i(h - k);
        if (m >= 1.0) { m *= 0.5; k += 1; }
        if (m < 0.5) { m *= 2.0; k -= 1; }
        e = k;
        return m;
      }
    `;
}

/**
 * How an input of an elementwise program maps onto the output:
 * 'same' (same size, index i), 'scalar' (one element), 'bcast' (NumPy
 * broadcasting through per-axis strides, 0 on broadcast axes).
 */
export type BroadcastMode = 'same' | 'scalar' | 'bcast';

export function broadcastMode(inShape: readonly number[], outShape: readonly number[]): BroadcastMode {
  const inSize = inShape.reduce((a, b) => a * b, 1);
  const outSize = outShape.reduce((a, b) => a * b, 1);
  if (inSize === 1) return 'scalar';
  if (inSize === outSize) return 'same';
  return 'bcast';
}

/** Strides of `inShape` aligned to `outShape`'s axes (0 where the input broadcasts). */
export function broadcastStrides(inShape: readonly number[], outShape: readonly number[]): number[] {
  const rank = outShape.length;
  const offset = rank - inShape.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let k = rank - 1; k >= offset; k--) {
    const d = inShape[k - offset]!;
    strides[k] = d === 1 ? 0 : s;
    s *= d;
  }
  return strides;
}

/**
 * GLSL for the coordinates of output index `i` in a shape given as uniform
 * `${shape}[rank]`, into local `int c[rank]` (rank ≥ 1).
 */
export function coordsSnippet(rank: number, shape: string, out = 'c', index = 'i'): string {
  return `
      int ${out}[${rank}];
      {
        int rem = ${index};
        for (int k = ${rank - 1}; k >= 0; k--) {
          int d = ${shape}[k];
          int q = rem / d;
          ${out}[k] = rem - q * d;
          rem = q;
        }
      }`;
}

/** GLSL: dot of coordinates `c` with uniform strides `${strides}[rank]`. */
export function dotStrides(rank: number, strides: string, c = 'c'): string {
  const terms: string[] = [];
  for (let k = 0; k < rank; k++) terms.push(`${c}[${k}] * ${strides}[${k}]`);
  return terms.length ? terms.join(' + ') : '0';
}
