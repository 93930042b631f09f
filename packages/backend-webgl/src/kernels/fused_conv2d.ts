import { sizeOfShape, type Conv2DInfo, type FusedActivation, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { binary } from './binary.js';
import { conv2d } from './conv2d.js';
import { convAttrs } from './conv_util.js';
import { unary } from './unary.js';

/** act(conv2d(x, filter) + bias) with tfjs's FusedConv2D (tanh, which tfjs does not fuse, runs after). */
export function fusedConv2d(
  s: WebGLStore,
  x: TensorInfo,
  filter: TensorInfo,
  bias: TensorInfo | null,
  activation: FusedActivation,
  info: Conv2DInfo,
): TensorInfo {
  if (sizeOfShape(info.outShape) === 0) return s.fromValues(new Float32Array(0), info.outShape, 'float32');
  if (info.inChannels === 0) {
    const conv = conv2d(s, x, filter, info);
    let t = conv;
    if (bias) {
      t = binary(s, 'add', conv, bias, info.outShape);
      s.disposeTemp(conv);
    }
    if (activation === 'linear') return t;
    const out = unary(s, activation, t);
    s.disposeTemp(t);
    return out;
  }
  const tfAct = activation === 'tanh' ? 'linear' : activation;
  const inputs: Record<string, TensorInfo> = bias ? { x, filter, bias } : { x, filter };
  const out = s.kernel('FusedConv2D', inputs, { ...convAttrs(info), activation: tfAct, leakyreluAlpha: 0 });
  const t = s.wrap(out, info.outShape, 'float32');
  if (activation !== 'tanh') return t;
  const th = unary(s, 'tanh', t);
  s.disposeTemp(t);
  return th;
}

/** The contract-level kernel: checks the backend is usable, then runs. */
export const fusedConv2dKernel: KernelImpl<'fusedConv2d', WebGLStore> = (s, x, filter, bias, activation, info) =>
  fusedConv2d(s.enter('fusedConv2d'), x, filter, bias, activation, info);
