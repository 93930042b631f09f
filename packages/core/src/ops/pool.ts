import type { Conv2DInfo } from '../backend/kernels.js';
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { computePool2DInfo, type PaddingSpec } from './conv_util.js';
import { assertDType, convert } from './convert.js';
import { imageAsBatch } from './image_batch.js';

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
export const maxPoolGradWithInfo = (dy: Tensor, x: Tensor, info: Conv2DInfo): Tensor => {
  // maxPoolGrad has no gradient rule (its adjoint in dy needs a per-window argmax): refuse rather than drop a term of a second derivative.
  if (ENGINE.recordsGradientOf([dy])) {
    throw new PolytensorError(
      `maxPool: the gradient of maxPool's gradient (grad of grad through maxPool on ${fmt(x.shape)}) is not supported; ` +
        `use avgPool or a strided conv2d where second-order gradients are needed`,
    );
  }
  return ENGINE.runKernel('maxPoolGrad', [dy, x, info]);
};
export const avgPoolWithInfo = (x: Tensor, info: Conv2DInfo): Tensor => ENGINE.runKernel('avgPool', [x, info]);
export const avgPoolGradWithInfo = (dy: Tensor, info: Conv2DInfo): Tensor => ENGINE.runKernel('avgPoolGrad', [dy, info]);

/** Max over poolSize windows (NHWC, or one image [h, w, c]); strides default to poolSize. */
export const maxPool = (x: TensorLike, poolSize: Pair, strides?: Pair, pad: PaddingSpec = 'valid'): Tensor =>
  imageAsBatch('maxPool', x, (x4) => pool('maxPool', x4, poolSize, strides, pad));

/** Mean over poolSize windows (NHWC, or one image [h, w, c]), ignoring padded cells. */
export const avgPool = (x: TensorLike, poolSize: Pair, strides?: Pair, pad: PaddingSpec = 'valid'): Tensor =>
  imageAsBatch('avgPool', x, (x4) => pool('avgPool', x4, poolSize, strides, pad));
