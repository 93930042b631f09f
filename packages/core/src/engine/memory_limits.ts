import type { Backend, BackendLimits } from '../backend/backend.js';
import { bytesPerElement, sizeOf, type DType } from '../backend/types.js';
import { MemoryLimitError, PolytensorError } from '../errors.js';
import { fmt } from '../util/shape.js';

/** Every field of BackendLimits resolved to a number, plus where they come from. */
export interface ResolvedLimits {
  readonly maxTensorElements: number;
  readonly maxTensorBytes: number;
  readonly maxTotalBytes: number;
  readonly source: string;
}

/** Caps set with setMemoryLimits: they lower a backend's own limits, never raise them. */
export type MemoryCaps = Pick<BackendLimits, 'maxTensorElements' | 'maxTensorBytes' | 'maxTotalBytes'>;

/**
 * Limits of a backend that declares none: the largest ArrayBuffer every JS
 * engine polytensor supports can allocate (2^31 − 1 bytes; V8 in Node 20
 * allows 2^32 elements, Safari less), and no total beyond the machine's.
 */
export const DEFAULT_BACKEND_LIMITS: Readonly<Required<MemoryCaps>> = Object.freeze({
  maxTensorElements: 2 ** 31 - 1,
  maxTensorBytes: 2 ** 31 - 1,
  maxTotalBytes: Infinity,
});

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** Bytes for people: 512 B, 1.5 GiB, 3.64 TiB (binary units, three significant digits). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n < 1024) return `${n} B`;
  let v = n;
  let u = -1;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${Number(v.toPrecision(3))} ${UNITS[u]}`;
}

const count = (n: number): string => (n < 1e21 ? n.toLocaleString('en-US') : n.toExponential(2));

/**
 * Messages JS engines give when a typed array cannot be allocated (V8,
 * SpiderMonkey, JavaScriptCore), and the wasm backend's own failure.
 */
const ALLOCATION_FAILURE = /allocation failed|invalid (typed )?array( buffer)? length|out of memory|length out of range|allocation size overflow/i;

/**
 * Whether `e` is a failed allocation (as opposed to a bug or bad input): a
 * typed array the JS engine could not allocate, or a backend's own report,
 * which by convention is an Error named 'OutOfMemoryError' (or a
 * MemoryLimitError). Names, not classes, so that copies of core agree.
 */
export function isAllocationFailure(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  if (e.name === 'OutOfMemoryError' || e.name === 'MemoryLimitError') return true;
  return (e instanceof RangeError || e.name === 'InternalError') && ALLOCATION_FAILURE.test(e.message);
}

interface Held {
  bytes: number;
  buffers: number;
}

/**
 * Core's side of memory safety: what each backend holds through core, the
 * limits it declares (lowered by user caps), and the up-front check every new
 * tensor passes before a kernel runs or a buffer is written.
 */
export class MemoryGuard {
  private caps: MemoryCaps = {};
  private readonly held = new Map<Backend, Held>();

  /** Lower every backend's limits (null removes the caps). */
  setCaps(caps: MemoryCaps | null): void {
    if (caps === null) {
      this.caps = {};
      return;
    }
    if (typeof caps !== 'object') throw new PolytensorError('setMemoryLimits: pass an object such as { maxTotalBytes: 2 ** 30 }, or null to remove the caps');
    const next: Record<string, number> = {};
    for (const [key, value] of Object.entries(caps)) {
      if (key !== 'maxTensorElements' && key !== 'maxTensorBytes' && key !== 'maxTotalBytes') {
        throw new PolytensorError(`setMemoryLimits: unknown limit '${key}'; use maxTensorElements, maxTensorBytes or maxTotalBytes`);
      }
      if (value === undefined) continue;
      if (typeof value !== 'number' || !(value > 0)) {
        throw new PolytensorError(`setMemoryLimits: ${key} must be a positive number (or Infinity), got ${String(value)}`);
      }
      next[key] = value;
    }
    this.caps = next;
  }

  getCaps(): MemoryCaps {
    return { ...this.caps };
  }

  /** The backend's limits with defaults filled in and user caps applied. */
  limits(backend: Backend): ResolvedLimits {
    const own = backend.limits?.() ?? {};
    const capped = (Object.keys(this.caps) as (keyof MemoryCaps)[]).some((k) => this.caps[k]! < declared(own, k));
    const source = own.source ?? (backend.limits ? `declared by backend '${backend.name}'` : 'defaults for a backend that declares no limits');
    return {
      maxTensorElements: this.bound(own, 'maxTensorElements'),
      maxTensorBytes: this.bound(own, 'maxTensorBytes'),
      maxTotalBytes: this.bound(own, 'maxTotalBytes'),
      source: capped ? `${source}; lowered by setMemoryLimits` : source,
    };
  }

  /** One limit: the backend's (or the default), lowered by the user's cap. */
  private bound(own: BackendLimits, key: keyof MemoryCaps): number {
    const d = declared(own, key);
    const cap = this.caps[key];
    return cap !== undefined && cap < d ? cap : d;
  }

  /** Bytes and buffers `backend` holds through core. */
  heldBy(backend: Backend): Held {
    return { ...(this.held.get(backend) ?? { bytes: 0, buffers: 0 }) };
  }

  added(backend: Backend, bytes: number): void {
    const h = this.held.get(backend);
    if (h) {
      h.bytes += bytes;
      h.buffers++;
    } else {
      this.held.set(backend, { bytes, buffers: 1 });
    }
  }

  released(backend: Backend, bytes: number): void {
    const h = this.held.get(backend);
    if (!h) return;
    h.bytes -= bytes;
    if (--h.buffers === 0) this.held.delete(backend);
  }

  /**
   * Throw a MemoryLimitError (before anything is allocated) when `outputs`
   * cannot be held by `backend`: one of them is too large, or all of them with
   * what the backend already holds exceed its total. `noun` says what is being
   * made ('the output', 'the tensor', "weight 'kernel'").
   */
  check(op: string, backend: Backend, outputs: ReadonlyArray<{ readonly shape: readonly number[]; readonly dtype: DType }>, noun: string): void {
    // Numbers only on this path (it runs before every kernel); messages are built when something does not fit.
    const own = backend.limits?.() ?? {};
    const maxBytes = this.bound(own, 'maxTensorBytes');
    const maxElements = this.bound(own, 'maxTensorElements');
    let total = 0;
    for (const { shape, dtype } of outputs) {
      const elements = sizeOf(shape);
      const bytes = elements * bytesPerElement(dtype);
      total += bytes;
      if (bytes > maxBytes || elements > maxElements) throw this.tooLarge(op, backend, shape, dtype, noun);
    }
    const maxTotal = this.bound(own, 'maxTotalBytes');
    if (maxTotal !== Infinity && (this.held.get(backend)?.bytes ?? 0) + total > maxTotal) throw this.overTotal(op, backend, outputs, noun, total);
  }

  private tooLarge(op: string, backend: Backend, shape: readonly number[], dtype: DType, noun: string): MemoryLimitError {
    const lim = this.limits(backend);
    const elements = sizeOf(shape);
    const bytes = elements * bytesPerElement(dtype);
    const what = `${op}: ${noun} ${fmt(shape)} ${dtype}`;
    const tail = 'Nothing was allocated and the backend is still usable. Use smaller tensors (e.g. process the data in batches).';
    const error = (message: string, limit: number): MemoryLimitError =>
      new MemoryLimitError(`${message} (${lim.source}). ${tail}`, 'tensorSize', op, backend.name, shape, dtype, bytes, limit);
    if (bytes > lim.maxTensorBytes) {
      return error(
        `${what} would take ${formatBytes(bytes)} (${count(elements)} elements); backend '${backend.name}' holds at most ${formatBytes(lim.maxTensorBytes)} in one tensor`,
        lim.maxTensorBytes,
      );
    }
    return error(
      `${what} would have ${count(elements)} elements; backend '${backend.name}' holds at most ${count(lim.maxTensorElements)} in one tensor`,
      lim.maxTensorElements,
    );
  }

  private overTotal(
    op: string,
    backend: Backend,
    outputs: ReadonlyArray<{ readonly shape: readonly number[]; readonly dtype: DType }>,
    noun: string,
    total: number,
  ): MemoryLimitError {
    const lim = this.limits(backend);
    const held = this.heldBy(backend);
    const first = outputs[0]!;
    const several = outputs.length > 1 ? ` (and ${outputs.length - 1} more output${outputs.length > 2 ? 's' : ''})` : '';
    return new MemoryLimitError(
      `${op}: ${noun} ${fmt(first.shape)} ${first.dtype}${several} would take ${formatBytes(total)}, but backend '${backend.name}' ` +
        `already holds ${formatBytes(held.bytes)} in ${held.buffers} buffer${held.buffers === 1 ? '' : 's'} and can hold ${formatBytes(lim.maxTotalBytes)} in all ` +
        `(${lim.source}). Nothing was allocated and the backend is still usable. Dispose tensors you no longer need (dispose(), tidy()) or use smaller ones.`,
      'totalSize',
      op,
      backend.name,
      first.shape,
      first.dtype,
      total,
      lim.maxTotalBytes,
    );
  }

  /**
   * Turn an allocation failure a backend reported while making `output` (a
   * typed array it could not allocate, its heap full) into a MemoryLimitError
   * naming the op; any other error is returned unchanged.
   */
  failure(op: string, backend: Backend, output: { readonly shape: readonly number[]; readonly dtype: DType }, noun: string, e: unknown): unknown {
    if (!isAllocationFailure(e)) return e;
    const bytes = sizeOf(output.shape) * bytesPerElement(output.dtype);
    const reason = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    const held = this.heldBy(backend);
    return new MemoryLimitError(
      `${op}: backend '${backend.name}' could not allocate memory for ${noun} ${fmt(output.shape)} ${output.dtype} (${formatBytes(bytes)}; ` +
        `it holds ${formatBytes(held.bytes)} in ${held.buffers} buffer${held.buffers === 1 ? '' : 's'}): ${reason}. ` +
        `Nothing was stored, every existing tensor is intact and the backend is still usable. ` +
        `Free memory (dispose tensors you no longer need) or use smaller tensors.`,
      'allocationFailed',
      op,
      backend.name,
      output.shape,
      output.dtype,
      bytes,
      NaN,
      { cause: e },
    );
  }
}

/** What the backend declares for `key` (a positive number), else the default. */
function declared(own: BackendLimits, key: keyof MemoryCaps): number {
  const v = own[key];
  return typeof v === 'number' && v > 0 ? v : DEFAULT_BACKEND_LIMITS[key];
}
