// Keeping a tensor's row layout through elementwise kernels. A 2-D kernel
// output (and a rectangle copy: concat, slice) is a texture exactly as wide as
// its rows; an elementwise kernel over it that runs flat (a near-square
// texture) reads it by flat index, turning each into texel coordinates. Run
// over [w, n/w] instead, the kernel reads it at the fragment's own texel and
// its output keeps the rows' width for the next kernel (and for slices of
// whole rows or columns, which are then rectangle copies).
import type { GpuTexture } from '../gpujs.js';
import type { GpuRuntime } from '../runtime.js';

/**
 * Output dims [w, n/w] under which every texture in `texs` (each holding all n
 * values row-major) is read at the fragment's own texel: they share a width w
 * that divides n, in at least 2 rows, and a flat output of n would not
 * already be w wide. Null otherwise (and in CPU mode).
 */
export function sharedRowsDims(rt: GpuRuntime, n: number, texs: readonly GpuTexture[]): number[] | null {
  if (rt.isCpu || texs.length === 0) return null;
  const w = texs[0]!.size[0]!;
  if (w <= 1 || n % w !== 0 || n / w < 2 || w > rt.maxTextureSize || n / w > rt.maxTextureSize) return null;
  if (w === rt.texWidth([n]) || !texs.every((t) => t.size[0] === w)) return null;
  return [w, n / w];
}

/**
 * The texture width under which a tensor of `shape` uploaded from the host sits
 * in rows as a 2-D kernel output does (its last dimension), so later kernels
 * keep that layout (an LSTM's zero initial state would otherwise make every
 * state after it flat, and with them the gates' joins and the products'
 * packers); null when the shape has no such rows (then the flat width).
 */
export function uploadRowsWidth(rt: GpuRuntime, shape: readonly number[]): number | null {
  if (rt.isCpu || shape.length < 2) return null;
  const w = shape[shape.length - 1]!;
  const n = shape.reduce((a, b) => a * b, 1);
  if (w <= 1 || n / w < 2 || w > rt.maxTextureSize || n / w > rt.maxTextureSize || w === rt.texWidth([n])) return null;
  return w;
}
