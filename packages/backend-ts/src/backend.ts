import { defineBackend, type Backend, type BackendNumerics, type KernelImpls } from '@polytensor/core';
import { argReduceKernel } from './kernels/arg_reduce.js';
import { avgPoolKernel } from './kernels/avg_pool.js';
import { avgPoolGradKernel } from './kernels/avg_pool_grad.js';
import { binaryKernel } from './kernels/binary.js';
import { castKernel } from './kernels/cast.js';
import { concatKernel } from './kernels/concat.js';
import { conv2dKernel, fusedConv2dKernel } from './kernels/conv2d.js';
import { conv2dBackpropFilterKernel } from './kernels/conv2d_backprop_filter.js';
import { conv2dBackpropInputKernel } from './kernels/conv2d_backprop_input.js';
import { fusedMatMulKernel } from './kernels/fused_mat_mul.js';
import { gatherKernel } from './kernels/gather.js';
import { logSoftmaxKernel } from './kernels/log_softmax.js';
import { matMulKernel } from './kernels/mat_mul.js';
import { maxPoolKernel } from './kernels/max_pool.js';
import { maxPoolGradKernel } from './kernels/max_pool_grad.js';
import { oneHotKernel } from './kernels/one_hot.js';
import { optimizerUpdateKernel } from './kernels/optimizer_update.js';
import { padKernel } from './kernels/pad.js';
import { reduceKernel } from './kernels/reduce.js';
import { scatterAddKernel } from './kernels/scatter_add.js';
import { sliceKernel } from './kernels/slice.js';
import { softmaxKernel } from './kernels/softmax.js';
import { softmaxCrossEntropyKernel } from './kernels/softmax_cross_entropy.js';
import { transposeKernel } from './kernels/transpose.js';
import { unaryKernel } from './kernels/unary.js';
import { unaryGradKernel } from './kernels/unary_grad.js';
import { whereKernel } from './kernels/where.js';
import { defaultTsLimits, validateTsLimits, type TsBackendLimits } from './limits.js';
import { TsStore } from './store.js';
import { releaseScratch } from './util/scratch.js';

export const TS_NUMERICS: BackendNumerics = { flushesSubnormals: false, arithmeticUlp: 0 };

/** Every kernel of the table, in plain TypeScript (src/kernels/<name>.ts). */
export const TS_KERNELS: KernelImpls<TsStore> = {
  unary: unaryKernel,
  unaryGrad: unaryGradKernel,
  binary: binaryKernel,
  where: whereKernel,
  cast: castKernel,
  reduce: reduceKernel,
  argReduce: argReduceKernel,
  transpose: transposeKernel,
  slice: sliceKernel,
  concat: concatKernel,
  pad: padKernel,
  gather: gatherKernel,
  scatterAdd: scatterAddKernel,
  oneHot: oneHotKernel,
  matMul: matMulKernel,
  conv2d: conv2dKernel,
  conv2dBackpropInput: conv2dBackpropInputKernel,
  conv2dBackpropFilter: conv2dBackpropFilterKernel,
  maxPool: maxPoolKernel,
  maxPoolGrad: maxPoolGradKernel,
  avgPool: avgPoolKernel,
  avgPoolGrad: avgPoolGradKernel,
  softmax: softmaxKernel,
  logSoftmax: logSoftmaxKernel,
  fusedMatMul: fusedMatMulKernel,
  fusedConv2d: fusedConv2dKernel,
  softmaxCrossEntropy: softmaxCrossEntropyKernel,
};

/** The ts backend: a core Backend that can also change its memory limits. */
export type TsBackend = Backend & {
  /** The limits core checks new tensors against (see limits.ts). */
  limits(): TsBackendLimits;
  /**
   * Change this instance's limits, e.g. `(getBackend() as TsBackend).setLimits({ maxTotalBytes: 32 * 2 ** 30 })`
   * on a machine with more memory. Fields left out keep their values.
   */
  setLimits(limits: Partial<TsBackendLimits>): void;
};

export interface TsBackendOptions {
  /** The name it reports (default 'ts'; tests register copies under other names). */
  readonly name?: string;
  /** Replaces the default limits (see limits.ts): raise them on a machine that can hold more. */
  readonly limits?: Partial<TsBackendLimits>;
}

/**
 * polytensor's CPU backend in plain TypeScript: buffers are typed arrays in a
 * store (TsStore); every kernel is a function over typed arrays in
 * src/kernels/<name>.ts, which also exports its contract-level form. It
 * implements every kernel of the table itself.
 */
export function createTsBackend(options: TsBackendOptions = {}): TsBackend {
  const storage = new TsStore();
  let declared: TsBackendLimits = { ...defaultTsLimits(), ...validateTsLimits('createTsBackend', options.limits ?? {}) };
  const backend = defineBackend(
    {
      name: options.name ?? 'ts',
      storage,
      numerics: TS_NUMERICS,
      kernels: TS_KERNELS,
      optimizer: optimizerUpdateKernel(storage),
      limits: () => declared,
      dispose: () => {
        storage.clear();
        releaseScratch();
      },
    },
    {
      setLimits(limits: Partial<TsBackendLimits>): void {
        declared = { ...declared, ...validateTsLimits('setLimits', limits) };
      },
    },
  );
  return backend as TsBackend; // `limits` is given above, so it is defined
}
