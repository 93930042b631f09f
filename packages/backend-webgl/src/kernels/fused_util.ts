import type { FusedActivation, TensorInfo } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { binary } from './binary.js';
import { unary } from './unary.js';

/**
 * act(t + bias) with this package's binary and unary kernels, for what tfjs's
 * fused kernels do not cover (tanh; products with nothing to multiply). `t`
 * is a temporary of this kernel's and is released.
 */
export function biasActivation(s: WebGLStore, t: TensorInfo, bias: TensorInfo | null, activation: FusedActivation): TensorInfo {
  let z = t;
  if (bias) {
    z = binary(s, 'add', t, bias, t.shape);
    s.disposeTemp(t);
  }
  if (activation === 'linear') return z;
  const out = unary(s, activation, z);
  s.disposeTemp(z);
  return out;
}

/** The activation tfjs fuses in place of `activation` (it has no fused tanh: that one runs after, see `biasActivation`). */
export function tfjsActivation(activation: FusedActivation): FusedActivation {
  return activation === 'tanh' ? 'linear' : activation;
}

/** GLSL per lane of the activations packed programs fuse (relu and sigmoid as the unary kernels compute them); tanh runs after. */
const LANE_ACTIVATION: Partial<Record<FusedActivation, (v: string) => string>> = {
  linear: (v) => v,
  // the unary kernel's relu: −0 and NaN pass through, negatives give +0
  relu: (v) => `(${v} > 0.0 ? ${v} : (ptIsNaN(${v}) ? ${v} : 0.0))`,
  sigmoid: (v) => `ptSigmoid(${v})`,
};

/** The GLSL of `activation` applied to one lane, or undefined where packed programs do not fuse it (tanh). */
export function laneActivation(activation: FusedActivation): ((v: string) => string) | undefined {
  return LANE_ACTIVATION[activation];
}
