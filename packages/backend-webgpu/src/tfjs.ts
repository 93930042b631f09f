/**
 * The one place that touches @tensorflow/tfjs-core / -backend-webgpu. Everything
 * else in the package goes through these names, so the coupling to tfjs
 * internals (documented at each use) is visible in one file.
 */
import { getKernel, type DataType, type NamedAttrMap, type TensorInfo as TfTensorInfo } from '@tensorflow/tfjs-core';
import { WebGPUBackend, webgpu_util } from '@tensorflow/tfjs-backend-webgpu';

export type { DataType, NamedAttrMap, TfTensorInfo };

/**
 * What tfjs-backend-webgpu's `runWebGPUProgram` runs: WGSL `getUserCode()`
 * after tfjs's generated prelude (the `result` buffer, one read-only buffer
 * per variable name, the `uniforms` struct with NAN, INFINITY and shapes).
 */
export interface WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[]; y?: number[]; z?: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  workgroupSize: [number, number, number];
  size?: boolean;
  uniforms?: string;
  getUserCode(): string;
}

/**
 * tfjs's WebGPU backend, with its CPU forwarding switched off: tfjs runs small
 * ops whose inputs are still on the CPU with its CPU kernels
 * (`shouldExecuteOnCPU`, flag WEBGPU_CPU_FORWARD); polytensor's contract is
 * that this backend computes on the GPU.
 */
export class TfWebGPU extends WebGPUBackend {
  override shouldExecuteOnCPU(): boolean {
    return false;
  }
}

/**
 * The fields and methods of tfjs's backend that its `recordAndSubmit` uses
 * to record a dispatch (TypeScript-private or undeclared in 4.22.0's types,
 * public at run time). This package's own runner (runner.ts) records on the
 * same encoder and pass, through them, so tfjs's batching and deferred frees
 * hold for both.
 */
export interface TfRecorder {
  commandEncoder: GPUCommandEncoder | null;
  computePassEncoder: GPUComputePassEncoder | null;
  dispatchCountInPass: number;
  /** Data ids a recorded, unsubmitted command uses: their buffers are freed only after the submit. */
  commandQueueOwnedIds: WeakSet<object>;
  /** Uniform buffers handed back to the pool at the next submit. */
  uniformPendingDisposal: GPUBuffer[];
  /** Non-null while tfjs's profiler (`tf.profile`/`time`) times programs. */
  activeTimers: unknown;
  /** Moves a tensor's values to a GPU storage buffer (allocates one for an output). */
  uploadToGPU(dataId: object): void;
}

export function tfRecorder(tf: WebGPUBackend): TfRecorder {
  return tf as unknown as TfRecorder;
}

/** tfjs's flat dispatch for `size` outputs and a workgroup of `workgroupSize`. */
export function flatDispatch(size: number, workgroupSize: [number, number, number]): Pick<WebGPUProgram, 'dispatchLayout' | 'dispatch'> {
  const dispatchLayout = webgpu_util.flatDispatchLayout([size]);
  return { dispatchLayout, dispatch: webgpu_util.computeDispatch(dispatchLayout, [size], workgroupSize) };
}

/** The kernel function tfjs-backend-webgpu registered under `name` (importing the package registers all of them). */
export function tfKernel(
  name: string,
): (args: { inputs: Record<string, TfTensorInfo>; backend: WebGPUBackend; attrs?: NamedAttrMap }) => TfTensorInfo | TfTensorInfo[] {
  const config = getKernel(name, 'webgpu');
  if (!config) throw new Error(`webgpu backend: tfjs-backend-webgpu has no kernel '${name}' (version mismatch?)`);
  return config.kernelFunc as never;
}

/** Buffer bookkeeping of tfjs's backend (private fields, read for memory reports and leak tests). */
export interface TfBufferStats {
  /** Entries in tfjs's tensor map (its data ids: ours plus any it keeps). */
  readonly tfjsDataIds: number;
  /** GPU buffers holding live data (tensors, and uniforms/staging not yet recycled). */
  readonly buffersInUse: number;
  /** GPU buffers released to tfjs's free pool (reused by later allocations). */
  readonly buffersFree: number;
  readonly gpuBytesAllocated: number;
  /** Compiled compute pipelines in tfjs's cache. */
  readonly compiledPipelines: number;
}

interface BufferManagerFields {
  numUsedBuffers: number;
  numFreeBuffers: number;
  numBytesAllocated: number;
}

export function bufferStats(tf: WebGPUBackend): TfBufferStats {
  const bm = tf.bufferManager as unknown as BufferManagerFields; // public fields of tfjs's BufferManager
  return {
    tfjsDataIds: tf.numDataIds(),
    buffersInUse: bm.numUsedBuffers,
    buffersFree: bm.numFreeBuffers,
    gpuBytesAllocated: bm.numBytesAllocated,
    compiledPipelines: Object.keys((tf as unknown as { pipelineCache: Record<string, unknown> }).pipelineCache).length,
  };
}
