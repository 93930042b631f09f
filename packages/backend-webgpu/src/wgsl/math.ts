/**
 * Float32 math in WGSL, accurate to the polytensor contract's ULP bounds on
 * any device whose + − × are IEEE float32 (Vulkan, Metal and D3D12 require
 * them correctly rounded). WGSL's own exp/log/sin/pow are allowed to be far
 * off (the spec gives exp 3 + 2·|x| ULP, log absolute 2^-21 near 1, sin
 * absolute 2^-11; x / y 2.5 ULP), so this is the algorithm set of
 * @polytensor/gpu-common's GLSL library (Cephes expf/logf/sinf/cosf, musl
 * expm1f/log1pf/tanhf, pow in double-float, ÷ and √ with one exact-residual
 * correction), written in WGSL with + − × only.
 *
 * Shader compilers fold float expressions as if they were real numbers
 * (SPIR-V optimizers rewrite (1 + x) − 1 to x), which deletes the
 * error-compensation terms these algorithms rely on. Every operand such a
 * rewrite could see through goes through `ptK`, an identity no compiler can
 * prove (a select on a uniform), and NaN/Infinity come from tfjs's
 * `uniforms.NAN` / `uniforms.INFINITY` (WGSL constant expressions cannot hold
 * them). Every program tfjs builds declares those uniforms.
 */
import { WgslLibrary } from './library.js';

/** Exact tests and constants, from bits. */
const PRIMITIVES: Record<string, string> = {
  ptNaN: 'fn ptNaN() -> f32 { return uniforms.NAN; }',
  ptInf: 'fn ptInf() -> f32 { return uniforms.INFINITY; }',
  ptOne: 'fn ptOne() -> f32 { return select(-1.0, 1.0, uniforms.INFINITY > 0.0); }',
  // an identity the optimizer cannot see through
  ptK: 'fn ptK(x: f32) -> f32 { return select(-x, x, uniforms.INFINITY > 0.0); }',
  ptIsNaN: 'fn ptIsNaN(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }',
  ptIsInf: 'fn ptIsInf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }',
  // WGSL compilers turn the literal -0.0 into +0 (Tint folds it): from bits instead
  ptNegZero: 'fn ptNegZero() -> f32 { return bitcast<f32>(0x80000000u); }',
  // a subnormal becomes a zero of its sign, as this device's arithmetic sees it (selections pass bits through unflushed)
  ptFlush: 'fn ptFlush(x: f32) -> f32 { let b = bitcast<u32>(x); return select(x, bitcast<f32>(b & 0x80000000u), (b & 0x7f800000u) == 0u); }',
  ptSignBit: 'fn ptSignBit(x: f32) -> bool { return (bitcast<u32>(x) & 0x80000000u) != 0u; }',
  // 2^k for -126 <= k <= 127
  ptPow2i: 'fn ptPow2i(k: i32) -> f32 { return bitcast<f32>((k + 127) << 23u); }',
  // x = m * 2^e with m in [0.5, 1), for finite x > 0 (subnormals scaled up first); returns (m, e)
  ptFrexp: `fn ptFrexp(x0: f32) -> vec2<f32> {
  var x = x0;
  var adj = 0;
  if (x < 1.17549435e-38) { x = x * 16777216.0; adj = -24; }
  let bits = bitcast<i32>(x);
  let e = ((bits >> 23u) & 0xff) - 126 + adj;
  return vec2<f32>(bitcast<f32>((bits & 0x007fffff) | 0x3f000000), f32(e));
}`,
  // half to even, exact for every float32 (|x| ≥ 2^23 is already an integer)
  ptRoundEven: `fn ptRoundEven(x: f32) -> f32 {
  if (!(abs(x) < 8388608.0)) { return x; }
  let f = floor(x);
  let d = x - f;
  if (d < 0.5) { return f; }
  if (d > 0.5) { return f + 1.0; }
  return select(f + 1.0, f, f - 2.0 * floor(f * 0.5) == 0.0);
}`,
};

/** Error-free transformations (Dekker / Knuth) and correctly rounded ÷ and √. */
const EXACT_ARITHMETIC: Record<string, string> = {
  ptTwoProd: `fn ptTwoProd(a: f32, b: f32) -> vec2<f32> {
  let p = a * b;
  let c = (4097.0 * ptOne()) * a; let ah = c - ptK(c - ptK(a)); let al = a - ptK(ah);
  let d = (4097.0 * ptOne()) * b; let bh = d - ptK(d - ptK(b)); let bl = b - ptK(bh);
  let e = ((ah * bh - ptK(p)) + ah * bl + al * bh) + al * bl;
  return vec2<f32>(p, e);
}`,
  ptFastTwoSum: 'fn ptFastTwoSum(a: f32, b: f32) -> vec2<f32> { let s = a + b; return vec2<f32>(s, b - ptK(s - ptK(a))); }',
  ptTwoSum: `fn ptTwoSum(a: f32, b: f32) -> vec2<f32> {
  let s = a + b;
  let bb = s - ptK(a);
  return vec2<f32>(s, (a - ptK(s - ptK(bb))) + (b - ptK(bb)));
}`,
  ptDiv: `fn ptDiv(a: f32, b: f32) -> f32 {
  let q = a / b;
  // finite, nonzero, no overflow/underflow in the residual: one correction step
  if (ptIsNaN(q) || ptIsInf(q) || q == 0.0 || ptIsInf(b) || abs(b) > 1e37 || abs(b) < 1e-30 || abs(a) > 1e37 || abs(q) < 1e-30) { return q; }
  let p = ptTwoProd(q, b);
  let r = (a - ptK(p.x)) - p.y;
  return q + r / b;
}`,
  ptSqrt: `fn ptSqrt(x: f32) -> f32 {
  if (ptIsNaN(x)) { return x; }
  if (x == 0.0) { return ptFlush(x); } // ±0 (or a subnormal the device reads as zero) as itself
  if (x < 0.0) { return ptNaN(); }
  if (ptIsInf(x)) { return x; }
  let s = sqrt(x);
  if (x > 1e37 || x < 1e-30) { return s; }
  let p = ptTwoProd(s, s);
  let r = (x - ptK(p.x)) - p.y;
  return s + r / (2.0 * s);
}`,
  ptRsqrt: `fn ptRsqrt(x: f32) -> f32 {
  if (ptIsNaN(x)) { return x; }
  if (x == 0.0) { return select(ptInf(), -ptInf(), ptSignBit(x)); }
  if (x < 0.0) { return ptNaN(); }
  if (ptIsInf(x)) { return 0.0; }
  return ptDiv(1.0, ptSqrt(x));
}`,
};

/** exp, expm1, log, log1p and what is built on them. */
const EXP_LOG: Record<string, string> = {
  ptExpPoly: `fn ptExpPoly(r: f32) -> f32 {
  let z = r * r;
  return (((((1.9875691500e-4 * r + 1.3981999507e-3) * r + 8.3334519073e-3) * r + 4.1665795894e-2) * r
    + 1.6666665459e-1) * r + 5.0000001201e-1) * z + r + 1.0;
}`,
  // p·2^k in two exact steps, so subnormal and overflowing results round once
  ptScale2: `fn ptScale2(p: f32, k: i32) -> f32 {
  let h = k / 2;
  return p * ptPow2i(h) * ptPow2i(k - h);
}`,
  // Cephes expf. The special cases are selected, not branched to: SwiftShader runs a branch
  // as masked SIMD code and paid ~25% of exp's time for the three early returns. Outside
  // [-103.97, 88.72) and for NaN the polynomial's value is computed and discarded (WGSL's
  // i32() clamps a huge k and gives some value for NaN, never undefined behaviour; i32 + and
  // << wrap), so every result is the same bits as before.
  ptExp: `fn ptExp(x: f32) -> f32 {
  let k = floor(x * 1.44269504088896341 + 0.5);
  var r = x - k * 0.693359375;
  r = r - k * -2.12194440e-4;
  let y = ptScale2(ptExpPoly(r), i32(k));
  return select(select(select(y, 0.0, x < -103.972084045410), ptInf(), x >= 88.72283935546875), x, ptIsNaN(x));
}`,
  // musl expm1f
  ptExpm1: `fn ptExpm1(x0: f32) -> f32 {
  var x = x0;
  if (ptIsNaN(x)) { return x; }
  let ax = abs(x);
  if (ax >= 18.714973875) {
    if (x < 0.0) { return -1.0; }
    if (x >= 88.72283935546875) { return ptInf(); }
  }
  var hi = 0.0; var lo = 0.0; var c = 0.0; var k = 0;
  if (ax > 0.34657359) {
    if (ax < 1.0397208) {
      if (x > 0.0) { hi = x - 6.9313812256e-01 * ptOne(); lo = 9.0580006145e-06 * ptOne(); k = 1; }
      else { hi = x + 6.9313812256e-01 * ptOne(); lo = -9.0580006145e-06 * ptOne(); k = -1; }
    } else {
      var t = x * 1.4426950216 + select(0.5, -0.5, x < 0.0);
      t = select(floor(t), ceil(t), t < 0.0);
      k = i32(t);
      hi = x - t * 6.9313812256e-01;
      lo = t * 9.0580006145e-06;
    }
    x = hi - lo;
    c = (hi - ptK(x)) - lo;
  } else if (ax < 2.98023224e-8) {
    return x;
  }
  let hfx = 0.5 * x;
  let hxs = x * hfx;
  let r1 = 1.0 + hxs * (-3.3333212137e-2 + hxs * 1.5807170421e-3);
  let t = 3.0 - r1 * hfx;
  var e = hxs * ((r1 - t) / (6.0 - x * t));
  if (k == 0) { return x - (x * e - hxs); }
  e = x * (e - c) - c;
  e = e - hxs;
  if (k == -1) { return 0.5 * (x - e) - 0.5; }
  if (k == 1) {
    if (x < -0.25) { return -2.0 * (e - (x + 0.5)); }
    return 1.0 + 2.0 * (x - e);
  }
  if (k < 0 || k > 56) {
    var y = x - e + 1.0;
    y = ptScale2(y, k);
    return y - 1.0;
  }
  let twopk = ptPow2i(k);
  if (k < 23) { return (x - e + (1.0 - ptPow2i(-k))) * twopk; }
  return (x - (e + ptPow2i(-k)) + 1.0) * twopk;
}`,
  // Cephes logf
  ptLog: `fn ptLog(x: f32) -> f32 {
  if (ptIsNaN(x)) { return x; }
  if (x == 0.0) { return -ptInf(); }
  if (x < 0.0) { return ptNaN(); }
  if (ptIsInf(x)) { return x; }
  let fr = ptFrexp(x);
  var m = fr.x;
  var e = i32(fr.y);
  if (m < 0.70710678118654752440) { e = e - 1; m = m + m - 1.0; } else { m = m - 1.0; }
  let z = m * m;
  var y = ((((((((7.0376836292e-2 * m - 1.1514610310e-1) * m + 1.1676998740e-1) * m - 1.2420140846e-1) * m
    + 1.4249322787e-1) * m - 1.6668057665e-1) * m + 2.0000714765e-1) * m - 2.4999993993e-1) * m
    + 3.3333331174e-1) * m * z;
  let fe = f32(e);
  y = y + -2.12194440e-4 * fe;
  y = y + -0.5 * z;
  m = m + y;
  m = m + 0.693359375 * fe;
  return m;
}`,
  // musl log1pf
  ptLog1p: `fn ptLog1p(x: f32) -> f32 {
  if (ptIsNaN(x)) { return x; }
  if (x == -1.0) { return -ptInf(); }
  if (x < -1.0) { return ptNaN(); }
  if (ptIsInf(x)) { return x; }
  var f = 0.0; var c = 0.0; var k = 1;
  if (x < 0.41421353816986084) {
    if (abs(x) < 5.9604645e-8) { return x; }
    if (x >= -0.2928932309150696) { k = 0; f = x; }
  }
  if (k != 0) {
    let u = 1.0 + x;
    let fr = ptFrexp(u);
    var m = fr.x;
    var e = i32(fr.y);
    if (m < 0.70710677) { m = m * 2.0; e = e - 1; }
    k = e;
    if (k < 25) {
      c = select(x - ptK(ptK(u) - 1.0), 1.0 - ptK(ptK(u) - x), k >= 2);
      c = c / u;
    }
    f = m - 1.0;
  }
  let s = f / (2.0 + f);
  let z = s * s;
  let w = z * z;
  let t1 = w * (0.40000972152 + w * 0.24279078841);
  let t2 = z * (0.66666662693 + w * 0.28498786688);
  let R = t2 + t1;
  let hfsq = 0.5 * f * f;
  let dk = f32(k);
  return s * (hfsq + R) + (dk * 9.0580006145e-06 + c) - hfsq + f + dk * 6.9313812256e-01;
}`,
  ptSigmoid: `fn ptSigmoid(x: f32) -> f32 {
  if (ptIsNaN(x)) { return x; }
  if (x >= 0.0) { return ptDiv(1.0, 1.0 + ptExp(-x)); }
  let e = ptExp(x);
  return ptDiv(e, 1.0 + e);
}`,
  // musl tanhf
  ptTanh: `fn ptTanh(x: f32) -> f32 {
  if (ptIsNaN(x)) { return x; }
  let ax = abs(x);
  var t = 0.0;
  if (ax > 0.549306154) {
    if (ax > 10.0) { t = 1.0; }
    else { t = ptExpm1(2.0 * ax); t = 1.0 - 2.0 / (t + 2.0); }
  } else if (ax > 0.255412817) {
    t = ptExpm1(2.0 * ax); t = t / (t + 2.0);
  } else if (ax >= 1.17549435e-38) {
    t = ptExpm1(-2.0 * ax); t = -t / (t + 2.0);
  } else {
    return x;
  }
  return select(t, -t, x < 0.0);
}`,
  // the contract's formula: log1p(exp(−|x|)) + max(x, 0)
  ptSoftplus: `fn ptSoftplus(x: f32) -> f32 {
  if (ptIsNaN(x)) { return x; }
  return ptLog1p(ptExp(-abs(x))) + max(x, 0.0);
}`,
};

/** sin and cos (Cephes sinf, cosf): reduction by π/4 in three parts, then the sine or cosine polynomial. */
const TRIG: Record<string, string> = {
  // returns (reduced x, octant j)
  ptSinCosReduce: `fn ptSinCosReduce(x: f32) -> vec2<f32> {
  var y = floor(x * 1.27323954473516);
  var j = i32(y);
  if ((j & 1) == 1) { j = j + 1; y = y + 1.0; }
  j = j & 7;
  return vec2<f32>(((x - y * 0.78515625) - y * 2.4187564849853515625e-4) - y * 3.77489497744594108e-8, f32(j));
}`,
  ptSinPoly: `fn ptSinPoly(x: f32) -> f32 {
  let z = x * x;
  return ((-1.9515295891e-4 * z + 8.3321608736e-3) * z - 1.6666654611e-1) * z * x + x;
}`,
  ptCosPoly: `fn ptCosPoly(x: f32) -> f32 {
  let z = x * x;
  let y = ((2.443315711809948e-5 * z - 1.388731625493765e-3) * z + 4.166664568298827e-2) * z * z;
  return 1.0 - 0.5 * z + y;
}`,
  ptSin: `fn ptSin(x: f32) -> f32 {
  if (ptIsNaN(x) || ptIsInf(x)) { return ptNaN(); }
  if (x == 0.0) { return x; }
  var sgn = select(1.0, -1.0, x < 0.0);
  let rj = ptSinCosReduce(abs(x));
  var j = i32(rj.y);
  if (j > 3) { sgn = -sgn; j = j - 4; }
  let y = select(ptSinPoly(rj.x), ptCosPoly(rj.x), j == 1 || j == 2);
  return sgn * y;
}`,
  ptCos: `fn ptCos(x: f32) -> f32 {
  if (ptIsNaN(x) || ptIsInf(x)) { return ptNaN(); }
  var sgn = 1.0;
  let rj = ptSinCosReduce(abs(x));
  var j = i32(rj.y);
  if (j > 3) { j = j - 4; sgn = -sgn; }
  if (j > 1) { sgn = -sgn; }
  let y = select(ptCosPoly(rj.x), ptSinPoly(rj.x), j == 1 || j == 2);
  return sgn * y;
}`,
};

/** pow with C99's special cases; the finite positive case in double-float. */
const POW: Record<string, string> = {
  // log(a) for finite a > 0 as a double-float (hi, lo)
  ptLogDF: `fn ptLogDF(a: f32) -> vec2<f32> {
  let fr = ptFrexp(a);
  var m = fr.x;
  var e = i32(fr.y);
  if (m < 0.70710678) { m = m * 2.0; e = e - 1; }
  let f = m - 1.0;
  let u = ptFastTwoSum(2.0 * ptOne(), f);
  let sh = f / u.x;
  let p = ptTwoProd(sh, u.x);
  let sl = (((f - ptK(p.x)) - p.y) - sh * u.y) / u.x;
  let z = sh * sh;
  let tail = sh * z * (0.66666666666 + z * (0.4 + z * (0.28571428571 + z * (0.22222222222 + z * (0.18181818181 + z * 0.15384615384)))));
  let lm = ptFastTwoSum(2.0 * sh, 2.0 * sl + tail);
  let fe = f32(e);
  let le = ptTwoSum(fe * 0.693145751953125, lm.x);
  let lo = le.y + lm.y + fe * 1.4286068203094172e-06;
  return ptFastTwoSum(le.x, lo);
}`,
  // exp(hi + lo)
  ptExpDF: `fn ptExpDF(t: vec2<f32>) -> f32 {
  if (t.x >= 88.72283935546875) { return ptInf(); }
  if (t.x < -103.972084045410) { return 0.0; }
  let k = floor(t.x * 1.44269504088896341 + 0.5);
  var r = t.x - k * 0.693145751953125;
  r = r - k * 1.4286068203094172e-06;
  r = r + t.y;
  return ptScale2(ptExpPoly(r), i32(k));
}`,
  ptPowPos: `fn ptPowPos(a: f32, b: f32) -> f32 {
  if (a == 1.0) { return 1.0; }
  let L = ptLogDF(a);
  let t0 = b * L.x;
  if (!(abs(t0) < 150.0)) { return select(0.0, ptInf(), t0 > 0.0); }
  var t = ptTwoProd(b, L.x);
  t.y = t.y + b * L.y;
  return ptExpDF(ptFastTwoSum(t.x, t.y));
}`,
  ptIsOddInt: `fn ptIsOddInt(y: f32) -> bool {
  if (!(abs(y) < 16777216.0) || floor(y) != y) { return false; }
  let h = y * 0.5;
  return floor(h) != h;
}`,
  ptPow: `fn ptPow(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (a == 1.0) { return 1.0; }
  if (ptIsNaN(a) || ptIsNaN(b)) { return ptNaN(); }
  let odd = ptIsOddInt(b);
  if (ptIsInf(b)) {
    let aa = abs(a);
    if (aa == 1.0) { return 1.0; }
    return select(ptInf(), 0.0, (aa < 1.0) == (b > 0.0));
  }
  if (a == 0.0) {
    if (b < 0.0) { return select(ptInf(), select(ptInf(), -ptInf(), ptSignBit(a)), odd); }
    return select(0.0, a, odd);
  }
  if (ptIsInf(a)) {
    if (a > 0.0) { return select(0.0, a, b > 0.0); }
    if (b > 0.0) { return select(-a, a, odd); }
    return select(0.0, ptNegZero(), odd);
  }
  if (a < 0.0) {
    if (floor(b) != b) { return ptNaN(); }
    let r = ptPowPos(-a, b);
    return select(r, -r, odd);
  }
  return ptPowPos(a, b);
}`,
};

/** The library: every function above by name; `MATH_WGSL.definitions(code)` is what a program calling them needs. */
export const MATH_WGSL = new WgslLibrary({ ...PRIMITIVES, ...EXACT_ARITHMETIC, ...EXP_LOG, ...TRIG, ...POW });
