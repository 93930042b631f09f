import {
  KERNELS,
  sizeOfShape,
  type DataId,
  type DropoutMaskSpec,
  type KernelContext,
  type KernelImpl,
  type KernelImpls,
  type PhiloxKey,
  type TensorInfo,
} from '@polytensor/core';
import { rendererOf } from '@polytensor/gpu-common';
import type { GL, WebGLRandomRoute, WebGLVersion } from '../context.js';
import { WebGLUnavailableError } from '../errors.js';
import type { Uniform } from '../programs.js';
import type { WebGLStore } from '../store.js';

/**
 * Kernel philoxUniform drawn in a fragment program (WebGL 2 only): each
 * element runs Philox4x32-10 on its own counter and rounds its 53-bit double
 * to float32 in integers, so the texture holds the host stream's values bit
 * for bit and nothing is uploaded. WebGL 1 has no integers in shaders (and
 * highp int may be missing), and a software renderer runs the program slower
 * than the host draws: there the host route (`philoxUniformOnHost`) runs
 * instead (`randomRoute`).
 *
 * Elements are at most MAX_TEXTURE_SIZE² < 2^32, so the counter is
 * (i, 0, stream, 0): the kernel's high counter word ⌊i / 2^32⌋ is always 0.
 */

/**
 * GLSL ES 3.00. No umulExtended (ES 3.10) and no findMSB (ES 3.10): the high
 * word of a 32×32 product comes from 16-bit halves, the leading bit from a
 * five-step binary search; both exact on any conforming ES 3.00 compiler.
 */
const PHILOX_GLSL = `
  // high word of a·m for m = mh·2^16 + ml (every partial sum below stays under 2^32)
  uint ptMulHi(uint a, uint mh, uint ml) {
    uint al = a & 0xFFFFu;
    uint ah = a >> 16;
    uint u = ah * ml + ((al * ml) >> 16);
    uint w = (u & 0xFFFFu) + al * mh;
    return ah * mh + (u >> 16) + (w >> 16);
  }

  // index of the highest set bit of x (x > 0)
  int ptMsb(uint x) {
    int n = 0;
    if (x >= 0x10000u) { x >>= 16; n += 16; }
    if (x >= 0x100u) { x >>= 8; n += 8; }
    if (x >= 0x10u) { x >>= 4; n += 4; }
    if (x >= 0x4u) { x >>= 2; n += 2; }
    if (x >= 0x2u) { n += 1; }
    return n;
  }

  // words 0 and 1 of Philox4x32-10 of counter (c0, 0, c2, 0) under key (k0, k1)
  uvec2 ptPhilox(uint c0, uint c2, uint k0, uint k1) {
    uint x0 = c0, x1 = 0u, x2 = c2, x3 = 0u;
    for (int r = 0; r < 10; r++) {
      uint hi0 = ptMulHi(x0, 0xD251u, 0x1F53u);
      uint lo0 = x0 * 0xD2511F53u;
      uint hi1 = ptMulHi(x2, 0xCD9Eu, 0x8D57u);
      uint lo1 = x2 * 0xCD9E8D57u;
      x0 = hi1 ^ x1 ^ k0;
      x1 = lo1;
      x2 = hi0 ^ x3 ^ k1;
      x3 = lo0;
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    return uvec2(x0, x1);
  }

  // ((w0 >> 5)·2^26 + (w1 >> 6)) / 2^53 rounded to float32 (nearest, ties to even), 1 → 0
  float ptUnit(uvec2 w) {
    uint a = w.x >> 5;
    uint hi = a >> 6;                   // N >> 32 for the 53-bit N = a·2^26 + (w1 >> 6)
    uint lo = (a << 26) | (w.y >> 6);   // N mod 2^32
    if (hi == 0u && lo == 0u) return 0.0;
    int p = hi != 0u ? 32 + ptMsb(hi) : ptMsb(lo);
    uint q;                             // the 24 significant bits (2^24 after a carry)
    if (p <= 23) {
      q = lo << uint(23 - p);           // exact
    } else {
      int s = p - 23;                   // 1 … 29 bits dropped, all in lo
      q = (lo >> uint(s)) | (hi << uint(32 - s));
      uint tie = 1u << uint(s - 1);
      uint rest = lo & ((tie << 1) - 1u);
      if (rest > tie || (rest == tie && (q & 1u) == 1u)) q += 1u;
    }
    // biased exponent p − 53 + 127; a carry into bit 24 bumps it by adding
    uint bits = (uint(p + 74) << 23) + (q - 0x800000u);
    return bits == 0x3F800000u ? 0.0 : uintBitsToFloat(bits);
  }
`;

const KEY: Uniform = { name: 'ptKey', type: 'ivec4' };
const DROPOUT: readonly Uniform[] = [KEY, { name: 'ptThreshold', type: 'float' }, { name: 'ptScale', type: 'float' }];

/** GLSL: element `index`'s value (the uniform, or the dropout mask's). */
function elementExpr(index: string, dropout: boolean): string {
  const u = `ptUnit(ptPhilox(uint(${index}), uint(ptKey.z), uint(ptKey.x), uint(ptKey.y)))`;
  return dropout ? `(${u} >= ptThreshold ? ptScale : 0.0)` : u;
}

const FLAT_BODIES = [false, true].map(
  (dropout) => `${PHILOX_GLSL}
  void main() {
    setOutput(${elementExpr('getOutputCoords()', dropout)});
  }`,
);

/**
 * Packed body for `shape` (rank 1–4, tfjs's 2×2 texels): the texel at
 * coordinates c holds elements i, i + 1 and, for rank ≥ 2, i + W, i + W + 1
 * (W the last side); padding lanes are computed and zeroed by ptSetOutput.
 */
function packedBody(shape: readonly number[], dropout: boolean): string {
  const rank = shape.length;
  const strides = shape.map((_, k) => shape.slice(k + 1).reduce((a, d) => a * d, 1));
  const lanes = ['x', 'y', 'z', 'w'];
  const index = rank === 1 ? 'c' : strides.map((st, k) => `c.${lanes[k]} * ${st}`).join(' + ');
  const w = shape[rank - 1]!;
  const second = rank === 1 ? '0.0, 0.0' : `${elementExpr(`i + ${w}`, dropout)}, ${elementExpr(`i + ${w + 1}`, dropout)}`;
  return `${PHILOX_GLSL}
  void main() {
    ${rank === 1 ? 'int' : `ivec${rank}`} c = getOutputCoords();
    int i = ${index};
    ptSetOutput(vec4(${elementExpr('i', dropout)}, ${elementExpr('i + 1', dropout)}, ${second}));
  }`;
}

/** The key words as the ivec4 uniform (signed reinterpretations; the shader reads them back as uint). */
function keyValues(key: PhiloxKey): number[] {
  return [key.k0 | 0, key.k1 | 0, key.stream | 0, 0];
}

/**
 * The uniforms (or dropout masks) of the stream at `key`. A mask is drawn
 * packed where tfjs packs (rank 1–4, at least `packedMinSize` values): its
 * consumer is dropout's mul, whose other operand is usually a packed matMul
 * or conv output, so the mul stays packed. Plain uniforms are drawn flat:
 * a read downloads them without an unpack pass.
 */
export function philoxUniform(s: WebGLStore, shape: readonly number[], key: PhiloxKey, dropout: DropoutMaskSpec | null): TensorInfo {
  const size = sizeOfShape(shape);
  if (size === 0) return s.fromValues(new Float32Array(0), shape, 'float32');
  const uniforms = dropout === null ? [KEY] : DROPOUT;
  const values = dropout === null ? [keyValues(key)] : [keyValues(key), [dropout.threshold], [dropout.scale]];
  if (dropout !== null && s.packable([], shape)) {
    const out = s.packed('philoxUniform', [], [], shape, 'float32', packedBody(shape, true), [], uniforms, values);
    return s.wrap(out, shape, 'float32');
  }
  const out = s.flat('philoxUniform', [], [], size, 'float32', FLAT_BODIES[dropout === null ? 0 : 1]!, uniforms, values);
  return s.wrap(out, shape, 'float32');
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const philoxUniformKernel: KernelImpl<'philoxUniform', WebGLStore> = (s, shape, key, dropout) =>
  philoxUniform(s.enter('philoxUniform'), shape, key, dropout);

/**
 * The host route: core's composite (the host draw, WebAssembly SIMD where it
 * loads) into an array of the store's pool (a disposed draw's: no fresh pages
 * to fault in) or a new one, handed to tfjs as the tensor's values instead of
 * copied (Storage.write must copy: it cannot know the array is nobody
 * else's), and back to the pool when the tensor is disposed. tfjs uploads it
 * when a shader first reads it; a read before that never touches the GPU.
 */
export const philoxUniformOnHost: KernelImpl<'philoxUniform', WebGLStore> = (s, shape, key, dropout) => {
  s.enter('philoxUniform');
  const adopt = (values: Float32Array, shape: readonly number[]): DataId => {
    if (values.length === 0) return s.fromValues(values, shape, 'float32').dataId;
    const dataId = s.wrap({ dataId: s.tf.write(values, [...shape], 'float32'), shape: [...shape], dtype: 'float32' }, shape, 'float32').dataId;
    s.data(dataId, 'philoxUniform').drawn = values;
    return dataId;
  };
  const hostFloat32 = (size: number): Float32Array => s.hostArrays.take(size);
  return KERNELS.philoxUniform.composite({ adopt, hostFloat32 } as unknown as KernelContext, shape, key, dropout);
};

/**
 * Whether this context can run the program: WebGL 2 (GLSL ES 3.00 integers)
 * with 32-bit highp int in fragment shaders (ES 3.00 requires it; checked
 * anyway: a driver that reported less would wrap the arithmetic).
 */
export function gpuPhiloxAvailable(gl: GL, version: WebGLVersion): boolean {
  if (version !== 2) return false;
  const f = gl.getShaderPrecisionFormat(gl.FRAGMENT_SHADER, gl.HIGH_INT);
  return f !== null && f.rangeMin >= 31 && f.rangeMax >= 30;
}

/** Renderers that run shaders on the CPU (SwiftShader, Mesa's llvmpipe/softpipe/lavapipe, Windows' WARP). */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|lavapipe|software|basic render driver/i;

/**
 * The route for this context: `asked` if given (an error if the program
 * cannot run here), else the GPU where it can run on a hardware renderer.
 * On a software renderer the host draw is faster: the program's 32×32-bit
 * multiplies cost four multiplies each from 16-bit halves, where the host's
 * WebAssembly kernel has a widening multiply, and the result would still be
 * read back (README, "Random numbers").
 */
export function randomRoute(gl: GL, version: WebGLVersion, asked: WebGLRandomRoute | undefined): WebGLRandomRoute {
  const can = gpuPhiloxAvailable(gl, version);
  if (asked === 'gpu' && !can) {
    throw new WebGLUnavailableError(
      `webgl backend: option random 'gpu' needs WebGL 2 with 32-bit highp int in fragment shaders; this is WebGL ${version}` +
        (version === 2 ? ' without 32-bit highp int' : '') +
        ". Leave random unset (or 'host') to draw random numbers on the host.",
    );
  }
  if (asked !== undefined) return asked;
  return can && !SOFTWARE_RENDERER.test(rendererOf(gl)) ? 'gpu' : 'host';
}

/** `kernels` with philoxUniform on `route`. */
export function withRandomRoute<T extends KernelImpls<WebGLStore>>(kernels: T, route: WebGLRandomRoute): T {
  return { ...kernels, philoxUniform: route === 'gpu' ? philoxUniformKernel : philoxUniformOnHost };
}
