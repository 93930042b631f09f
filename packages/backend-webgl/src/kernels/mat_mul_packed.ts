import type { FusedActivation, TensorInfo } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { laneActivation } from './fused_util.js';

/**
 * tfjs runs a product with one output row or column and a long shared
 * dimension as a multiply and a sum (more fragments than one per output
 * texel); this program keeps one fragment per output texel, so those stay
 * with tfjs.
 */
const VECTOR_SHARED_MAX = 1000;

/** Pairs of shared-dimension terms (texels of each operand) per loop iteration (4 and 16 measured close; see the README). */
export const MATMUL_UNROLL = 8;

/** The [rows, columns] of texels of each operand's packed texture (see `matMulPackedLayout`). */
export interface MatMulTexels {
  a: readonly [number, number];
  b: readonly [number, number];
}

/** One operand as the program addresses it. */
interface Operand {
  name: 'A' | 'B';
  /** texel rows of one batch entry (the operand's second-to-last axis, in pairs) */
  rowsPerBatch: number;
  /** whether this operand has a batch of its own (else batch 1, broadcast) */
  batched: boolean;
  /** whether the shared dimension runs along the texture's x (it is the operand's last axis) */
  kAlongX: boolean;
  /** texture size in texels */
  rows: number;
  cols: number;
}

/** A float literal for GLSL (float32-rounded, with a point or an exponent). */
const lit = (v: number): string => {
  const f = String(Math.fround(v));
  return /[.e]/.test(f) ? f : `${f}.0`;
};

/**
 * GLSL declaring `<n>uv0`, the texture coordinate of this fragment's first
 * texel of operand n (shared pair 0), and `<n>d`, the step to the next pair.
 * `own` is the fragment's texel coordinate along the operand's other side,
 * `row0` the texel row where its batch entry starts.
 */
function coordinates(op: Operand, own: string, row0: string): string {
  const { name: n, rows, cols } = op;
  const y = op.kAlongX ? `${row0} + ${own}` : row0;
  const x = op.kAlongX ? '0.5' : `float(${own}) + 0.5`;
  const step = op.kAlongX ? `vec2(${lit(1 / cols)}, 0.0)` : `vec2(0.0, ${lit(1 / rows)})`;
  return `vec2 ${n}uv0 = vec2((${x}) * ${lit(1 / cols)}, (float(${y}) + 0.5) * ${lit(1 / rows)}); vec2 ${n}d = ${step};`;
}

/** The coordinate of the j-th pair after the one at `<n>uv` (a compiled-in offset). */
function offset(op: Operand, j: number): string {
  if (j === 0) return `${op.name}uv`;
  return op.kAlongX ? `${op.name}uv + vec2(${lit(j / op.cols)}, 0.0)` : `${op.name}uv + vec2(0.0, ${lit(j / op.rows)})`;
}

/**
 * act(a·b + bias) as one packed program (tfjs's 2×2-texel layout): each
 * fragment owns a 2×2 block of the output and, per pair of shared-dimension
 * terms, reads one texel of a and one of b and adds 8 products, as tfjs's
 * MatMulPackedProgram does. What differs is the addressing: tfjs's packed
 * sampler turns (batch, row, col) into a flat texel index, divides it by the
 * texture width and normalises the result on every read; here the
 * fragment's coordinates in a and b are computed once, each unrolled block
 * of MATMUL_UNROLL pairs converts its loop counter once, and each read is
 * `texture()` at that coordinate plus a compiled-in offset (the textures must
 * be in tfjs's natural packed layout, one row of 2×2 blocks per texture row:
 * `matMulPackedLayout`). On SwiftShader, `texelFetch` and `textureLod` with
 * integer or explicit-LOD addressing were slower than this `texture()`
 * (README, "Eighth pass"). The products are added in tfjs's order (per pair, the
 * first term then the second, into one vec4 per output texel), so results
 * are tfjs's bit for bit; an odd shared dimension's last pair adds only its
 * real term (tfjs adds padding·padding = 0 too, which turns a −0 sum into
 * +0). Bias and relu/sigmoid are applied in the same program, relu and
 * sigmoid as the unary kernels compute them (conv2d's packed program does
 * the same); tanh is left to the caller. GLSL ES 1.00 compatible: constant
 * loop bounds and steps.
 *
 * `a` is [M, K] (or [K, M] with transposeA), `b` [K, N] (or [N, K]); rank 3
 * adds a leading batch, where a batch of 1 broadcasts. `bias`, when given,
 * broadcasts over the output (tfjs's packed sampler). `texels` comes from
 * `matMulPackedLayout`; `unroll` (texel pairs per loop iteration) is there
 * for measurements.
 */
export function matMulPacked(
  s: WebGLStore,
  a: TensorInfo,
  b: TensorInfo,
  bias: TensorInfo | null,
  activation: FusedActivation,
  transposeA: boolean,
  transposeB: boolean,
  outShape: readonly number[],
  K: number,
  texels: MatMulTexels,
  unroll = MATMUL_UNROLL,
): TensorInfo {
  const act = laneActivation(activation);
  if (!act) throw new Error(`webgl backend: internal error: matMulPacked cannot fuse ${activation}`);
  const rank = outShape.length;
  const M = outShape[rank - 2]!;
  const N = outShape[rank - 1]!;
  const half = (v: number): number => Math.ceil(v / 2);
  const batched = rank === 3;
  const A: Operand = {
    name: 'A',
    rowsPerBatch: transposeA ? half(K) : half(M),
    batched: batched && a.shape[0]! > 1,
    kAlongX: !transposeA,
    rows: texels.a[0],
    cols: texels.a[1],
  };
  const B: Operand = {
    name: 'B',
    rowsPerBatch: transposeB ? half(N) : half(K),
    batched: batched && b.shape[0]! > 1,
    kAlongX: transposeB,
    rows: texels.b[0],
    cols: texels.b[1],
  };
  const row0 = (op: Operand): string => (op.batched ? `o.x * ${op.rowsPerBatch}` : '0');
  const sample = s.version === 2 ? 'texture' : 'texture2D';
  // tfjs's swizzles: the a lanes of term k and k + 1 against the b lanes of the same terms
  const [a0, a1] = transposeA ? ['xxyy', 'zzww'] : ['xxzz', 'yyww'];
  const [b0, b1] = transposeB ? ['xzxz', 'ywyw'] : ['xyxy', 'zwzw'];
  const pair = (j: number, second: boolean): string => `{
          vec4 ta = ${sample}(A, ${offset(A, j)});
          vec4 tb = ${sample}(B, ${offset(B, j)});
          res += ta.${a0} * tb.${b0};
          ${second ? `res += ta.${a1} * tb.${b1};` : ''}
        }`;
  const at = (k: string): string => `vec2 Auv = Auv0 + ${k} * Ad; vec2 Buv = Buv0 + ${k} * Bd;`;
  const pairs = Math.floor(K / 2);
  const chunks = Math.floor(pairs / unroll);
  const blocks: string[] = [];
  for (let k = chunks * unroll; k < pairs; k++) blocks.push(`{ ${at(lit(k))} ${pair(0, true)} }`);
  if (K % 2 === 1) blocks.push(`{ ${at(lit(pairs))} ${pair(0, false)} }`);
  const lanes = ['x', 'y', 'z', 'w'].map((l) => act(`res.${l}`)).join(', ');
  // A and B are tfjs's sampler uniforms for the program's inputs
  const body = `
    void main() {
      ${batched ? 'ivec3 o = getOutputCoords(); int r = o.y; int c = o.z;' : 'ivec2 o = getOutputCoords(); int r = o.x; int c = o.y;'}
      ${coordinates(A, 'r / 2', row0(A))}
      ${coordinates(B, 'c / 2', row0(B))}
      vec4 res = vec4(0.0);
      for (int k = 0; k < ${chunks * unroll}; k += ${unroll}) {
        ${at('float(k)')}
        ${Array.from({ length: unroll }, (_, j) => pair(j, true)).join('\n')}
      }
      ${blocks.join('\n')}
      ${bias ? 'res += getBIASAtOutCoords();' : ''}
      ${activation === 'linear' ? '' : `res = vec4(${lanes});`}
      ptSetOutput(res);
    }`;
  const names = bias ? ['A', 'B', 'BIAS'] : ['A', 'B'];
  const inputs = bias ? [a, b, bias] : [a, b];
  const out = s.packed(bias ? 'fusedMatMul' : 'matMul', names, inputs, outShape, 'float32', body);
  return s.wrap(out, outShape, 'float32');
}

/**
 * The operands' texture sizes when `matMulPacked` runs this product, else
 * null: float32 operands, not a long vector product (VECTOR_SHARED_MAX), and
 * both operands in tfjs's natural packed layout (one row of 2×2 blocks per
 * texture row, as tfjs lays out every packed texture up to its maximum
 * texture size; not two views of one tensor in different shapes). Prepares the operands' layouts on the way
 * (`WebGLStore.packedTexels`): an operand left unpacked is packed in place,
 * where tfjs would pack it into a temporary on every call.
 */
export function matMulPackedLayout(s: WebGLStore, a: TensorInfo, b: TensorInfo, outShape: readonly number[], K: number): MatMulTexels | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const rank = outShape.length;
  if ((outShape[rank - 2] === 1 || outShape[rank - 1] === 1) && K > VECTOR_SHARED_MAX) return null;
  // two views of one tensor in different shapes (dot(v, v): [1, n] and [n, 1]) would each repack the
  // one texture into their own packed layout; tfjs packs each into a temporary
  if (a.dataId === b.dataId && !sameShape(a.shape, b.shape)) return null;
  const ta = s.packedTexels(a, 'matMul');
  const tb = s.packedTexels(b, 'matMul');
  const natural = (t: TensorInfo, texels: [number, number] | null): boolean => {
    const r = t.shape.length;
    const entries = r === 3 ? t.shape[0]! : 1;
    return texels !== null && texels[1] === Math.ceil(t.shape[r - 1]! / 2) && texels[0] === entries * Math.ceil(t.shape[r - 2]! / 2);
  };
  return natural(a, ta) && natural(b, tb) ? { a: ta!, b: tb! } : null;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
