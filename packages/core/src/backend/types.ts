/** Element types a tensor can hold. */
export type DType = 'float32' | 'int32' | 'bool';

/** Storage of each dtype: float32 → Float32Array, int32 → Int32Array, bool → Uint8Array (0/1). */
export type TypedArray = Float32Array | Int32Array | Uint8Array;

export interface DTypeArrays {
  float32: Float32Array;
  int32: Int32Array;
  bool: Uint8Array;
}

/**
 * Opaque handle to a buffer owned by a backend. Backends mint them with
 * `write` or as kernel outputs; core never looks inside.
 */
export type DataId = object;

/** What a kernel sees of a tensor: its buffer, logical shape and dtype. */
export interface TensorInfo {
  readonly dataId: DataId;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** Storage statistics a backend reports. */
export interface BackendMemory {
  /** Live buffers owned by the backend. */
  numDataIds: number;
  /** Bytes held by those buffers (host or device). */
  numBytes: number;
  /** Backend-specific extras (textures, wasm heap...). */
  [extra: string]: number;
}

export const MAX_RANK = 6;

/** A zeroed array of the storage type for `dtype` (float32 → Float32Array, int32 → Int32Array, bool → Uint8Array). */
export function typedArrayFor(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
}

export function bytesPerElement(dtype: DType): number {
  return dtype === 'bool' ? 1 : 4;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
