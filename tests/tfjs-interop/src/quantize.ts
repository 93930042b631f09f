// Weight quantization as the TensorFlow.js converter lays it out
// (--quantize_uint8 / --quantize_uint16 / --quantize_float16), and the
// dequantization written out independently of both tfjs and polytensor.
//
// Affine: q = round((v − min) / scale) in [0, 2^bits − 1], the manifest entry
// { dtype: 'float32', quantization: { dtype: 'uint8' | 'uint16', scale, min } },
// read back as q·scale + min. The range is widened to hold 0 and min is
// nudged onto the grid, so 0 stays exact (the converter does the same).
// float16: IEEE half precision bits, { quantization: { dtype: 'float16' } }.

export type QuantizedDType = 'uint8' | 'uint16' | 'float16';

export interface Quantized {
  bytes: Uint8Array;
  quantization: { dtype: 'uint8' | 'uint16'; scale: number; min: number } | { dtype: 'float16' };
}

/** Affine quantization to uint8 or uint16 (little-endian). */
export function quantizeAffine(values: Float32Array, dtype: 'uint8' | 'uint16'): Quantized {
  const levels = dtype === 'uint8' ? 255 : 65535;
  let lo = 0;
  let hi = 0;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const scale = hi > lo ? (hi - lo) / levels : 1;
  const min = -Math.round(-lo / scale) * scale;
  const q = dtype === 'uint8' ? new Uint8Array(values.length) : new Uint16Array(values.length);
  values.forEach((v, i) => {
    q[i] = Math.min(levels, Math.max(0, Math.round((v - min) / scale)));
  });
  return { bytes: new Uint8Array(q.buffer), quantization: { dtype, scale, min } };
}

/** float32 → IEEE half bits, round to nearest even (subnormals kept, overflow to ±∞). */
export function float16Bits(x: number): number {
  const u = new Uint32Array(Float32Array.of(x).buffer)[0]!;
  const sign = (u >>> 16) & 0x8000;
  const exp = (u >>> 23) & 0xff;
  let mant = u & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  // Keep the top bits, rounding what is shifted out to nearest even; a carry rolls into the exponent correctly.
  const round = (m: number, shift: number): number => {
    const kept = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    return rest > half || (rest === half && kept & 1) ? kept + 1 : kept;
  };
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    return sign | round(mant, 14 - e);
  }
  return sign | round((e << 23) | mant, 13);
}

/** IEEE half bits → number. */
export function float16Value(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

export function quantizeFloat16(values: Float32Array): Quantized {
  const h = Uint16Array.from(values, (v) => float16Bits(v));
  return { bytes: new Uint8Array(h.buffer), quantization: { dtype: 'float16' } };
}

export function quantize(values: Float32Array, dtype: QuantizedDType): Quantized {
  return dtype === 'float16' ? quantizeFloat16(values) : quantizeAffine(values, dtype);
}

/**
 * The dequantized weight as float64 values (unrounded: q·scale + min exactly
 * as doubles compute it) and, per element, Σ|terms| = |q·scale| + |min| for the
 * accumulation bound of a two-term sum (float16 values are exact in float32: 0).
 */
export function dequantize(q: Quantized): { values: Float64Array; absSum: Float64Array } {
  const n = q.quantization.dtype === 'uint8' ? q.bytes.length : q.bytes.length / 2;
  const values = new Float64Array(n);
  const absSum = new Float64Array(n);
  const dv = new DataView(q.bytes.buffer, q.bytes.byteOffset, q.bytes.byteLength);
  for (let i = 0; i < n; i++) {
    const quant = q.quantization;
    if (quant.dtype === 'float16') {
      values[i] = float16Value(dv.getUint16(2 * i, true));
    } else {
      const k = quant.dtype === 'uint8' ? dv.getUint8(i) : dv.getUint16(2 * i, true);
      values[i] = k * quant.scale + quant.min;
      absSum[i] = Math.abs(k * quant.scale) + Math.abs(quant.min);
    }
  }
  return { values, absSum };
}
