// Thread ids without integer division. gpu.js's main() turns every fragment's
// flat index into this.thread.x/y/z with indexTo3D: two integer divisions and
// an integer modulo per fragment, from the interpolated texture coordinate.
// Shader compilers on the CPU (SwiftShader, llvmpipe) have no SIMD integer
// division and run it lane by lane: in Chromium a 1M-output kernel that
// reads this.thread took ~10 ms against ~3 ms with its ids taken from
// gl_FragCoord. Which formula applies depends on the output's layout, so the
// runtime compiles a kernel per layout (`threadLayout`), each with one
// branch-free formula (SwiftShader runs both sides of a branch, even on a
// uniform, so a run-time choice cost more than the divisions it saved):
// - 'xy': the texture is exactly as wide as the output's x (every 2-D output,
//   gpu.js's getKernelTextureSize): the ids are the fragment's texel coordinates;
// - 'flat': a 1-D output in a wider texture: x is the texel's flat index;
// - 'xyz': anything else keeps gpu.js's own indexTo3D.

/** How a kernel computes its thread ids (part of the compiled kernel's cache key). */
export type ThreadLayout = 'xy' | 'flat' | 'xyz';

/** The layout for gpu.js output dims [x, y?, z?] rendered into a texture `texWidth` wide. */
export function threadLayout(dims: readonly number[], texWidth: number): ThreadLayout {
  const [, y = 1, z = 1] = dims;
  if (z === 1 && texWidth === dims[0]) return 'xy';
  if (y === 1 && z === 1) return 'flat';
  return 'xyz';
}

const THREAD_ID: Record<Exclude<ThreadLayout, 'xyz'>, string> = {
  xy: 'ivec3(int(gl_FragCoord.x), int(gl_FragCoord.y), 0)',
  flat: 'ivec3(int(gl_FragCoord.x) + int(gl_FragCoord.y) * uTexSize.x, 0, 0)',
};

const INDEX_TO_3D = 'threadId = indexTo3D(index, uOutputDim);';

interface ShaderSource {
  getFragmentShader(args: unknown): string;
  compiledFragmentShader?: string;
  __ptThreadIds?: ThreadLayout;
}

/**
 * Make a gpu.js WebGL kernel instance compute threadId for `layout` (before
 * its first build; idempotent). A shader gpu.js writes differently (another
 * version) is left as it is.
 */
export function fastThreadIds(kernel: unknown, layout: ThreadLayout): void {
  const k = kernel as ShaderSource;
  if (k.__ptThreadIds || typeof k.getFragmentShader !== 'function') return;
  k.__ptThreadIds = layout;
  if (layout === 'xyz') return;
  const original = k.getFragmentShader;
  k.getFragmentShader = function (this: ShaderSource, args: unknown): string {
    const source = original.call(this, args);
    if (!source.includes(INDEX_TO_3D)) return source;
    const patched = source.replaceAll(INDEX_TO_3D, `threadId = ${THREAD_ID[layout]};`);
    this.compiledFragmentShader = patched;
    return patched;
  };
}
