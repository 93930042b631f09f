// The fixture's quantization is the converter's layout: tfjs's own decoder
// reads it back to exactly the values the test's dequantization computes.
import { Rng } from '@polytensor/conformance';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTfjsCpu } from './backends.js';
import { dequantize, float16Bits, float16Value, quantize } from './quantize.js';

beforeAll(useTfjsCpu);

describe('float16 bits', () => {
  it('round to nearest even, keep subnormals, overflow to infinity (IEEE 754 binary16 values)', () => {
    const cases: Array<[number, number]> = [
      [1, 0x3c00],
      [-2, 0xc000],
      [65504, 0x7bff],
      [65520, 0x7c00], // halfway to the next binade: rounds up to ∞
      [2 ** -14, 0x0400],
      [2 ** -24, 0x0001],
      [2 ** -26, 0x0000],
      [1 + 2 ** -11, 0x3c00], // tie: even
      [1 + 3 * 2 ** -11, 0x3c02], // tie: even (up)
      [1 / 3, 0x3555],
      [0, 0],
    ];
    for (const [x, bits] of cases) expect(float16Bits(x), `${x}`).toBe(bits);
    expect(float16Bits(-0)).toBe(0x8000);
    expect(float16Value(0x3555)).toBe(0.333251953125);
    expect(float16Value(0x0001)).toBe(2 ** -24);
  });
});

describe.each(['uint8', 'uint16', 'float16'] as const)('%s quantization', (dtype) => {
  it("is what tfjs's decodeWeights reads: the same values as the test's own dequantization", () => {
    const r = new Rng(`interop/quantize/${dtype}`);
    const values = Float32Array.from({ length: 101 }, () => r.normal(0.1, 0.5));
    const q = quantize(values, dtype);
    const ours = dequantize(q);
    const decoded = tf.io.decodeWeights(q.bytes.slice().buffer, [{ name: 'w', shape: [101], dtype: 'float32', quantization: q.quantization }]);
    const got = decoded['w']!.dataSync();
    decoded['w']!.dispose();
    expect(Array.from(got)).toEqual(Array.from(ours.values, Math.fround));
    // And it stays near the original: half a step (float16: half an ULP, relative 2^-11).
    const quant = q.quantization;
    const bound = (v: number): number => (quant.dtype === 'float16' ? 2 ** -11 * Math.abs(v) : quant.scale / 2 + 1e-7 * Math.abs(v));
    values.forEach((v, i) => expect(Math.abs(ours.values[i]! - v), `element ${i}`).toBeLessThanOrEqual(bound(v)));
  });
});
