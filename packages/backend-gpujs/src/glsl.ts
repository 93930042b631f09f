// The GLSL gpu.js kernels can call besides their own natives: gpu-common's
// float32 math library (MATH_GLSL: exp, log, pow, exact tests…) and this
// package's texel fetches by flat index without integer div/mod (GLSL ES 3.00
// with texelFetch for WebGL 2, 1.00 with texture2D for WebGL 1).
//
// gpu.js places injected GLSL before the kernel's uniforms, so the math
// library cannot read a kernel argument: its environment `ptEnv` = (1, +Inf,
// NaN, 0) is a global the kernel copies from its uniform argument `kc` on entry
// (`ENV_INIT`, added by the runtime to every kernel that needs it).
import { MATH_GLSL } from '@polytensor/gpu-common';
import type { NativeSpec } from './runtime.js';

export const GPUJS_GLSL = MATH_GLSL.extend({
  pt_coord: (v) =>
    v === 2
      ? `ivec2 pt_coord(float i, ivec2 s) {
  float w = float(s.x);
  float y = floor((i + 0.5) / w);
  float x = i - y * w;
  if (x < 0.0) { x += w; y -= 1.0; } else if (x >= w) { x -= w; y += 1.0; }
  return ivec2(int(x), int(y));
}`
      : `vec2 pt_coord(float i, ivec2 s) {
  vec2 size = vec2(s);
  float y = floor((i + 0.5) / size.x);
  float x = i - y * size.x;
  if (x < 0.0) { x += size.x; y -= 1.0; } else if (x >= size.x) { x -= size.x; y += 1.0; }
  return (vec2(x, y) + 0.5) / size;
}`,
  pt_texel: (v) =>
    v === 2
      ? 'vec4 pt_texel(sampler2D tex, ivec2 s, float i) { return texelFetch(tex, pt_coord(i, s), 0); }'
      : 'vec4 pt_texel(sampler2D tex, ivec2 s, float i) { return texture2D(tex, pt_coord(i, s)); }',
  pt_texelxy: (v) =>
    v === 2
      ? 'vec4 pt_texelxy(sampler2D tex, ivec2 s, float x, float y) { return texelFetch(tex, ivec2(int(x), int(y)), 0); }'
      : 'vec4 pt_texelxy(sampler2D tex, ivec2 s, float x, float y) { return texture2D(tex, (vec2(x, y) + 0.5) / vec2(s)); }',
  pt_scalar: 'float pt_scalar(sampler2D tex, ivec2 s, float i) { return pt_texel(tex, s, i).r; }',
  // the value at this fragment's own texel: for an input laid out like the output (same texture width, same flat index)
  pt_here: (v) =>
    v === 2
      ? 'float pt_here(sampler2D tex, ivec2 s) { return texelFetch(tex, ivec2(gl_FragCoord.xy), 0).r; }'
      : 'float pt_here(sampler2D tex, ivec2 s) { return texture2D(tex, gl_FragCoord.xy / vec2(s)).r; }',
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
