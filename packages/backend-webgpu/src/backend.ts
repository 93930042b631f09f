/// <reference types="@webgpu/types" preserve="true" />
import { defineBackend, type Backend, type BackendLimits, type BackendNumerics, type KernelImpls } from '@polytensor/core';
import { WebGPUBackendError } from './errors.js';
import { DeviceWatch, requestDevice, describeAdapter, isCpuAdapter, type WebGPUBackendOptions } from './device.js';
import { argReduceKernel, oneHotKernel } from './kernels/arg_one_hot.js';
import { binaryKernel, whereKernel } from './kernels/binary.js';
import { castKernel } from './kernels/cast.js';
import { conv2dBackpropFilterKernel, conv2dBackpropInputKernel, conv2dKernel, fusedConv2dKernel } from './kernels/conv.js';
import { gatherKernel, scatterAddKernel } from './kernels/gather.js';
import { fusedMatMulKernel, matMulKernel } from './kernels/mat_mul.js';
import { concatKernel, padKernel, sliceKernel, transposeKernel } from './kernels/movement.js';
import { philoxUniformKernel } from './kernels/philox_uniform.js';
import { avgPoolGradKernel, avgPoolKernel, maxPoolGradKernel, maxPoolKernel } from './kernels/pool.js';
import { reduceKernel } from './kernels/reduce.js';
import { logSoftmaxKernel, softmaxKernel } from './kernels/softmax.js';
import { unaryKernel } from './kernels/unary.js';
import { WebGPUStore } from './store.js';
import { TfWebGPU } from './tfjs.js';

/**
 * The kernels this backend runs on WebGPU (src/kernels/): every primitive,
 * in this package's own WGSL programs; kernels not listed run as core's
 * composites of these, still on the GPU.
 */
export const WEBGPU_KERNELS: KernelImpls<WebGPUStore> = {
  unary: unaryKernel,
  binary: binaryKernel,
  where: whereKernel,
  cast: castKernel,
  reduce: reduceKernel,
  transpose: transposeKernel,
  slice: sliceKernel,
  concat: concatKernel,
  pad: padKernel,
  gather: gatherKernel,
  scatterAdd: scatterAddKernel,
  matMul: matMulKernel,
  fusedMatMul: fusedMatMulKernel,
  conv2d: conv2dKernel,
  conv2dBackpropInput: conv2dBackpropInputKernel,
  conv2dBackpropFilter: conv2dBackpropFilterKernel,
  fusedConv2d: fusedConv2dKernel,
  maxPool: maxPoolKernel,
  maxPoolGrad: maxPoolGradKernel,
  avgPool: avgPoolKernel,
  avgPoolGrad: avgPoolGradKernel,
  argReduce: argReduceKernel,
  oneHot: oneHotKernel,
  softmax: softmaxKernel,
  logSoftmax: logSoftmaxKernel,
  philoxUniform: philoxUniformKernel,
};

/** polytensor's WebGPU backend: a core `Backend` plus what it knows about its device. */
export interface WebGPUBackend extends Backend {
  /** What one tensor may hold on this device (core checks every new tensor against it). */
  limits(): BackendLimits;
  /** Measured at start-up: whether the device flushes subnormals; + − × correctly rounded (÷ and √ corrected in WGSL). */
  readonly numerics: BackendNumerics;
  /** The adapter, e.g. "google swiftshader". */
  readonly adapter: string;
  /** The GPU device (for interop: e.g. binding a tensor's buffer in your own pipeline). */
  readonly device: GPUDevice;
  /** True once the device is lost (every later call throws WebGPUDeviceLostError). */
  readonly deviceLost: boolean;
  /** Where kernel philoxUniform draws on this backend (option `random`; 'auto' chose by adapter). */
  readonly random: 'gpu' | 'host';
  /** @internal the storage its kernels run on */
  readonly store: WebGPUStore;
}

/** Does this device keep a subnormal float32 through a shader (read back after one negation)? */
async function flushesSubnormals(store: WebGPUStore): Promise<boolean> {
  const tiny = 2 ** -140;
  const x = store.fromValues(new Float32Array([tiny]), [1], 'float32');
  const y = unaryKernel(store, 'neg', x);
  try {
    const v = (await store.read(y.dataId))[0]!;
    return v !== -tiny;
  } finally {
    store.disposeTemp(x);
    store.disposeTemp(y);
  }
}

/**
 * Create the backend on a device: its own (the best adapter's, asking for
 * the adapter's full buffer limits), or `options.device` as is. Throws
 * WebGPUUnavailableError naming the cause when there is no WebGPU.
 * @example
 * const backend = await createWebGPUBackend();
 * registerBackend('my-webgpu', () => backend);
 */
export async function createWebGPUBackend(options: WebGPUBackendOptions = {}): Promise<WebGPUBackend> {
  const random = options.random ?? 'auto';
  if (random !== 'auto' && random !== 'gpu' && random !== 'host') {
    throw new WebGPUBackendError(`webgpu backend: option random is ${JSON.stringify(random)}; use 'auto' (the default), 'gpu' or 'host'`);
  }
  const made = options.device
    ? { device: options.device, adapter: describeAdapter((options.device as { adapterInfo?: GPUAdapterInfo }).adapterInfo), info: undefined }
    : await requestDevice(options);
  const { device } = made;
  const ownsDevice = !options.device;
  const watch = new DeviceWatch(device);
  const tf = new TfWebGPU(device, made.info as never);
  // tfjs warns on the first synchronous read; the README documents the cost instead
  (tf as unknown as { hasReadSyncWarned: boolean }).hasReadSyncWarned = true;
  const maxBytes = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  const store = new WebGPUStore(tf, watch, maxBytes);
  store.randomOnGpu = random === 'gpu' || (random === 'auto' && !isCpuAdapter(made));
  let disposed = false;
  const dispose = (): void => {
    if (disposed) return;
    disposed = true;
    watch.dispose();
    store.disposeAll();
    if (ownsDevice) device.destroy();
  };
  let flushes: boolean;
  try {
    flushes = await flushesSubnormals(store);
    store.flushesSubnormals = flushes;
  } catch (e) {
    dispose();
    throw e;
  }
  const limits: BackendLimits = Object.freeze({
    // in elements, not bytes: every element takes 4 bytes on the GPU (bool too), while core counts bool as 1
    maxTensorElements: Math.floor(maxBytes / 4),
    source: `this WebGPU device's largest storage buffer (${maxBytes} bytes: maxStorageBufferBindingSize and maxBufferSize of '${made.adapter}'); every element takes 4 bytes on the GPU`,
  });
  const backend = defineBackend({
    name: 'webgpu',
    storage: store,
    kernels: WEBGPU_KERNELS,
    numerics: { flushesSubnormals: flushes, arithmeticUlp: 0 },
    limits: () => limits,
    dispose,
  });
  return Object.defineProperties(backend as WebGPUBackend, {
    adapter: { value: made.adapter, enumerable: true },
    device: { value: device, enumerable: true },
    deviceLost: { get: () => watch.deviceLost, enumerable: true },
    random: { value: store.randomOnGpu ? 'gpu' : 'host', enumerable: true },
    store: { value: store },
  });
}
