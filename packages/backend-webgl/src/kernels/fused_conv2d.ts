import { sizeOfShape, type KernelArgs, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { conv2d } from './conv2d.js';
import { convAttrs } from './conv_util.js';
import { conv2dForwardPacked, forwardPackedApplies, fusesActivation } from './conv2d_forward_packed.js';
import { biasActivation, tfjsActivation } from './fused_util.js';

/**
 * act(conv2d(x, filter) + bias): unit column stride with this package's packed
 * program (conv2d_forward_packed.ts), else tfjs's FusedConv2D; tanh, which
 * neither fuses, runs after.
 */
export function fusedConv2d(s: WebGLStore, ...[x, filter, bias, activation, info]: KernelArgs<'fusedConv2d'>): TensorInfo {
  if (sizeOfShape(info.outShape) === 0) return s.fromValues(new Float32Array(0), info.outShape, 'float32');
  if (info.inChannels === 0) return biasActivation(s, conv2d(s, x, filter, info), bias, activation);
  const fused = fusesActivation(activation) ? activation : 'linear';
  if (forwardPackedApplies(info)) {
    const t = conv2dForwardPacked(s, x, filter, bias, fused, info);
    return fused === activation ? t : biasActivation(s, t, null, activation);
  }
  const inputs: Record<string, TensorInfo> = bias ? { x, filter, bias } : { x, filter };
  const out = s.kernel('FusedConv2D', inputs, { ...convAttrs(info), activation: tfjsActivation(activation), leakyreluAlpha: 0 });
  const t = s.wrap(out, info.outShape, 'float32');
  return activation === 'tanh' ? biasActivation(s, t, null, 'tanh') : t;
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const fusedConv2dKernel: KernelImpl<'fusedConv2d', WebGLStore> = (s, ...args) => fusedConv2d(s.enter('fusedConv2d'), ...args);
