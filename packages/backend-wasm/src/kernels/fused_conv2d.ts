import type { Conv2DInfo, FusedActivation, KernelImpl } from '@polytensor/core';
import { CDTYPE, type Tw, type WasmRuntime } from '../runtime.js';
import type { WasmStore } from '../store.js';
import { convOutSize } from './conv_util.js';
import { narrowConv2d, narrowConvApplies } from './narrow_conv2d.js';
import { unary } from './unary.js';
import { winogradApplies, winogradConv2d } from './winograd_conv2d.js';

/**
 * act(conv2d(x, filter) + bias), NHWC, with the bias added inside XNNPACK's
 * convolution (tfjs's FusedConv2D: the accumulators start from the bias, so
 * there is no separate pass over the output, and the threaded build splits it
 * as it splits conv2d). The activation is not XNNPACK's: its relu is a clamp
 * that turns NaN into 0 (on x86), so relu runs afterwards with tfjs's Relu
 * kernel (as the `unary` kernel does) **in place** on the fresh output (no
 * second buffer of the output's size), and sigmoid/tanh through `unary`, as
 * core's composite does.
 * 3×3 stride-1 convolutions with enough channels run as Winograd F(2×2, 3×3) or F(4×4, 3×3)
 * instead (`winograd_conv2d.ts`: bias and relu fused into its output
 * transform), unless their result is not finite; those with 1–3 input
 * channels (a first layer) by this package's SIMD tiles split over the heap
 * workers (`narrow_conv2d.ts`), where relu or no activation follows.
 */
export function fusedConv2d(rt: WasmRuntime, x: Tw, filter: Tw, bias: Tw | null, activation: FusedActivation, info: Conv2DInfo): Tw {
  const [batch, inH, inW, inC] = x.shape as [number, number, number, number];
  const outC = filter.shape[3]!;
  const outH = convOutSize(inH, info.filterHeight, info.strideHeight, info.dilationHeight, info.padTop, info.padBottom);
  const outW = convOutSize(inW, info.filterWidth, info.strideWidth, info.dilationWidth, info.padLeft, info.padRight);
  if (outH !== info.outShape[1] || outW !== info.outShape[2] || batch !== info.outShape[0] || outC !== info.outShape[3])
    throw new Error(
      `wasm backend: fusedConv2d: internal: output [${[batch, outH, outW, outC].join(',')}] does not match core's geometry [${info.outShape.join(',')}]`,
    );
  if (winogradApplies(rt, info)) {
    const y = winogradConv2d(rt, x, filter, bias, activation === 'relu', info);
    if (y && (activation === 'relu' || activation === 'linear')) return y;
    if (y) {
      // sigmoid or tanh
      try {
        return unary(rt, activation as 'sigmoid' | 'tanh', y);
      } finally {
        rt.dispose(y);
      }
    }
  }
  if ((activation === 'relu' || activation === 'linear') && narrowConvApplies(rt, info)) return narrowConv2d(rt, x, filter, bias, activation === 'relu', info);
  const lin = rt.empty(info.outShape, 'float32');
  try {
    rt.m._FusedConv2D(
      x.data.id,
      batch,
      inH,
      inW,
      filter.data.id,
      info.filterHeight,
      info.filterWidth,
      bias ? bias.data.id : 0,
      info.padTop,
      info.padRight,
      info.padBottom,
      info.padLeft,
      0,
      info.dilationHeight,
      info.dilationWidth,
      info.strideHeight,
      info.strideWidth,
      inC,
      outC,
      0 /* linear */,
      0,
      0,
      lin.data.id,
    );
    if (activation === 'linear') return lin;
    if (activation === 'relu') {
      rt.m._Relu(lin.data.id, CDTYPE.float32, lin.data.id); // elementwise, so safe in place
      return lin;
    }
  } catch (e) {
    rt.dispose(lin);
    throw e;
  }
  try {
    return unary(rt, activation, lin);
  } finally {
    rt.dispose(lin);
  }
}

/**
 * The contract-level kernel. Empty outputs and inputs with no channels (which
 * XNNPACK does not take) run as core's composite.
 */
export const fusedConv2dKernel: KernelImpl<'fusedConv2d', WasmStore> = (s, x, filter, bias, activation, info) => {
  const op = 'fusedConv2d';
  if (info.outShape.some((d) => d === 0) || info.inChannels === 0) return s.composite(op, x, filter, bias, activation, info);
  return s.run(() => fusedConv2d(s.rt, s.input(x, op), s.input(filter, op), bias ? s.input(bias, op) : null, activation, info));
};
