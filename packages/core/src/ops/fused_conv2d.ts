import type { Conv2DInfo, FusedActivation } from '../backend/kernels.js';
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { add } from './binary.js';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput } from './conv2d.js';
import { computeConv2DInfo, type PaddingSpec } from './conv_util.js';
import { assertDType, expectTensor } from './convert.js';
import { FUSED_ACTIVATIONS, applyActivation, memoGrad } from './fused_mat_mul.js';
import { sum } from './reduce.js';

export interface FusedConv2DArgs {
  /** NHWC input [batch, h, w, inC]. */
  x: Tensor;
  /** HWIO filter [fh, fw, inC, outC]. */
  filter: Tensor;
  strides?: number | [number, number];
  pad?: PaddingSpec;
  dilations?: number | [number, number];
  /** [outC], or null for none. */
  bias?: Tensor | null;
  activation?: FusedActivation;
}

/**
 * act(conv2d(x, filter) + bias): one kernel where the backend fuses it
 * (`fusedConv2d`), the composite of conv2d, add and the activation otherwise.
 * Differentiable in x, filter and bias.
 * @example fusedConv2d({ x: images, filter: kernel, pad: 'same', bias, activation: 'relu' })
 */
export function fusedConv2d({
  x, filter, strides = 1, pad = 'valid', dilations = 1, bias = null, activation = 'linear',
}: FusedConv2DArgs): Tensor {
  const op = 'fusedConv2d';
  const tx = expectTensor(op, 'x', x);
  const tf = expectTensor(op, 'filter', filter);
  const tb = bias === null ? null : expectTensor(op, 'bias', bias);
  if (!FUSED_ACTIVATIONS.includes(activation)) {
    throw new PolytensorError(`${op}: unknown activation '${String(activation)}'; use one of ${FUSED_ACTIVATIONS.join(', ')}`);
  }
  assertDType(op, 'x', tx, ['float32']);
  assertDType(op, 'filter', tf, ['float32']);
  const info = computeConv2DInfo(op, tx.shape, tf.shape, strides, pad, dilations);
  if (tb) {
    assertDType(op, 'bias', tb, ['float32']);
    if (tb.rank !== 1 || tb.shape[0] !== info.outChannels) {
      throw new PolytensorError(`${op}: bias has shape ${fmt(tb.shape)}, expected [${info.outChannels}] (one value per output channel)`);
    }
  }
  const backend = ENGINE.getBackend();
  if (!backend.fusedConv2d) {
    return ENGINE.tidy(() => {
      const z = conv2d(tx, tf, strides, pad, dilations);
      return applyActivation(tb ? add(z, tb) : z, activation);
    });
  }
  const inputs = tb ? [tx, tf, tb] : [tx, tf];
  return ENGINE.runKernel(
    op,
    inputs,
    (be) => be.fusedConv2d!(tx, tf, tb, activation, info),
    { shape: info.outShape, dtype: 'float32' },
    (dy, { inputs: [sx, sf], output }) => {
      // dz is computed once, in the backward pass's scope, and shared by the thunks that need it.
      const dz = memoGrad(dy, output, activation);
      const grads: Array<(() => Tensor) | null> = [
        () => backpropInput(dz(), sf!, info, strides, pad, dilations),
        () => backpropFilter(sx!, dz(), info, strides, pad, dilations),
      ];
      if (tb) grads.push(() => sum(dz(), [0, 1, 2]));
      return grads;
    },
  );
}

function backpropInput(
  dz: Tensor, filter: Tensor, info: Conv2DInfo, strides: number | [number, number], pad: PaddingSpec, dilations: number | [number, number],
): Tensor {
  return conv2dBackpropInput(info.inShape, dz, filter, strides, pad, dilations);
}

function backpropFilter(
  x: Tensor, dz: Tensor, info: Conv2DInfo, strides: number | [number, number], pad: PaddingSpec, dilations: number | [number, number],
): Tensor {
  return conv2dBackpropFilter(x, dz, info.filterShape, strides, pad, dilations);
}
