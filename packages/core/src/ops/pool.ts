import type { Conv2DInfo } from '../backend/kernels.js';
import { ENGINE } from '../engine/engine.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { computePool2DInfo, type PaddingSpec } from './conv_util.js';
import { assertDType, convert } from './convert.js';

type Pair = number | [number, number];

function pool(op: 'maxPool' | 'avgPool', x: TensorLike, poolSize: Pair, strides: Pair | undefined, pad: PaddingSpec): Tensor {
  const [t, own] = convert(op, 'x', x);
  try {
    assertDType(op, 'x', t, ['float32']);
    const info = computePool2DInfo(op, t.shape, poolSize, strides ?? poolSize, pad);
    return op === 'maxPool' ? maxPoolWithInfo(t, info) : avgPoolWithInfo(t, info);
  } finally {
    if (own) t.dispose();
  }
}

/** @internal the pooling kernels with resolved geometry (gradients: grad/rules.ts). */
export const maxPoolWithInfo = (x: Tensor, info: Conv2DInfo): Tensor => ENGINE.runKernel('maxPool', [x, info]);
export const maxPoolGradWithInfo = (dy: Tensor, x: Tensor, info: Conv2DInfo): Tensor => ENGINE.runKernel('maxPoolGrad', [dy, x, info]);
export const avgPoolWithInfo = (x: Tensor, info: Conv2DInfo): Tensor => ENGINE.runKernel('avgPool', [x, info]);
export const avgPoolGradWithInfo = (dy: Tensor, info: Conv2DInfo): Tensor => ENGINE.runKernel('avgPoolGrad', [dy, info]);

/** Max over poolSize windows (NHWC); strides default to poolSize. */
export const maxPool = (x: TensorLike, poolSize: Pair, strides?: Pair, pad: PaddingSpec = 'valid'): Tensor => pool('maxPool', x, poolSize, strides, pad);

/** Mean over poolSize windows, ignoring padded cells. */
export const avgPool = (x: TensorLike, poolSize: Pair, strides?: Pair, pad: PaddingSpec = 'valid'): Tensor => pool('avgPool', x, poolSize, strides, pad);
