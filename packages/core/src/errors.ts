import type { DType } from './backend/types.js';

/**
 * Every error polytensor throws on bad input. Messages name the op, the
 * offending shapes or values, and what to do about it.
 */
export class PolytensorError extends Error {
  override name = 'PolytensorError';
}

/** Why an allocation was refused or failed (see MemoryLimitError). */
export type MemoryLimitKind =
  /** One tensor would exceed what the backend can hold in a single buffer. */
  | 'tensorSize'
  /** The backend's tensors together would exceed its total limit. */
  | 'totalSize'
  /** The backend tried to allocate and could not (its heap or the host is out of memory). */
  | 'allocationFailed';

/**
 * A tensor that does not fit: refused up front by core (nothing was
 * allocated, no kernel ran), or an allocation the backend reported as failed.
 * Either way every tensor already stored is intact and the backend stays usable.
 */
export class MemoryLimitError extends PolytensorError {
  override name = 'MemoryLimitError';
  constructor(
    message: string,
    readonly kind: MemoryLimitKind,
    /** The op (or layer weight) that asked for the memory. */
    readonly op: string,
    readonly backend: string,
    readonly shape: readonly number[],
    readonly dtype: DType,
    /** Bytes the tensor (or tensors) would take. */
    readonly bytes: number,
    /** The limit it ran into, in bytes (elements for a per-tensor element limit); NaN when the backend's allocator failed. */
    readonly limit: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
