import type { Conv2DInfo, FusedActivation, TensorInfo } from '@polytensor/core';
import type { Runtime } from '../runtime.js';
import { sizeOfShape } from '../util.js';
import { binary } from './binary.js';
import { conv2d } from './conv2d.js';
import { convAttrs } from './conv_util.js';
import { unary } from './unary.js';

/** act(conv2d(x, filter) + bias) with tfjs's FusedConv2D (tanh, which tfjs does not fuse, runs after). */
export function fusedConv2d(
  rt: Runtime,
  x: TensorInfo,
  filter: TensorInfo,
  bias: TensorInfo | null,
  activation: FusedActivation,
  info: Conv2DInfo,
): TensorInfo {
  if (sizeOfShape(info.outShape) === 0) return rt.fromValues(new Float32Array(0), info.outShape, 'float32');
  if (info.inChannels === 0) {
    const conv = conv2d(rt, x, filter, info);
    let t = conv;
    if (bias) {
      t = binary(rt, 'add', conv, bias, info.outShape);
      rt.disposeTemp(conv);
    }
    if (activation === 'linear') return t;
    const out = unary(rt, activation, t);
    rt.disposeTemp(t);
    return out;
  }
  const tfAct = activation === 'tanh' ? 'linear' : activation;
  const inputs: Record<string, TensorInfo> = bias ? { x, filter, bias } : { x, filter };
  const out = rt.kernel('FusedConv2D', inputs, { ...convAttrs(info), activation: tfAct, leakyreluAlpha: 0 });
  const t = rt.wrap(out, info.outShape, 'float32');
  if (activation !== 'tanh') return t;
  const th = unary(rt, 'tanh', t);
  rt.disposeTemp(t);
  return th;
}
