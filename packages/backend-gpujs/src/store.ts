import type { DType, TensorInfo, TypedArray } from '@polytensor/core';
import type { GpuTexture } from './gpujs.js';
import type { GpuRuntime } from './runtime.js';

/**
 * What kernels see of the backend's storage.
 *
 * - float32 and bool tensors live on the GPU as float textures, one value per
 *   texel in row-major order (bool as exactly 0 or 1).
 * - int32 tensors live on the host (Int32Array): float32 cannot hold every
 *   int32, and the contract's int32 add/sub/mul wrap modulo 2^32. A GPU kernel
 *   that reads int32 indices (gather, oneHot, scatterAdd) gets them as a float
 *   texture made once per buffer (indices are far below 2^24).
 */
export interface Store {
  readonly rt: GpuRuntime;
  /** The texture of a non-empty float32 or bool tensor. */
  tex(x: TensorInfo): GpuTexture;
  /** The host values of an int32 tensor (not a copy: do not modify). */
  ints(x: TensorInfo): Int32Array;
  /** An int32 tensor's values as a float texture (cached with the buffer; do not delete). */
  intTex(x: TensorInfo): GpuTexture;
  /** Any tensor's values on the host (downloads GPU data; a copy). */
  hostValues(x: TensorInfo): TypedArray;
  /** Adopt a kernel's output texture as a new buffer. */
  outTex(tex: GpuTexture, shape: readonly number[], dtype: DType): TensorInfo;
  /** Adopt host values as a new buffer: int32 stays on the host, float32/bool are uploaded. */
  outHost(values: TypedArray, shape: readonly number[]): TensorInfo;
  /** A new buffer of size 0. */
  outEmpty(shape: readonly number[], dtype: DType): TensorInfo;
  /** A new texture holding `values` (the caller deletes it). */
  upload(values: Float32Array): GpuTexture;
  /** A new texture of n copies of `value` (the caller deletes it). */
  fill(n: number, value: number): GpuTexture;
}
