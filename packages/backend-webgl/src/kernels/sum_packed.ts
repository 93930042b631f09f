import type { TensorInfo } from '@polytensor/core';
import type { WebGLStore } from '../store.js';

/** Rows shorter than this keep tfjs's Sum: two passes cost more than they save. */
const MIN_TERMS = 64;

/**
 * Whether `sumRowsPacked` handles a float32 sum of `x` over `axes`: a matrix
 * summed along its rows (the last axis), large enough to run packed, already
 * readable packed (on the host, or packed on the GPU: packing a flat input
 * would cost the pass this saves).
 */
export function sumRowsPackedApplies(s: WebGLStore, x: TensorInfo, axes: readonly number[]): boolean {
  if (x.shape.length !== 2 || axes.length !== 1 || axes[0] !== 1) return false;
  const [P, R] = x.shape as [number, number];
  return R >= MIN_TERMS && P * R >= s.packedMinSize && s.readsPacked(x);
}

/**
 * Σ of each row of a [P, R] matrix in two packed programs: first, per pair
 * of rows and pair of windows of L ≈ √R terms, the four window sums (one
 * texel of x per step gives two terms of each row); then per pair of rows
 * the sum of their windows. tfjs's Sum runs the same two levels on unpacked
 * textures, one value per fetch and one output per fragment: here a fetch
 * brings four values and a fragment writes four, a quarter of the fetches and
 * fragments. IEEE adds in another order: the contract's accumulation bound
 * holds for any order.
 */
export function sumRowsPacked(s: WebGLStore, x: TensorInfo): TensorInfo {
  const [P, R] = x.shape as [number, number];
  const L = 2 * Math.ceil(Math.sqrt(R) / 2); // even: windows start on a texel
  const windows = Math.ceil(R / L);
  // texel lanes: (r, c), (r, c + 1), (r + 1, c), (r + 1, c + 1); a texel past the row's end is skipped
  // (its lanes are not zeros: the sampler's index runs into the next rows)
  const first = `
    void main() {
      ivec2 rc = getOutputCoords();
      int r = rc.x; int c0 = rc.y * ${L};
      vec4 acc = vec4(0.0);
      for (int k = 0; k < ${L / 2}; k++) {
        int c = c0 + 2 * k;
        vec4 t = getX(r, c);
        vec4 u = getX(r, c + ${L});
        acc.xz += c < ${R} ? t.xz + t.yw : vec2(0.0);
        acc.yw += c + ${L} < ${R} ? u.xz + u.yw : vec2(0.0);
      }
      ptSetOutput(acc);
    }`;
  const part = s.packed('reduce sum (windows)', ['X'], [x], [P, windows], 'float32', first);
  const partial = s.wrap(part, [P, windows], 'float32');
  // the windows' spare lanes (an odd count) hold zeros: ptSetOutput writes them
  const second = `
    void main() {
      int r = getOutputCoords();
      vec2 acc = vec2(0.0);
      for (int k = 0; k < ${Math.ceil(windows / 2)}; k++) {
        vec4 t = getW(r, 2 * k);
        acc += t.xz + t.yw;
      }
      ptSetOutput(vec4(acc, 0.0, 0.0));
    }`;
  try {
    const out = s.packed('reduce sum (rows)', ['W'], [partial], [P], 'float32', second);
    return s.wrap(out, [P], 'float32');
  } finally {
    s.disposeTemp(partial);
  }
}
