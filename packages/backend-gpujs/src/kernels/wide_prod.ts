import type { GpuTexture } from '../gpujs.js';
import type { GpuRuntime, NativeSpec } from '../runtime.js';
import { reduceInChunks } from '../util/chunks.js';
import { indexSpace } from '../util/shape.js';

// float32 products with a wider exponent: a state (acc, e) stands for acc·2^(64·e).
// Each term is scaled by 2^±64 into [2^-64, 2^64] and acc renormalized into
// [2^-32, 2^32] after every product (scalings by powers of two are exact), so no
// partial product over- or underflows: 3e38 · 10 · 1e-30 is 3e9, not Infinity.
// Each product still rounds once (the contract's γ_n); NaN and ±Infinity are
// never scaled and propagate as IEEE products do.

const HI = '1.8446744073709552e19'; // 2^64
const LO = '5.421010862427522e-20'; // 2^-64
const NORM_HI = '4294967296.0'; // 2^32
const NORM_LO = '2.3283064365386963e-10'; // 2^-32

const NORMALIZE_GLSL = `
  float aa = abs(acc);
  if (aa > ${NORM_HI} && !ptIsInf(acc)) { acc *= ${LO}; e += 1.0; }
  else if (aa < ${NORM_LO} && aa != 0.0) { acc *= ${HI}; e -= 1.0; }
  return vec4(acc, e, 0.0, 0.0);`;
const NORMALIZE_JS = `
  const aa = Math.abs(acc);
  if (aa > ${NORM_HI} && aa !== Infinity) { acc *= ${LO}; e += 1; }
  else if (aa < ${NORM_LO} && aa !== 0) { acc *= ${HI}; e -= 1; }
  return [Math.fround(acc), e, 0, 0];`;

/** (acc, e) times one term. */
const STEP: NativeSpec = {
  name: 'pstep',
  glsl: `vec4 pstep(vec4 st, float v, vec4 K) {
  float acc = st.x; float e = st.y;
  float av = abs(v);
  if (av > ${HI} && !ptIsInf(v)) { v *= ${LO}; e += 1.0; }
  else if (av < ${LO} && av != 0.0) {
    v *= ${HI}; e -= 1.0;
    if (abs(v) < ${LO}) { v *= ${HI}; e -= 1.0; }
  }
  acc *= v;${NORMALIZE_GLSL}
}`,
  js: `function pstep(st, v, K) {
  let acc = st[0]; let e = st[1];
  const av = Math.abs(v);
  if (av > ${HI} && av !== Infinity) { v *= ${LO}; e += 1; }
  else if (av < ${LO} && av !== 0) { v *= ${HI}; e -= 1; if (Math.abs(v) < ${LO}) { v *= ${HI}; e -= 1; } }
  acc = Math.fround(acc * v);${NORMALIZE_JS}
}`,
  args: [
    ['st', 'vec4'],
    ['v', 'float'],
    ['K', 'vec4'],
  ],
  returns: 'vec4',
};

/** (acc, e) times another state (a chunk's partial product). */
const COMBINE: NativeSpec = {
  name: 'pcomb',
  glsl: `vec4 pcomb(vec4 st, vec4 part) {
  float acc = st.x * part.x; float e = st.y + part.y;${NORMALIZE_GLSL}
}`,
  js: `function pcomb(st, part) {
  let acc = Math.fround(st[0] * part[0]); let e = st[1] + part[1];${NORMALIZE_JS}
}`,
  args: [
    ['st', 'vec4'],
    ['part', 'vec4'],
  ],
  returns: 'vec4',
};

/** acc·2^(64·e) as a float: with |acc| in [2^-32, 2^32], three steps reach ±Infinity or 0 when the product does. */
const FINISH: NativeSpec = {
  name: 'pfin',
  glsl: `float pfin(vec4 st) {
  float acc = st.x; float e = st.y;
  for (int k = 0; k < 3; k++) {
    if (e > 0.0) { acc *= ${HI}; e -= 1.0; } else if (e < 0.0) { acc *= ${LO}; e += 1.0; }
  }
  return acc;
}`,
  js: `function pfin(st) {
  let acc = st[0]; let e = st[1];
  for (let k = 0; k < 3; k++) {
    if (e > 0) { acc = Math.fround(acc * ${HI}); e -= 1; } else if (e < 0) { acc = Math.fround(acc * ${LO}); e += 1; }
  }
  return acc;
}`,
  args: [['st', 'vec4']],
  returns: 'float',
};

/**
 * The float32 product of each of `rows` contiguous rows of length `r` (r ≥ 1),
 * with the wide exponent above: chunks of a row reduce to partial states, the
 * partials combine (again in chunks while there are many; see reduceInChunks),
 * and a last pass turns each state into a float.
 */
export function wideProductRows(rt: GpuRuntime, src: GpuTexture, rows: number, r: number): GpuTexture {
  const tex = reduceInChunks(rt, src, rows, r, (terms) => ({
    key: `prod:wide:${terms ? 'terms' : 'combine'}`,
    input: terms ? 'tex' : 'tex4',
    init: 'let acc = [1.0, 0.0, 0.0, 0.0];',
    step: terms ? 'acc = pstep(acc, t, kc);' : 'acc = pcomb(acc, t);',
    returns: 'vec4',
    natives: [terms ? STEP : COMBINE],
  }));
  const space = indexSpace([rows], ['o'], rt.maxTextureSize);
  const out = rt.run(
    {
      key: `prod:wide:finish:${space.key}`,
      params: [['x', 'tex4'], ...space.params.map(([nm]) => [nm, 'float'] as const)],
      body: `${space.prologue}\nreturn pfin(rd4(x, o));`,
      natives: [FINISH],
    },
    space.dims,
    [tex, ...space.params.map(([, v]) => v)],
  );
  tex.delete();
  return out;
}
