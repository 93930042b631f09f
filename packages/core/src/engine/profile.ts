/**
 * What a tfjs user reaches for to look inside a computation: `profile` (the
 * kernels a function ran, with the memory they added), `time` (wall and
 * kernel milliseconds), `nextFrame`, and the backend lookups `backend`,
 * `findBackend`, `findBackendFactory`.
 */
import type { Backend, BackendFactory } from '../backend/backend.js';
import { PolytensorError } from '../errors.js';
import { ENGINE, type KernelCall, type TensorContainer } from './engine.js';

/** One kernel call in a profile, with the memory after it. */
export interface KernelProfile extends KernelCall {
  /** Bytes of tensor memory the engine held after the call. */
  readonly totalBytesSnapshot: number;
  /** Live tensors after the call. */
  readonly totalTensorsSnapshot: number;
}

export interface ProfileInfo<T extends TensorContainer> {
  /** Bytes of tensor memory the function left allocated (its result included). */
  readonly newBytes: number;
  /** Tensors the function left alive (its result included). */
  readonly newTensors: number;
  /** The most bytes held at once while it ran, measured after each kernel. */
  readonly peakBytes: number;
  /** Every kernel it ran, in order. */
  readonly kernels: readonly KernelProfile[];
  /** The distinct op names it ran ('matMul', 'exp' …), in first-seen order. */
  readonly kernelNames: readonly string[];
  /** What the function returned (yours to dispose). */
  readonly result: T;
}

function isPromiseLike<T>(v: unknown): v is PromiseLike<T> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/** Run `f` with `observe` watching every kernel call, then stop watching (also when `f` throws). */
async function watching<T>(observe: (call: KernelCall) => void, f: () => T | Promise<T>): Promise<T> {
  ENGINE.kernelObservers.add(observe);
  try {
    const r = f();
    return isPromiseLike<T>(r) ? await r : r;
  } finally {
    ENGINE.kernelObservers.delete(observe);
  }
}

/**
 * Run `f` and report the kernels it ran and the memory they used, as tfjs's
 * `profile`. Kernels run by other code while `f` awaits are counted too.
 * @example
 * const info = await profile(() => matMul(a, b).relu());
 * console.log(info.kernelNames, info.newTensors, info.peakBytes);
 * info.result.dispose();
 */
export async function profile<T extends TensorContainer>(f: () => T | Promise<T>): Promise<ProfileInfo<T>> {
  if (typeof f !== 'function') throw new PolytensorError(`profile: expected a function to run, got ${typeof f}`);
  const start = ENGINE.memory();
  let peakBytes = start.numBytes;
  const kernels: KernelProfile[] = [];
  const result = await watching((call) => {
    const m = ENGINE.memory();
    peakBytes = Math.max(peakBytes, m.numBytes);
    kernels.push({ ...call, totalBytesSnapshot: m.numBytes, totalTensorsSnapshot: m.numTensors });
  }, f);
  const end = ENGINE.memory();
  return {
    newBytes: end.numBytes - start.numBytes,
    newTensors: end.numTensors - start.numTensors,
    peakBytes,
    kernels,
    kernelNames: [...new Set(kernels.map((k) => k.op))],
    result,
  };
}

export interface TimingInfo {
  /** Wall-clock milliseconds of `f`. */
  readonly wallMs: number;
  /** Milliseconds spent inside backend kernel calls on the host (for GPU backends: enqueueing, not execution). */
  readonly kernelMs: number;
  /** Kernel calls made. */
  readonly kernels: number;
}

/**
 * Time `f`: wall milliseconds and the host time of its kernel calls, as
 * tfjs's `time`. Read a result inside `f` (`await y.data()`) to include a GPU
 * backend's execution in `wallMs`.
 * @example const { wallMs, kernelMs } = await time(() => tidy(() => matMul(a, b).dataSync()));
 */
export async function time(f: () => unknown): Promise<TimingInfo> {
  if (typeof f !== 'function') throw new PolytensorError(`time: expected a function to run, got ${typeof f}`);
  let kernelMs = 0;
  let kernels = 0;
  const t0 = performance.now();
  await watching((call) => {
    kernelMs += call.ms;
    kernels++;
  }, f);
  return { wallMs: performance.now() - t0, kernelMs, kernels };
}

/**
 * Resolve on the next animation frame in a browser (setTimeout 0 elsewhere):
 * `await nextFrame()` in a training loop lets the page paint.
 */
export function nextFrame(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => resolve());
    else setTimeout(resolve, 0);
  });
}

/** The active backend instance (tfjs's `backend()`); `getBackend()` is the same. */
export function backend(): Backend {
  return ENGINE.getBackend();
}

/** The instance of backend `name` if it has been initialised, else null. */
export function findBackend(name: string): Backend | null {
  return ENGINE.registry.instance(name) ?? null;
}

/** The factory backend `name` was registered with, or null. */
export function findBackendFactory(name: string): BackendFactory | null {
  return ENGINE.registry.factory(name) ?? null;
}
