import { defineBackend, type Backend, type BackendLimits, type BackendNumerics, type KernelImpls } from '@polytensor/core';
import { argReduceKernel } from './kernels/arg_reduce.js';
import { avgPoolKernel } from './kernels/avg_pool.js';
import { avgPoolGradKernel } from './kernels/avg_pool_grad.js';
import { binaryKernel } from './kernels/binary.js';
import { castKernel } from './kernels/cast.js';
import { concatKernel } from './kernels/concat.js';
import { conv2dKernel } from './kernels/conv2d.js';
import { conv2dBackpropFilterKernel } from './kernels/conv2d_backprop_filter.js';
import { conv2dBackpropInputKernel } from './kernels/conv2d_backprop_input.js';
import { fusedConv2dKernel } from './kernels/fused_conv2d.js';
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
import { transposeKernel } from './kernels/transpose.js';
import { unaryKernel } from './kernels/unary.js';
import { whereKernel } from './kernels/where.js';
import { loadRuntimeFor } from './load.js';
import { checkThreads, type WasmThreads } from './threads.js';
import { MAX_BUFFER_BYTES, WASM_HEAP_MAX } from './runtime.js';
import { WasmStore } from './store.js';

/** What the backend declares about its float behaviour (measured with @polytensor/conformance; see README). */
export const WASM_NUMERICS: BackendNumerics = Object.freeze({
  flushesSubnormals: false,
  arithmeticUlp: 0,
  // tfjs's Softplus kernel: worst 7.32 ULP (near x = −13.94) over 4M-sample sweeps of [−1e4, 1e4]; the suite's default is 3.
  transcendentalUlp: Object.freeze({ softplus: 8 }),
});

/**
 * What the heap can hold: one buffer up to 1 GiB; all of them up to the
 * 2 GiB heap (see WASM_HEAP_MAX for why not 4) less 256 MiB: the last 97 MiB
 * before the cap the heap may be unable to grow into, the block kept free
 * for the C side (HEAP_HEADROOM), and the module's static data, stack,
 * allocator overhead and XNNPACK's cached operators. Core refuses tensors
 * beyond these up front; the runtime also checks every allocation against
 * what the heap really has left (temporaries and XNNPACK's caches live there
 * too).
 */
export const WASM_LIMITS: BackendLimits = Object.freeze({
  maxTensorBytes: MAX_BUFFER_BYTES,
  maxTotalBytes: WASM_HEAP_MAX - 256 * 2 ** 20,
  source:
    "the wasm backend's 2 GiB heap less 256 MiB kept for the kernels and the module; fixed (past 2 GiB the allocator of the tfjs build can corrupt memory)",
});

/**
 * The kernels this backend implements (src/kernels/<name>.ts): every one of
 * the table but softmaxCrossEntropy, which is core's composite over these
 * (logSoftmax, then a product and a sum). See the README for what each one calls.
 */
export const WASM_KERNELS: KernelImpls<WasmStore> = {
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
  fusedConv2d: fusedConv2dKernel,
  maxPool: maxPoolKernel,
  maxPoolGrad: maxPoolGradKernel,
  avgPool: avgPoolKernel,
  avgPoolGrad: avgPoolGradKernel,
  softmax: softmaxKernel,
  logSoftmax: logSoftmaxKernel,
  fusedMatMul: fusedMatMulKernel,
};

/** Which build of the tfjs wasm module is running. */
export interface WasmBackendInfo {
  /** The file loaded: `tfjs-backend-wasm-simd.wasm` where WebAssembly SIMD is supported, `tfjs-backend-wasm-threaded-simd.wasm` when XNNPACK runs on more than one thread. */
  readonly binary: string;
  /** A SIMD build is running. */
  readonly simd: boolean;
  /** Threads in XNNPACK's pool, the calling thread included (1: the single-threaded build). */
  readonly threads: number;
  /** Why the single-threaded build runs although more threads were asked for (no SharedArrayBuffer, a page that is not cross-origin isolated, Node < 20.16 …); null otherwise. */
  readonly threadsFallback: string | null;
}

/** Options of `createWasmBackend`. */
export interface WasmBackendOptions {
  /**
   * Threads XNNPACK may use, the calling thread included: a positive integer
   * or 'auto' (the logical cores, at most 4). Default: `setWasmThreads`'s
   * value, else the `POLYTENSOR_WASM_THREADS` environment variable (Node),
   * else 'auto'. Where threads cannot run the single-threaded build runs
   * (`info.threadsFallback` says why). Backends asking for the same count
   * share one module and its heap.
   */
  readonly threads?: WasmThreads;
}

/** polytensor's WebAssembly backend: a core `Backend` plus which build of the module runs. */
export interface WasmBackend extends Backend {
  readonly numerics: BackendNumerics;
  /** The heap's limits (WASM_LIMITS), the same for every instance: they share one module. */
  limits(): BackendLimits;
  readonly info: WasmBackendInfo;
}

/**
 * A fresh backend on WebAssembly: the kernels of @tensorflow/tfjs-backend-wasm
 * (XNNPACK, SIMD) called directly through their exported C entry points, with
 * buffers in its heap, plus the kernels it lacks (conv2d's filter gradient,
 * log-softmax, scatter-add …) built from the fast ones (WASM_KERNELS).
 * Loads the wasm module on first use; later instances share it and each owns
 * its own buffers (freed by `dispose`).
 */
export async function createWasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  const threads = options.threads === undefined ? undefined : checkThreads(options.threads, 'createWasmBackend: threads');
  const { runtime: rt, threadsFallback } = await loadRuntimeFor(threads);
  const storage = new WasmStore(rt);
  const info: WasmBackendInfo = Object.freeze({
    binary: rt.binary,
    simd: rt.binary !== 'tfjs-backend-wasm.wasm',
    threads: rt.threads,
    threadsFallback,
  });
  const backend = defineBackend(
    {
      name: 'wasm',
      storage,
      numerics: WASM_NUMERICS,
      kernels: WASM_KERNELS,
      optimizer: optimizerUpdateKernel(storage),
      limits: () => WASM_LIMITS,
      dispose: () => storage.clear(),
    },
    { info },
  );
  storage.bind(backend.kernels);
  return backend as WasmBackend;
}
