import type { FusedActivation } from '../backend/kernels.js';
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { computeConv2DInfo, type PaddingSpec } from './conv_util.js';
import { assertDType, expectTensor } from './convert.js';
import { FUSED_ACTIVATIONS } from './fused_mat_mul.js';

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
export function fusedConv2d({ x, filter, strides = 1, pad = 'valid', dilations = 1, bias = null, activation = 'linear' }: FusedConv2DArgs): Tensor {
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
  return ENGINE.runKernel('fusedConv2d', [tx, tf, tb, activation, info]);
}
