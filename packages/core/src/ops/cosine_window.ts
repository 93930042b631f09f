import { PolytensorError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { tensor } from './convert.js';

/**
 * The generalised cosine window `a − b·cos(2πn / (N − 1 + even))` of length N
 * (tfjs's `cosineWindow`; a = b = 0.5 is Hann, a = 0.54, b = 0.46 Hamming),
 * periodic for even N as tfjs. Computed on the host in float64.
 * @example const hann = cosineWindow(8, 0.5, 0.5);
 */
export function cosineWindow(windowLength: number, a: number, b: number): Tensor {
  if (!Number.isInteger(windowLength) || windowLength < 0)
    throw new PolytensorError(`cosineWindow: windowLength must be a non-negative integer, got ${windowLength}`);
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new PolytensorError(`cosineWindow: a and b must be finite numbers, got ${a} and ${b}`);
  const even = 1 - (windowLength % 2);
  const values = new Float32Array(windowLength);
  const period = windowLength + even - 1;
  for (let n = 0; n < windowLength; n++) values[n] = period === 0 ? a - b : a - b * Math.cos((2 * Math.PI * n) / period);
  return tensor(values, [windowLength], 'float32');
}

/**
 * The smallest power of two ≥ `value` (tfjs's `enclosingPowerOfTwo`, the FFT
 * length for a frame of `value` samples).
 * @example enclosingPowerOfTwo(300) // 512
 */
export function enclosingPowerOfTwo(value: number): number {
  if (!(typeof value === 'number' && value > 0 && Number.isFinite(value)))
    throw new PolytensorError(`enclosingPowerOfTwo: value must be a positive finite number, got ${value}`);
  return 2 ** Math.ceil(Math.log2(value));
}
