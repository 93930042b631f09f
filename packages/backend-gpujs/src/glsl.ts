// The GLSL helpers gpu.js kernels call as native functions: texel fetches by
// flat index without integer div/mod, and float32 math with pinned special
// values and bounded error. They are written for GLSL ES 1.00 (WebGL 1,
// headless-gl) and 3.00 (WebGL 2: texelFetch).
//
// Every helper that needs +Inf, NaN or an opaque 1.0 takes `vec4 K` =
// (1, +Inf, NaN, 0), a uniform each kernel receives (argument `K`). Compile-time
// constants will not do: ANGLE writes infinite constants as FLT_MAX, and Mesa
// folds (x + c) − c into x, even for c a uniform; multiplying by K.x (1 at run
// time, unknown to the compiler) keeps such Cody–Waite / Kahan steps exact.

export interface GlslTarget {
  /** GLSL ES 3.00 (texelFetch) rather than 1.00 (texture2D with normalised coordinates). */
  readonly webgl2: boolean;
}

interface Snippet {
  readonly deps: readonly string[];
  readonly code: (t: GlslTarget) => string;
}

const FLT_MAX = '3.4028234663852886e38';

const SNIPPETS: Record<string, Snippet> = {
  // ---- fetches ----
  pt_coord: {
    deps: [],
    code: (t) =>
      t.webgl2
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
  },
  pt_texel: {
    deps: ['pt_coord'],
    code: (t) =>
      t.webgl2
        ? `vec4 pt_texel(sampler2D tex, ivec2 s, float i) { return texelFetch(tex, pt_coord(i, s), 0); }`
        : `vec4 pt_texel(sampler2D tex, ivec2 s, float i) { return texture2D(tex, pt_coord(i, s)); }`,
  },
  pt_texelxy: {
    deps: [],
    code: (t) =>
      t.webgl2
        ? `vec4 pt_texelxy(sampler2D tex, ivec2 s, float x, float y) { return texelFetch(tex, ivec2(int(x), int(y)), 0); }`
        : `vec4 pt_texelxy(sampler2D tex, ivec2 s, float x, float y) { return texture2D(tex, (vec2(x, y) + 0.5) / vec2(s)); }`,
  },
  pt_scalar: {
    deps: ['pt_texel'],
    code: () => `float pt_scalar(sampler2D tex, ivec2 s, float i) { return pt_texel(tex, s, i).r; }`,
  },

  // ---- float32 math ----
  pt_isnan: { deps: [], code: () => `bool pt_isnan(float x) { return x != x; }` },
  pt_isinf: { deps: [], code: () => `bool pt_isinf(float x) { return abs(x) > ${FLT_MAX}; }` },
  pt_pow2i: {
    deps: [],
    // 2^e for an integer e in [-127, 127], built from exact power-of-two constants
    // (exp2 is approximate on some GPUs).
    code: () => `float pt_pow2i(float e) {
  float r = 1.0;
  float a = abs(e);
  bool n = e < 0.0;
  if (a >= 64.0) { r *= n ? 5.421010862427522e-20 : 18446744073709551616.0; a -= 64.0; }
  if (a >= 32.0) { r *= n ? 2.3283064365386963e-10 : 4294967296.0; a -= 32.0; }
  if (a >= 16.0) { r *= n ? 0.0000152587890625 : 65536.0; a -= 16.0; }
  if (a >= 8.0) { r *= n ? 0.00390625 : 256.0; a -= 8.0; }
  if (a >= 4.0) { r *= n ? 0.0625 : 16.0; a -= 4.0; }
  if (a >= 2.0) { r *= n ? 0.25 : 4.0; a -= 2.0; }
  if (a >= 1.0) { r *= n ? 0.5 : 2.0; }
  return r;
}`,
  },
  pt_ldexp: {
    deps: ['pt_pow2i'],
    // m · 2^e for e in [-254, 254]: two exact power-of-two factors, one final rounding
    // (so subnormal and overflowing results round once).
    code: () => `float pt_ldexp(float m, float e, vec4 K) {
  float e1 = floor(e * 0.5);
  float a = (m * pt_pow2i(e1)) * K.x;
  return a * pt_pow2i(e - e1);
}`,
  },
  pt_exp: {
    deps: ['pt_ldexp'],
    // Cephes expf: Cody–Waite reduction by ln 2, degree-6 polynomial; ≈ 1 ULP.
    code: () => `float pt_exp(float x, vec4 K) {
  if (x != x) return x;
  if (x > 88.72283935546875) return K.y;
  if (x < -104.0) return 0.0;
  float n = floor(x * 1.4426950408889634 + 0.5);
  float r = (x - n * 0.693359375) * K.x;
  r = r - n * -2.12194440e-4;
  float z = r * r;
  float p = (((((1.9875691500e-4 * r + 1.3981999507e-3) * r + 8.3334519073e-3) * r + 4.1665795894e-2) * r
    + 1.6666665459e-1) * r + 5.0000001201e-1) * z + r + 1.0;
  return pt_ldexp(p, n, K);
}`,
  },
  pt_expm1s: {
    deps: [],
    // expm1 on |x| ≤ 0.35: Taylor series to degree 8 (truncation < 1e-9 relative).
    code: () => `float pt_expm1s(float x) {
  return x + x * x * (0.5 + x * (0.16666666666666666 + x * (0.041666666666666664 + x * (0.008333333333333333
    + x * (0.001388888888888889 + x * (0.0001984126984126984 + x * 0.0000248015873015873))))));
}`,
  },
  pt_expm1: {
    deps: ['pt_expm1s', 'pt_pow2i', 'pt_ldexp'],
    // expm1(x) = 2^n·expm1(r) + (2^n − 1) with r = x − n·ln 2.
    code: () => `float pt_expm1(float x, vec4 K) {
  if (x != x) return x;
  if (x > 88.72283935546875) return K.y;
  if (x < -17.5) return -1.0;
  if (abs(x) < 0.3465735902799727) return pt_expm1s(x);
  float n = floor(x * 1.4426950408889634 + 0.5);
  float r = (x - n * 0.693359375) * K.x;
  r = r - n * -2.12194440e-4;
  float em = pt_expm1s(r);
  if (n > 100.0) return pt_ldexp(em + 1.0, n, K);
  float t = pt_pow2i(n);
  return t * em + (t - 1.0);
}`,
  },
  pt_log: {
    deps: ['pt_ldexp'],
    // Cephes logf: x = m·2^e with m in [√½, √2), degree-9 polynomial in m − 1; ≈ 1 ULP.
    code: () => `float pt_log(float x, vec4 K) {
  if (x != x) return x;
  if (x < 0.0) return K.z;
  if (x == 0.0) return -K.y;
  if (x > ${FLT_MAX}) return x;
  float e = 0.0;
  if (x < 1.1754943508222875e-38) { x *= 16777216.0; e = -24.0; }
  float k = floor(log2(x));
  float m = pt_ldexp(x, -k, K);
  if (m >= 2.0) { m *= 0.5; k += 1.0; }
  if (m < 1.0) { m *= 2.0; k -= 1.0; }
  float ex = k + e;
  if (m > 1.4142135623730951) { m *= 0.5; ex += 1.0; }
  float f = (m - 1.0) * K.x;
  float z = f * f;
  float y = ((((((((7.0376836292e-2 * f - 1.1514610310e-1) * f + 1.1676998740e-1) * f - 1.2420140846e-1) * f
    + 1.4249322787e-1) * f - 1.6668057665e-1) * f + 2.0000714765e-1) * f - 2.4999993993e-1) * f
    + 3.3333331174e-1) * f * z;
  y = (y + -2.12194440e-4 * ex) * K.x;
  y = (y - 0.5 * z) * K.x;
  float r = (f + y) * K.x;
  return r + 0.693359375 * ex;
}`,
  },
  pt_log1p: {
    deps: ['pt_log'],
    // log(u) + (x − (u − 1))/u with u = 1 + x rounded: the correction restores what the rounding lost.
    code: () => `float pt_log1p(float x, vec4 K) {
  if (x != x) return x;
  if (x > ${FLT_MAX}) return x;
  if (x < -1.0) return K.z;
  if (x == -1.0) return -K.y;
  if (abs(x) < 1e-4) return x * (1.0 - x * (0.5 - x * 0.3333333333333333));
  float u = (1.0 + x) * K.x;
  float d = (u - K.x) * K.x;
  return pt_log(u, K) + (x - d) / u;
}`,
  },
  pt_tanh: {
    deps: ['pt_expm1'],
    // Cephes tanhf below 0.625; expm1(2|x|)/(expm1(2|x|) + 2) above.
    code: () => `float pt_tanh(float x, vec4 K) {
  if (x != x) return x;
  float a = abs(x);
  if (a < 0.625) {
    float z = x * x;
    return ((((-5.70498872745e-3 * z + 2.06390887954e-2) * z - 5.37397155531e-2) * z + 1.33314422036e-1) * z
      - 3.33332819422e-1) * z * x + x;
  }
  float t = 1.0;
  if (a < 20.0) {
    float em = pt_expm1(2.0 * a, K);
    t = em / (em + 2.0);
  }
  return x < 0.0 ? -t : t;
}`,
  },
  pt_sigmoid: {
    deps: ['pt_exp'],
    code: () => `float pt_sigmoid(float x, vec4 K) {
  if (x != x) return x;
  if (x >= 0.0) return 1.0 / (1.0 + pt_exp(-x, K));
  float e = pt_exp(x, K);
  return e / (1.0 + e);
}`,
  },
  pt_softplus: {
    deps: ['pt_exp', 'pt_log1p'],
    // The contract's formula: log1p(exp(−|x|)) + max(x, 0).
    code: () => `float pt_softplus(float x, vec4 K) {
  if (x != x) return x;
  return pt_log1p(pt_exp(-abs(x), K), K) + max(x, 0.0);
}`,
  },
  pt_sincos: {
    deps: [],
    // Cephes sinf/cosf: reduction by π/4 in three parts (exact products for |x| < 8192), then
    // the sine or cosine polynomial on |z| ≤ π/4.
    code: () => `float pt_sincos(float x, bool wantCos, vec4 K) {
  if (x != x || abs(x) > ${FLT_MAX}) return K.z;
  float sgn = 1.0;
  float a = abs(x);
  if (!wantCos && x < 0.0) sgn = -1.0;
  float j = floor(a * 1.2732395447351628);
  float y = j;
  if (mod(j, 2.0) == 1.0) { j += 1.0; y += 1.0; }
  j = mod(j, 8.0);
  if (j > 3.0) { sgn = -sgn; j -= 4.0; }
  if (wantCos && j > 1.0) sgn = -sgn;
  float z = (a - y * 0.78515625) * K.x;
  z = (z - y * 2.4187564849853515625e-4) * K.x;
  z = (z - y * 3.77489497744594108e-8) * K.x;
  float zz = z * z;
  float s = ((-1.9515295891e-4 * zz + 8.3321608736e-3) * zz - 1.6666654611e-1) * zz * z + z;
  float c = ((2.443315711809948e-5 * zz - 1.388731625493765e-3) * zz + 4.166664568298827e-2) * zz * zz - 0.5 * zz + 1.0;
  bool useCos = (j == 1.0 || j == 2.0) != wantCos;
  float r = useCos ? c : s;
  return sgn < 0.0 ? -r : r;
}`,
  },
  pt_round: {
    deps: [],
    // Half to even, exact for every float32 (|x| ≥ 2^23 is already an integer).
    code: () => `float pt_round(float x) {
  if (!(abs(x) < 8388608.0)) return x;
  float f = floor(x);
  float d = x - f;
  if (d > 0.5) return f + 1.0;
  if (d < 0.5) return f;
  return mod(f, 2.0) == 0.0 ? f : f + 1.0;
}`,
  },
  pt_pow: {
    deps: ['pt_exp', 'pt_log', 'pt_two'],
    code: () => `float pt_pow(float x, float y, vec4 K) {
  if (y == 0.0) return 1.0;
  if (x != x || y != y) return K.z;
  float ay = abs(y);
  float ax = abs(x);
  bool yInt = floor(y) == y;
  bool yOdd = yInt && ay < 16777216.0 && mod(ay, 2.0) == 1.0;
  if (ay > ${FLT_MAX}) {
    if (ax == 1.0) return K.z;
    return (ax > 1.0) == (y > 0.0) ? K.y : 0.0;
  }
  if (ax > ${FLT_MAX} || ax == 0.0) {
    // ±Inf or ±0 base: magnitude Inf or 0; sign kept for odd integer exponents
    bool big = (ax == 0.0) != (y > 0.0);
    float m = big ? K.y : 0.0;
    bool neg = x < 0.0 || (x == 0.0 && 1.0 / x < 0.0);
    return (neg && yOdd) ? -m : m;
  }
  if (x < 0.0 && !yInt) return K.z;
  if (ax == 1.0) return (x < 0.0 && yOdd) ? -1.0 : 1.0;
  // far outside the float range either way: decide before the exact product could overflow
  float approx = y * log2(ax);
  if (approx > 140.0) return (x < 0.0 && yOdd) ? -K.y : K.y;
  if (approx < -170.0) return (x < 0.0 && yOdd) ? -0.0 : 0.0;
  float r = pt_powabs(ax, y, K);
  return (x < 0.0 && yOdd) ? -r : r;
}`,
  },
  pt_two: {
    deps: ['pt_pow2i', 'pt_ldexp', 'pt_exp'],
    // |x|^y for finite x > 0 in double-float: ln x = k·ln2 + f + R (f = m − 1 exact),
    // t = y·ln x as th + tl (Dekker product), result exp(th)·(1 + tl).
    code: () => `float pt_split_hi(float a, vec4 K) {
  float c = (4097.0 * a) * K.x;
  return (c - (c - a) * K.x) * K.x;
}
float pt_powabs(float x, float y, vec4 K) {
  float e = 0.0;
  if (x < 1.1754943508222875e-38) { x *= 16777216.0; e = -24.0; }
  float k = floor(log2(x));
  float m = pt_ldexp(x, -k, K);
  if (m >= 2.0) { m *= 0.5; k += 1.0; }
  if (m < 1.0) { m *= 2.0; k -= 1.0; }
  k += e;
  if (m > 1.4142135623730951) { m *= 0.5; k += 1.0; }
  float f = (m - 1.0) * K.x;
  float z = f * f;
  float p = ((((((((7.0376836292e-2 * f - 1.1514610310e-1) * f + 1.1676998740e-1) * f - 1.2420140846e-1) * f
    + 1.4249322787e-1) * f - 1.6668057665e-1) * f + 2.0000714765e-1) * f - 2.4999993993e-1) * f
    + 3.3333331174e-1) * f * z;
  float R = (p - 0.5 * z) * K.x;
  // hi = k·ln2_hi + f (two-sum), lo = R + k·ln2_lo + error
  float a = k * 0.693145751953125;
  float hi = (a + f) * K.x;
  float bb = (hi - a) * K.x;
  float err = ((a - (hi - bb) * K.x) * K.x + (f - bb)) * K.x;
  float lo = (R + k * 1.4286068203094172e-6) * K.x;
  lo = (lo + err) * K.x;
  // t = y·(hi + lo): exact y·hi by Dekker's product
  float yh = pt_split_hi(y, K);
  float yl = (y - yh) * K.x;
  float hh = pt_split_hi(hi, K);
  float hl = (hi - hh) * K.x;
  float th = (y * hi) * K.x;
  float tl = ((((yh * hh - th) * K.x + yh * hl) * K.x + yl * hh) * K.x + yl * hl) * K.x;
  tl = (tl + y * lo) * K.x;
  float s = (th + tl) * K.x;
  float sl = (tl - (s - th) * K.x) * K.x;
  if (s > 88.8) return K.y;
  if (s < -104.5) return 0.0;
  float n = floor(s * 1.4426950408889634 + 0.5);
  float r = (s - n * 0.693359375) * K.x;
  r = (r - n * -2.12194440e-4) * K.x;
  r = (r + sl) * K.x;
  float zz = r * r;
  float q = (((((1.9875691500e-4 * r + 1.3981999507e-3) * r + 8.3334519073e-3) * r + 4.1665795894e-2) * r
    + 1.6666665459e-1) * r + 5.0000001201e-1) * zz + r + 1.0;
  float n1 = floor(n * 0.5);
  return ((q * pt_pow2i(n1)) * K.x) * pt_pow2i(n - n1);
}`,
  },
};

/** Snippet names in dependency order (each after what it uses), deduplicated. */
function resolve(names: readonly string[]): string[] {
  const out: string[] = [];
  const visit = (n: string): void => {
    if (out.includes(n)) return;
    const s = SNIPPETS[n];
    if (!s) throw new Error(`gpujs backend: unknown GLSL helper '${n}'`);
    for (const d of s.deps) visit(d);
    out.push(n);
  };
  for (const n of names) visit(n);
  return out;
}

/** The GLSL text defining `names` and everything they use, for gpu.js's `injectedNative`. */
export function glslLibrary(names: readonly string[], target: GlslTarget): string {
  return resolve(names)
    .map((n) => SNIPPETS[n]!.code(target))
    .join('\n');
}

/** Helper names a piece of GLSL calls (`pt_…(`), for dependency tracking. */
export function helpersUsedBy(glsl: string): string[] {
  const found = new Set<string>();
  for (const m of glsl.matchAll(/\b(pt_[a-z0-9_]+)\s*\(/g)) {
    const name = m[1]!;
    if (SNIPPETS[name]) found.add(name);
    else if (name === 'pt_powabs' || name === 'pt_split_hi') found.add('pt_two');
  }
  return [...found];
}
