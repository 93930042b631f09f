import type { KernelImpl } from '@polytensor/core';
import type { WebGPUStore } from '../store.js';

/**
 * float32 → int32 as JavaScript's Int32Array stores it (ToInt32): truncate
 * toward zero, NaN and ±Inf give 0, values beyond int32 wrap modulo 2^32
 * (WGSL's i32(f32) would clamp). Past 2^31 a float32 is an integer, so
 * x − 2^32·floor(x / 2^32) is exact.
 */
const FLOAT_TO_INT = `fn ptToInt32(x: f32) -> i32 {
  if (ptIsNaN(x) || ptIsInf(x)) { return 0; }
  if (abs(x) < 2147483648.0) { return i32(x); }
  let t = x - 4294967296.0 * floor(x * 2.3283064365386963e-10);
  return bitcast<i32>(u32(t));
}`;

/**
 * int32 → float32 rounded to nearest even, as Float32Array stores it (WGSL
 * leaves the rounding of f32(i32) beyond 2^24 to the implementation): the
 * high and low 16 bits convert exactly, and their sum rounds once.
 */
const INT_TO_FLOAT = `fn ptToFloat32(v: i32) -> f32 {
  return f32(v >> 16u) * 65536.0 + f32(v & 0xffff);
}`;

export const castKernel: KernelImpl<'cast', WebGPUStore> = (s, x, dtype) => {
  let expr: string;
  let helpers = '';
  if (dtype === 'bool') expr = x.dtype === 'float32' ? 'i32(x != 0.0 || ptIsNaN(x))' : 'i32(x != 0)';
  else if (dtype === 'float32') {
    expr = x.dtype === 'float32' ? 'x' : 'ptToFloat32(x)';
    helpers = x.dtype === 'float32' ? '' : INT_TO_FLOAT;
  } else {
    expr = x.dtype === 'float32' ? 'ptToInt32(x)' : 'x';
    helpers = x.dtype === 'float32' ? FLOAT_TO_INT : '';
  }
  return s.run('cast', ['A'], [x], x.shape, dtype, `  let x = A[index];\n  result[index] = ${expr};`, helpers);
};
