import type { FusedActivation } from '@polytensor/core';
import { matMulGeometry, matMulInto } from './mat_mul.js';
import { relu, sigmoid } from './unary.js';

const ACTIVATIONS: Readonly<Record<FusedActivation, ((x: number) => number) | null>> = {
  linear: null,
  relu,
  sigmoid,
  tanh: Math.tanh,
};

/**
 * act(a·b + bias). Product, bias and activation all happen on the float64
 * accumulators, so the result is rounded to float32 once (the composite rounds
 * after each step; this is at least as accurate).
 */
export function fusedMatMul(
  a: Float32Array,
  aShape: readonly number[],
  b: Float32Array,
  bShape: readonly number[],
  bias: Float32Array | null,
  activation: FusedActivation,
  transposeA: boolean,
  transposeB: boolean,
): { values: Float32Array; shape: number[] } {
  const g = matMulGeometry(aShape, bShape, transposeA, transposeB);
  const c = new Float64Array(g.batch * g.m * g.n);
  matMulInto(a, b, transposeA, transposeB, g, c);
  const out = new Float32Array(c.length);
  const act = ACTIVATIONS[activation];
  const n = g.n;
  // bias: [N], or a single value broadcast to every column.
  const biasStep = bias && bias.length === 1 ? 0 : 1;
  for (let i = 0; i < c.length; i++) {
    let v = c[i]!;
    if (bias) v += bias[(i % n) * biasStep]!;
    out[i] = act ? act(v) : v;
  }
  return { values: out, shape: g.outShape };
}
