/**
 * Float32 math in GLSL, accurate to the polytensor contract's ULP bounds on
 * any GPU whose + − × are IEEE float32 (GLSL ES 3.00 requires them correctly
 * rounded). GLSL's own exp/log/sin/cos/pow are allowed to be far off (the
 * spec allows (3 + 2|x|) ULP for exp, absolute 2^-21 for log near 1;
 * SwiftShader's sin is ~10^3 ULP off), so each function is a port of a
 * standard single-precision libm algorithm written with + − × ÷ only:
 * - exp, log, sin, cos: Cephes (expf, logf, sinf, cosf): Cody–Waite range
 *   reduction with split constants, then minimax polynomials;
 * - expm1, log1p, tanh: musl (expm1f, log1pf, tanhf);
 * - pow: log in double-float (Dekker products), the product y·log x in
 *   double-float, then exp of the double-float result (≤ 2 ULP);
 * - division and sqrt: the hardware result plus one exact-residual
 *   correction (GLSL ES allows 2.5 ULP for a / b).
 * Special values (NaN, ±Inf, ±0, overflow, underflow) are spelled out.
 *
 * The host program declares `vec4 ptEnv` before these functions, equal to
 * (1, +Infinity, NaN, 0) at run time: a uniform, or a global copied from one
 * (gpu.js). Shader compilers fold float expressions as if they were real
 * numbers (SwiftShader's SPIR-V optimizer rewrites (1 + x) − 1 to x and x·0
 * to 0; Mesa's NIR rewrites (a + b) − a to b; ANGLE writes infinite constants
 * as FLT_MAX), which silently deletes the error-compensation terms these
 * algorithms rely on. Every operand such a rewrite could see through goes
 * through `ptK`, an identity no compiler can prove (a select on ptEnv.x),
 * and the special values come from ptEnv (or from bits in GLSL ES 3.00).
 *
 * GLSL ES 1.00 compatible (WebGL 1): no bit operations there (the ES 3.00
 * versions of the primitives use them), loops with constant bounds.
 */
import type { WebGLVersion } from '../context.js';
import { GlslLibrary, type GlslSource } from './library.js';

/** Exact tests and constants, from bits in GLSL ES 3.00 and from comparisons and ptEnv in 1.00. */
const PRIMITIVES: Record<string, GlslSource> = {
  ptNaN: 'float ptNaN() { return ptEnv.z; }',
  ptInf: (v: WebGLVersion) => (v === 2 ? 'float ptInf() { return uintBitsToFloat(0x7f800000u); }' : 'float ptInf() { return ptEnv.y; }'),
  // ES 1.00: comparisons that are all false only for NaN (x != x may be folded to false); any(), not a
  // short-circuit ||, which is control flow (see ptDiv)
  ptIsNaN: (v) =>
    v === 2
      ? 'bool ptIsNaN(float x) { return (floatBitsToUint(x) & 0x7fffffffu) > 0x7f800000u; }'
      : 'bool ptIsNaN(float x) { return !any(bvec3(x > 0.0, x < 1.0, x == 0.0)); }',
  ptIsInf: (v) =>
    v === 2 ? 'bool ptIsInf(float x) { return (floatBitsToUint(x) & 0x7fffffffu) == 0x7f800000u; }' : 'bool ptIsInf(float x) { return abs(x) == ptInf(); }',
  ptSignBit: (v) =>
    v === 2
      ? 'bool ptSignBit(float x) { return (floatBitsToUint(x) & 0x80000000u) != 0u; }'
      : 'bool ptSignBit(float x) { return x < 0.0 || (x == 0.0 && 1.0 / x < 0.0); }',
  // 2^k for -126 <= k <= 127 (ES 1.00: exact powers of two by repeated squaring)
  ptPow2i: (v) =>
    v === 2
      ? 'float ptPow2i(int k) { return intBitsToFloat((k + 127) << 23); }'
      : `float ptPow2i(int k) {
  float b = k < 0 ? 0.5 : 2.0;
  int n = k < 0 ? -k : k;
  float p = 1.0;
  for (int i = 0; i < 7; i++) {
    int h = n / 2;
    p *= n - 2 * h == 1 ? b : 1.0; // a select, not a branch (see ptDiv)
    b *= b;
    n = h;
  }
  return p;
}`,
  // x = m * 2^e with m in [0.5, 1), for normal x > 0
  ptFrexp: (v) =>
    v === 2
      ? `float ptFrexp(float x, out int e) {
  int bits = floatBitsToInt(x);
  e = ((bits >> 23) & 0xff) - 126;
  return intBitsToFloat((bits & 0x007fffff) | 0x3f000000);
}`
      : `float ptFrexp(float x, out int e) {
  int k = int(floor(log2(x))) + 1;
  int h = k / 2;
  float m = x * ptPow2i(-h) * ptPow2i(h - k);
  if (m >= 1.0) { m *= 0.5; k += 1; }
  if (m < 0.5) { m *= 2.0; k -= 1; }
  e = k;
  return m;
}`,
  // an identity the optimizer cannot see through (ptEnv.x = 1 at run time)
  ptK: 'float ptK(float x) { return ptEnv.x > 0.0 ? x : -x; }',
};

/** Error-free transformations (Dekker / Knuth) and correctly rounded ÷ and √. */
const EXACT_ARITHMETIC: Record<string, GlslSource> = {
  ptTwoProd: `vec2 ptTwoProd(float a, float b) {
  float p = a * b;
  float c = (4097.0 * ptEnv.x) * a; float ah = c - ptK(c - ptK(a)); float al = a - ptK(ah);
  float d = (4097.0 * ptEnv.x) * b; float bh = d - ptK(d - ptK(b)); float bl = b - ptK(bh);
  float e = ((ah * bh - ptK(p)) + ah * bl + al * bh) + al * bl;
  return vec2(p, e);
}`,
  ptFastTwoSum: 'vec2 ptFastTwoSum(float a, float b) { float s = a + b; return vec2(s, b - ptK(s - ptK(a))); }',
  ptTwoSum: `vec2 ptTwoSum(float a, float b) {
  float s = a + b;
  float bb = s - ptK(a);
  return vec2(s, (a - ptK(s - ptK(bb))) + (b - ptK(bb)));
}`,
  // One correction step where q is finite and nonzero and the residual cannot overflow or
  // underflow (1e-30 ≤ |q| < ∞, 1e-30 ≤ |b| ≤ 1e37, |a| ≤ 1e37; NaN fails every test), else q.
  // Branch-free: the tests are combined with all() and the correction is always computed, then
  // selected. A chain of || or an early return is control flow, and a SIMD rasterizer
  // (SwiftShader) ran the division with it ~2× slower than with this select.
  ptDiv: `float ptDiv(float a, float b) {
  float q = a / b;
  float aq = abs(q);
  float ab = abs(b);
  bool ok = all(bvec2(all(greaterThanEqual(vec4(aq, ab, 1e37, 1e37), vec4(1e-30, 1e-30, ab, abs(a)))), aq < ptInf()));
  vec2 p = ptTwoProd(q, b);
  float r = (a - ptK(p.x)) - p.y;
  float c = q + r / b;
  return ok ? c : q;
}`,
  ptSqrt: `float ptSqrt(float x) {
  if (ptIsNaN(x)) return x;
  if (x == 0.0) return ptSignBit(x) ? -0.0 : 0.0; // ±0, and a subnormal the device reads as zero
  if (x < 0.0) return ptNaN();
  if (ptIsInf(x)) return x;
  float s = sqrt(x);
  if (x > 1e37 || x < 1e-30) return s;
  vec2 p = ptTwoProd(s, s);
  float r = (x - ptK(p.x)) - p.y;
  return s + r / (2.0 * s);
}`,
  ptRsqrt: `float ptRsqrt(float x) {
  if (ptIsNaN(x)) return x;
  if (x == 0.0) return 1.0 / (ptSignBit(x) ? -0.0 : 0.0);
  if (x < 0.0) return ptNaN();
  if (ptIsInf(x)) return 0.0;
  return ptDiv(1.0, ptSqrt(x));
}`,
};

/** exp, expm1, log, log1p and what is built on them. */
const EXP_LOG: Record<string, GlslSource> = {
  ptExpPoly: `float ptExpPoly(float r) {
  float z = r * r;
  return (((((1.9875691500e-4 * r + 1.3981999507e-3) * r + 8.3334519073e-3) * r + 4.1665795894e-2) * r
    + 1.6666665459e-1) * r + 5.0000001201e-1) * z + r + 1.0;
}`,
  // p·2^k in two exact steps, so subnormal and overflowing results round once
  ptScale2: `float ptScale2(float p, int k) {
  int h = k / 2;
  return p * ptPow2i(h) * ptPow2i(k - h);
}`,
  // Cephes expf
  // Branch-free (see ptDiv): the special cases are selected after the polynomial, which runs
  // on a clamped k for them (k of an in-range x is within [−150, 128] already).
  ptExp: `float ptExp(float x) {
  float k = floor(x * 1.44269504088896341 + 0.5);
  float r = x - k * 0.693359375;
  r = r - k * -2.12194440e-4;
  float y = ptScale2(ptExpPoly(r), int(clamp(k, -150.0, 128.0)));
  y = x < -103.972084045410 ? 0.0 : y;
  y = x >= 88.72283935546875 ? ptInf() : y;
  return ptIsNaN(x) ? x : y;
}`,
  // musl expm1f, branch-free (see ptDiv): every case is computed and the one that applies is
  // selected, in musl's order of returns (NaN, the saturated tails, tiny x, then by k)
  ptExpm1: `float ptExpm1(float x0) {
  float ax = abs(x0);
  bool reduce = ax > 0.34657359;
  // k = ±1 with the split ln 2 below 1.0397 in magnitude, else k = round(x / ln 2)
  bool near = ax < 1.0397208;
  float t = x0 * 1.4426950216 + (x0 < 0.0 ? -0.5 : 0.5);
  t = t < 0.0 ? ceil(t) : floor(t);
  float hiN = x0 > 0.0 ? x0 - 6.9313812256e-01 * ptEnv.x : x0 + 6.9313812256e-01 * ptEnv.x;
  float loN = x0 > 0.0 ? 9.0580006145e-06 * ptEnv.x : -9.0580006145e-06 * ptEnv.x;
  float hi = near ? hiN : x0 - t * 6.9313812256e-01;
  float lo = near ? loN : t * 9.0580006145e-06;
  float xr = hi - lo;
  float x = reduce ? xr : x0;
  float c = reduce ? (hi - ptK(xr)) - lo : 0.0;
  int k = reduce ? (near ? (x0 > 0.0 ? 1 : -1) : int(clamp(t, -64.0, 128.0))) : 0;
  float hfx = 0.5 * x;
  float hxs = x * hfx;
  float r1 = 1.0 + hxs * (-3.3333212137e-2 + hxs * 1.5807170421e-3);
  float tt = 3.0 - r1 * hfx;
  float e = hxs * ((r1 - tt) / (6.0 - x * tt));
  float y0 = x - (x * e - hxs);
  e = x * (e - c) - c;
  e -= hxs;
  float twopk = ptPow2i(int(clamp(float(k), -126.0, 127.0)));
  float twomk = ptPow2i(int(clamp(float(-k), -126.0, 127.0)));
  float y = (x - e + (1.0 - twomk)) * twopk;
  y = k < 23 ? y : (x - (e + twomk) + 1.0) * twopk;
  y = any(bvec2(k < 0, k > 56)) ? ptScale2(x - e + 1.0, k) - 1.0 : y;
  y = k == 1 ? (x < -0.25 ? -2.0 * (e - (x + 0.5)) : 1.0 + 2.0 * (x - e)) : y;
  y = k == -1 ? 0.5 * (x - e) - 0.5 : y;
  y = k == 0 ? y0 : y;
  y = ax < 2.98023224e-8 ? x0 : y;
  y = x0 <= -18.714973875 ? -1.0 : y;
  y = x0 >= 88.72283935546875 ? ptInf() : y;
  return ptIsNaN(x0) ? x0 : y;
}`,
  // Cephes logf
  ptLog: `float ptLog(float x) {
  if (ptIsNaN(x)) return x;
  if (x == 0.0) return -ptInf();
  if (x < 0.0) return ptNaN();
  if (ptIsInf(x)) return x;
  int e;
  float m = ptFrexp(x, e);
  if (m < 0.70710678118654752440) { e -= 1; m = m + m - 1.0; } else { m = m - 1.0; }
  float z = m * m;
  float y = ((((((((7.0376836292e-2 * m - 1.1514610310e-1) * m + 1.1676998740e-1) * m - 1.2420140846e-1) * m
    + 1.4249322787e-1) * m - 1.6668057665e-1) * m + 2.0000714765e-1) * m - 2.4999993993e-1) * m
    + 3.3333331174e-1) * m * z;
  float fe = float(e);
  y += -2.12194440e-4 * fe;
  y += -0.5 * z;
  m = m + y;
  m += 0.693359375 * fe;
  return m;
}`,
  // musl log1pf
  ptLog1p: `float ptLog1p(float x) {
  if (ptIsNaN(x)) return x;
  if (x == -1.0) return -ptInf();
  if (x < -1.0) return ptNaN();
  if (ptIsInf(x)) return x;
  float f; float c = 0.0; int k = 1;
  if (x < 0.41421353816986084) {
    if (abs(x) < 5.9604645e-8) return x;
    if (x >= -0.2928932309150696) { k = 0; f = x; }
  }
  if (k != 0) {
    float u = 1.0 + x;
    int e;
    float m = ptFrexp(u, e);
    if (m < 0.70710677) { m *= 2.0; e -= 1; }
    k = e;
    if (k < 25) {
      c = k >= 2 ? 1.0 - ptK(ptK(u) - x) : x - ptK(ptK(u) - 1.0);
      c /= u;
    }
    f = m - 1.0;
  }
  float s = f / (2.0 + f);
  float z = s * s;
  float w = z * z;
  float t1 = w * (0.40000972152 + w * 0.24279078841);
  float t2 = z * (0.66666662693 + w * 0.28498786688);
  float R = t2 + t1;
  float hfsq = 0.5 * f * f;
  float dk = float(k);
  return s * (hfsq + R) + (dk * 9.0580006145e-06 + c) - hfsq + f + dk * 6.9313812256e-01;
}`,
  // 1 / (1 + e^−x) for x ≥ 0, e^x / (1 + e^x) below: one exp of −|x| serves both
  // sides, so lanes of mixed sign (a SIMD group runs every branch its lanes take) run one exp, not two
  ptSigmoid: `float ptSigmoid(float x) {
  float e = ptExp(-abs(x));
  float y = ptDiv(x >= 0.0 ? 1.0 : e, 1.0 + e);
  return ptIsNaN(x) ? x : y;
}`,
  // musl tanhf
  // musl tanhf, branch-free (see ptDiv): one expm1, of 2|x| or −2|x| as musl's ranges take it,
  // then the range's formula selected
  ptTanh: `float ptTanh(float x) {
  float ax = abs(x);
  float e = ptExpm1((ax > 0.255412817 ? 2.0 : -2.0) * ax);
  float t = -e / (e + 2.0);
  t = ax > 0.255412817 ? e / (e + 2.0) : t;
  t = ax > 0.549306154 ? 1.0 - 2.0 / (e + 2.0) : t;
  t = ax > 10.0 ? 1.0 : t;
  t = x < 0.0 ? -t : t;
  return any(bvec2(ax < 1.17549435e-38, ptIsNaN(x))) ? x : t;
}`,
  // the contract's formula: log1p(exp(−|x|)) + max(x, 0)
  ptSoftplus: `float ptSoftplus(float x) {
  if (ptIsNaN(x)) return x;
  return ptLog1p(ptExp(-abs(x))) + max(x, 0.0);
}`,
};

/** sin and cos (Cephes sinf, cosf): reduction by π/4 in three parts, then the sine or cosine polynomial. */
const TRIG: Record<string, GlslSource> = {
  ptSinCosReduce: `float ptSinCosReduce(float x, out int j) {
  float y = floor(x * 1.27323954473516);
  j = int(y);
  if (j - (j / 2) * 2 == 1) { j += 1; y += 1.0; }
  j = j - (j / 8) * 8;
  return ((x - y * 0.78515625) - y * 2.4187564849853515625e-4) - y * 3.77489497744594108e-8;
}`,
  ptSinPoly: `float ptSinPoly(float x) {
  float z = x * x;
  return ((-1.9515295891e-4 * z + 8.3321608736e-3) * z - 1.6666654611e-1) * z * x + x;
}`,
  ptCosPoly: `float ptCosPoly(float x) {
  float z = x * x;
  float y = ((2.443315711809948e-5 * z - 1.388731625493765e-3) * z + 4.166664568298827e-2) * z * z;
  return 1.0 - 0.5 * z + y;
}`,
  ptSin: `float ptSin(float x) {
  if (ptIsNaN(x) || ptIsInf(x)) return ptNaN();
  if (x == 0.0) return x;
  float sgn = x < 0.0 ? -1.0 : 1.0;
  int j;
  float r = ptSinCosReduce(abs(x), j);
  if (j > 3) { sgn = -sgn; j -= 4; }
  float y = (j == 1 || j == 2) ? ptCosPoly(r) : ptSinPoly(r);
  return sgn * y;
}`,
  ptCos: `float ptCos(float x) {
  if (ptIsNaN(x) || ptIsInf(x)) return ptNaN();
  float sgn = 1.0;
  int j;
  float r = ptSinCosReduce(abs(x), j);
  if (j > 3) { j -= 4; sgn = -sgn; }
  if (j > 1) sgn = -sgn;
  float y = (j == 1 || j == 2) ? ptSinPoly(r) : ptCosPoly(r);
  return sgn * y;
}`,
  // half to even, exact for every float32 (|x| ≥ 2^23 is already an integer)
  ptRoundEven: `float ptRoundEven(float x) {
  if (!(abs(x) < 8388608.0)) return x;
  float f = floor(x);
  float d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1.0;
  return f - 2.0 * floor(f * 0.5) == 0.0 ? f : f + 1.0;
}`,
};

/** pow with C99's special cases; the finite positive case in double-float. */
const POW: Record<string, GlslSource> = {
  // log(a) for normal a > 0 as a double-float (hi, lo)
  ptLogDF: `vec2 ptLogDF(float a) {
  int e;
  float m = ptFrexp(a, e);
  if (m < 0.70710678) { m *= 2.0; e -= 1; }
  float f = m - 1.0;
  vec2 u = ptFastTwoSum(2.0 * ptEnv.x, f);
  float sh = f / u.x;
  vec2 p = ptTwoProd(sh, u.x);
  float sl = (((f - ptK(p.x)) - p.y) - sh * u.y) / u.x;
  float z = sh * sh;
  float tail = sh * z * (0.66666666666 + z * (0.4 + z * (0.28571428571 + z * (0.22222222222 + z * (0.18181818181 + z * 0.15384615384)))));
  vec2 lm = ptFastTwoSum(2.0 * sh, 2.0 * sl + tail);
  float fe = float(e);
  vec2 le = ptTwoSum(fe * 0.693145751953125, lm.x);
  float lo = le.y + lm.y + fe * 1.4286068203094172e-06;
  return ptFastTwoSum(le.x, lo);
}`,
  // exp(hi + lo)
  ptExpDF: `float ptExpDF(vec2 t) {
  if (t.x >= 88.72283935546875) return ptInf();
  if (t.x < -103.972084045410) return 0.0;
  float k = floor(t.x * 1.44269504088896341 + 0.5);
  float r = t.x - k * 0.693145751953125;
  r = r - k * 1.4286068203094172e-06;
  r = r + t.y;
  return ptScale2(ptExpPoly(r), int(k));
}`,
  ptPowPos: `float ptPowPos(float a, float b) {
  if (a == 1.0) return 1.0;
  vec2 L = ptLogDF(a);
  float t0 = b * L.x;
  if (!(abs(t0) < 150.0)) return t0 > 0.0 ? ptInf() : 0.0;
  vec2 t = ptTwoProd(b, L.x);
  t.y += b * L.y;
  return ptExpDF(ptFastTwoSum(t.x, t.y));
}`,
  ptIsOddInt: `bool ptIsOddInt(float y) {
  if (!(abs(y) < 16777216.0) || floor(y) != y) return false;
  float h = y * 0.5;
  return floor(h) != h;
}`,
  ptPow: `float ptPow(float a, float b) {
  if (b == 0.0) return 1.0;
  if (a == 1.0) return 1.0;
  if (ptIsNaN(a) || ptIsNaN(b)) return ptNaN();
  bool odd = ptIsOddInt(b);
  if (ptIsInf(b)) {
    float aa = abs(a);
    if (aa == 1.0) return 1.0;
    return (aa < 1.0) == (b > 0.0) ? 0.0 : ptInf();
  }
  if (a == 0.0) {
    if (b < 0.0) return odd ? 1.0 / a : ptInf();
    return odd ? a : 0.0;
  }
  if (ptIsInf(a)) {
    if (a > 0.0) return b > 0.0 ? a : 0.0;
    if (b > 0.0) return odd ? a : -a;
    return odd ? -0.0 : 0.0;
  }
  if (a < 0.0) {
    if (floor(b) != b) return ptNaN();
    float r = ptPowPos(-a, b);
    return odd ? -r : r;
  }
  return ptPowPos(a, b);
}`,
};

/**
 * The library: every function above by name. `MATH_GLSL.definitions(code,
 * version)` is the source a program calling them needs (after its
 * declaration of `vec4 ptEnv`).
 */
export const MATH_GLSL = new GlslLibrary({ ...PRIMITIVES, ...EXACT_ARITHMETIC, ...EXP_LOG, ...TRIG, ...POW });

/** The run-time value of `ptEnv` every program using MATH_GLSL must receive: (1, +Infinity, NaN, 0). */
export const PT_ENV: readonly [number, number, number, number] = [1, Infinity, NaN, 0];
