import { defineBackend, type Backend, type BackendLimits, type BackendNumerics, type KernelImpls } from '@polytensor/core';
import type { GpujsBackendOptions, GpujsInfo } from './context.js';
import { argReduceKernel } from './kernels/arg_reduce.js';
import { avgPoolKernel } from './kernels/avg_pool.js';
import { avgPoolGradKernel } from './kernels/avg_pool_grad.js';
import { binaryKernel } from './kernels/binary_blocks.js';
import { castKernel } from './kernels/cast.js';
import { concatKernel } from './kernels/concat.js';
import { conv2dKernel } from './kernels/conv2d.js';
import { conv2dBackpropFilterKernel } from './kernels/conv2d_backprop_filter.js';
import { conv2dBackpropInputKernel } from './kernels/conv2d_backprop_input.js';
import { fusedMatMulKernel } from './kernels/fused_mat_mul.js';
import { gatherKernel } from './kernels/gather.js';
import { logSoftmaxKernel } from './kernels/log_softmax.js';
import { matMulKernel } from './kernels/mat_mul.js';
import { maxPoolKernel } from './kernels/max_pool.js';
import { maxPoolGradKernel } from './kernels/max_pool_grad.js';
import { oneHotKernel } from './kernels/one_hot.js';
import { padKernel } from './kernels/pad.js';
import { philoxUniformKernel } from './kernels/philox_uniform.js';
import { reduceKernel } from './kernels/reduce.js';
import { scatterAddKernel } from './kernels/scatter_add.js';
import { sliceKernel } from './kernels/slice.js';
import { softmaxKernel } from './kernels/softmax.js';
import { transposeKernel } from './kernels/transpose.js';
import { unaryKernel } from './kernels/unary.js';
import { unaryGradKernel } from './kernels/unary_grad.js';
import { gpujsOptimizer } from './kernels/optimizer_update.js';
import { whereKernel } from './kernels/where.js';
import { GpuRuntime, MAX_ELEMENTS } from './runtime.js';
import { GpujsStore } from './store.js';

/**
 * The kernels written in gpu.js (src/kernels/<name>.ts). fusedConv2d and
 * softmaxCrossEntropy are core's composites, run on these (conv2d's product
 * engine with its epilogue, softmax's row statistics); philoxUniform runs
 * core's host draw into the store's pooled arrays. Importing it makes no
 * context.
 */
export const GPUJS_KERNELS: KernelImpls<GpujsStore> = {
  unary: unaryKernel,
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
  unaryGrad: unaryGradKernel,
  // core's host draw into pooled arrays, kept on the host until a kernel reads it
  philoxUniform: philoxUniformKernel,
};

/**
 * What this backend declares (the conformance report prints it). Measured on
 * headless-gl (Mesa llvmpipe) and Chromium (SwiftShader); see the README.
 */
export const GPUJS_NUMERICS: BackendNumerics = { flushesSubnormals: true, arithmeticUlp: 1 };

/** gpu.js's CPU mode: kernels run as JavaScript in double precision, each result rounded once to float32. */
export const GPUJS_CPU_NUMERICS: BackendNumerics = { flushesSubnormals: false, arithmeticUlp: 0 };

/** polytensor's gpu.js backend: a core `Backend` plus what it runs on. */
export interface GpujsBackend extends Backend {
  /** What one tensor may hold on this context (core checks every new tensor against it). */
  limits(): BackendLimits;
  readonly numerics: BackendNumerics;
  /** What the backend runs on: gpu.js mode, GLSL version, precision, renderer. */
  readonly info: GpujsInfo;
  /** @internal the storage its kernels run on (tests read compile and download counts through `store.rt`) */
  readonly store: GpujsStore;
}

/**
 * A fresh gpu.js backend: float32 and bool tensors stay on the GPU as float
 * textures between kernels (gpu.js pipeline, immutable textures) and are read
 * back only by read/readSync; int32 tensors stay on the host (see store.ts).
 * Throws GpujsUnavailableError (cause and fix) when no GPU context can be made.
 */
export function createGpujsBackend(options: GpujsBackendOptions = {}): GpujsBackend {
  const rt = new GpuRuntime(options);
  const store = new GpujsStore(rt);
  const maxTexture = rt.maxTextureSize;
  const limits: BackendLimits = Object.freeze({
    maxTensorElements: Math.min(MAX_ELEMENTS, maxTexture * maxTexture),
    source: rt.isCpu
      ? 'gpu.js CPU mode: kernels index outputs with float32, exact up to 2^24 elements'
      : `this GPU's MAX_TEXTURE_SIZE ${maxTexture} and float32 indexing in the shaders (exact up to 2^24 elements); WebGL does not tell how much GPU memory there is`,
  });
  const backend = defineBackend({
    name: 'gpujs',
    storage: store,
    kernels: GPUJS_KERNELS,
    // the optimizer step in one pass per output (kernels/optimizer_update.ts)
    optimizer: gpujsOptimizer(store),
    numerics: rt.isCpu ? GPUJS_CPU_NUMERICS : GPUJS_NUMERICS,
    // One tensor: 2^24 elements (or one texture, if smaller). All tensors: unknown to WebGL, so not limited here.
    limits: () => limits,
    dispose: () => store.dispose(),
  });
  return Object.defineProperties(backend as GpujsBackend, { info: { value: rt.info, enumerable: true }, store: { value: store } });
}
