// The GLSL gpu.js kernels can call besides their own natives: gpu-common's
// float32 math library (MATH_GLSL: exp, log, pow, exact tests…) and this
// package's texel fetches by flat index without integer div/mod (GLSL ES 3.00
// for WebGL 2, 1.00 for WebGL 1).
//
// gpu.js places injected GLSL before the kernel's uniforms, so the math
// library cannot read a kernel argument: its environment `ptEnv` = (1, +Inf,
// NaN, 0) is a global the kernel copies from its uniform argument `kc` on entry
// (`ENV_INIT`, added by the runtime to every kernel that needs it).
import { MATH_GLSL } from '@polytensor/gpu-common';
import type { NativeSpec } from './runtime.js';

// Fetches by texel coordinates go through texture() (texture2D in GLSL ES 1.00)
// at the texel's centre, never texelFetch: the textures are NEAREST-sampled, so
// both read the same texel, and SwiftShader's texelFetch (integer coordinates,
// bounds-checked) costs about twice as much per fetch. A normalized centre
// (x + 0.5) / w lands within w·2^-24 texels of the centre: far inside the
// texel for any width up to 2^16 (MAX_TEXTURE_SIZE is at most 2^14 today).
const sample = (v: 1 | 2): string => (v === 2 ? 'texture' : 'texture2D');

export const GPUJS_GLSL = MATH_GLSL.extend({
  pt_coord: `vec2 pt_coord(float i, ivec2 s) {
  vec2 size = vec2(s);
  float y = floor((i + 0.5) / size.x);
  float x = i - y * size.x;
  if (x < 0.0) { x += size.x; y -= 1.0; } else if (x >= size.x) { x -= size.x; y += 1.0; }
  return (vec2(x, y) + 0.5) / size;
}`,
  pt_texel: (v) => `vec4 pt_texel(sampler2D tex, ivec2 s, float i) { return ${sample(v)}(tex, pt_coord(i, s)); }`,
  pt_texelxy: (v) => `vec4 pt_texelxy(sampler2D tex, ivec2 s, float x, float y) { return ${sample(v)}(tex, (vec2(x, y) + 0.5) / vec2(s)); }`,
  pt_scalar: 'float pt_scalar(sampler2D tex, ivec2 s, float i) { return pt_texel(tex, s, i).r; }',
  // the value at this fragment's own texel: for an input laid out like the output (same texture width, same flat index)
  pt_here: (v) => `float pt_here(sampler2D tex, ivec2 s) { return ${sample(v)}(tex, gl_FragCoord.xy / vec2(s)).r; }`,
});

/** Declares the math library's environment; goes first in a kernel's injected GLSL. */
export const ENV_DECLARATION = 'vec4 ptEnv;';

/** Copies the kernel's `kc` = (1, +Inf, NaN, 0) into `ptEnv`; the runtime calls it first in kernels that use the library. */
export const ENV_INIT: NativeSpec = {
  name: 'ptEnvInit',
  glsl: 'float ptEnvInit(vec4 k) { ptEnv = k; return 0.0; }',
  js: 'function ptEnvInit(k) { return 0; }',
  args: [['k', 'vec4']],
  returns: 'float',
};
