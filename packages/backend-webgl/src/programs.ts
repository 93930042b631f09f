/**
 * Shader programs this package adds to tfjs-backend-webgl's set (the kernels
 * tfjs lacks, or has with semantics the polytensor contract pins differently).
 * They are ordinary tfjs `GPGPUProgram`s run by tfjs's `runWebGLProgram`, so
 * they share its texture manager, shader cache and sampler code.
 *
 * Conventions of the flat programs, chosen so one compiled program serves
 * every shape (packed programs bake their shapes in, see PackedProgram):
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
import { sizeOfShape } from '@polytensor/core';
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
 * GLSL `ptSetOutput(vec4)`: setOutput with the texel's lanes outside the
 * logical shape set to 0. A packed texel holds a 2×2 block (rank 1: two values
 * in x, y); when the last dimension (or the one before) is odd, the block
 * overhangs it. tfjs's packed matMul sums those overhanging lanes of both
 * operands (a padding lane times a padding lane), so they must stay 0: log(0)
 * = −Inf there would make a product NaN, exp(0) = 1 would add terms. Rank ≥ 2
 * shapes whose last two sides are even have no padding lanes: a plain setOutput.
 */
function paddingMask(shape: readonly number[]): string {
  const rank = shape.length;
  const last = shape[rank - 1]!;
  if (rank === 1) {
    return `
      void ptSetOutput(vec4 v) {
        ${last % 2 === 0 ? 'setOutput(vec4(v.xy, 0.0, 0.0));' : `int c = getOutputCoords(); setOutput(vec4(v.x, c + 1 < ${last} ? v.y : 0.0, 0.0, 0.0));`}
      }`;
  }
  const rows = shape[rank - 2]!;
  // even last two sides: no texel overhangs, nothing to mask (and no coordinates to compute)
  if (last % 2 === 0 && rows % 2 === 0) return 'void ptSetOutput(vec4 v) { setOutput(v); }';
  const f = ['x', 'y', 'z', 'w'];
  return `
      void ptSetOutput(vec4 v) {
        ${rank === 2 ? 'ivec2' : rank === 3 ? 'ivec3' : 'ivec4'} rc = getOutputCoords();
        bool col = rc.${f[rank - 1]} + 1 < ${last};
        bool row = rc.${f[rank - 2]} + 1 < ${rows};
        setOutput(vec4(v.x, col ? v.y : 0.0, row ? v.z : 0.0, col && row ? v.w : 0.0));
      }`;
}

/**
 * A custom elementwise program over packed textures (tfjs's 2×2-texel layout,
 * four values per fragment): `get<Name>AtOutCoords()` returns the input's four
 * values for the output texel (tfjs's sampler broadcasts an input of a
 * broadcastable shape). An elementwise op does not care where a value sits, so
 * this computes exactly what the flat program does, with a quarter of the
 * fragments. Bodies write with `ptSetOutput(vec4)` (padding lanes zeroed, see
 * paddingMask). Output rank 1–4.
 *
 * Shapes are compiled in (one program per shape, as tfjs's own programs):
 * with shape uniforms tfjs's packed samplers turn the fragment position into
 * coordinates and back with divisions by uniforms on every read, where baked
 * shapes give a same-shape input a direct texel fetch. A packed add over
 * 1000×1000 took 43 ms with uniforms and 30 ms baked (tfjs's Add: 29 ms).
 */
export class PackedProgram implements GPGPUProgram {
  readonly variableNames: string[];
  readonly outputShape: number[];
  readonly userCode: string;
  readonly enableShapeUniforms = false;
  readonly packedInputs = true;
  readonly packedOutput = true;
  readonly customUniforms: Array<{ name: string; type: UniformType; arrayIndex?: number }>;

  constructor(inputs: readonly string[], shape: readonly number[], userCode: string, uniforms: readonly Uniform[] = []) {
    if (shape.length < 1 || shape.length > 4) throw new Error(`webgl backend: internal error: a packed program of rank ${shape.length}`);
    this.variableNames = [...inputs];
    this.outputShape = [...shape];
    if (inputs.some((n) => n !== n.toUpperCase())) {
      // tfjs's packed samplers of rank ≥ 3 take parameters named b, row, col: an input
      // named b would be shadowed inside its own sampler (tfjs names its inputs A, B)
      throw new Error(`webgl backend: internal error: packed program inputs must be upper case, got ${inputs.join(', ')}`);
    }
    this.userCode = paddingMask(shape) + userCode;
    this.customUniforms = uniforms.map((u) => ({ ...u }));
  }
}

/**
 * GLSL helpers of this package's programs (the math library, gpu-common's
 * MATH_GLSL, is added per program by what it calls: see WebGLStore.flat).
 * On a device that flushes subnormals in arithmetic, a value picked by a
 * comparison (max, min) must be flushed too (`ptFlush`), or a subnormal
 * operand that compared as zero comes out unchanged.
 */
export function helpers(flushesSubnormals: boolean): string {
  return `
      int ptMinI(int a, int b) { return a < b ? a : b; }
      int ptMaxI(int a, int b) { return a > b ? a : b; }
      float ptFlush(float x) { return ${flushesSubnormals ? 'abs(x) < 1.17549435e-38 ? 0.0 : x' : 'x'}; }
    `;
}

/**
 * How an input of an elementwise program maps onto the output:
 * 'same' (same size, index i), 'scalar' (one element), 'bcast' (NumPy
 * broadcasting through per-axis strides, 0 on broadcast axes).
 */
export type BroadcastMode = 'same' | 'scalar' | 'bcast';

export function broadcastMode(inShape: readonly number[], outShape: readonly number[]): BroadcastMode {
  const inSize = sizeOfShape(inShape);
  const outSize = sizeOfShape(outShape);
  if (inSize === 1) return 'scalar';
  if (inSize === outSize) return 'same';
  return 'bcast';
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
