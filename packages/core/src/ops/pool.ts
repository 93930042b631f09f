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

function maxPoolWithInfo(x: Tensor, info: Conv2DInfo): Tensor {
  return ENGINE.runKernel('maxPool', [x], (b) => b.maxPool(x, info), { shape: info.outShape, dtype: 'float32' }, (dy, { inputs: [tx] }) => [
    () => ENGINE.runKernel('maxPoolGrad', [dy, tx!], (b) => b.maxPoolGrad(dy, tx!, info), { shape: info.inShape, dtype: 'float32' }),
  ]);
}

function avgPoolWithInfo(x: Tensor, info: Conv2DInfo): Tensor {
  return ENGINE.runKernel('avgPool', [x], (b) => b.avgPool(x, info), { shape: info.outShape, dtype: 'float32' }, (dy) => [
    () => avgPoolGradWithInfo(dy, info),
  ]);
}

function avgPoolGradWithInfo(dy: Tensor, info: Conv2DInfo): Tensor {
  // avgPoolGrad is linear in dy; its own adjoint is avgPool.
  return ENGINE.runKernel('avgPoolGrad', [dy], (b) => b.avgPoolGrad(dy, info), { shape: info.inShape, dtype: 'float32' }, (ddx) => [
    () => avgPoolWithInfo(ddx, info),
  ]);
}

/** Max over poolSize windows (NHWC); strides default to poolSize. */
export const maxPool = (x: TensorLike, poolSize: Pair, strides?: Pair, pad: PaddingSpec = 'valid'): Tensor =>
  pool('maxPool', x, poolSize, strides, pad);

/** Mean over poolSize windows, ignoring padded cells. */
export const avgPool = (x: TensorLike, poolSize: Pair, strides?: Pair, pad: PaddingSpec = 'valid'): Tensor =>
  pool('avgPool', x, poolSize, strides, pad);
