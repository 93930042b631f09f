import type { Backend, BackendFactory } from '../backend/backend.js';
import { PolytensorError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { ENGINE, type MemoryInfo, type TensorContainer } from './engine.js';
import type { MemoryCaps, ResolvedLimits } from './memory_limits.js';

/**
 * Make a backend available under `name`. Backend packages call this on import;
 * with no explicit setBackend the highest `priority` that initialises wins.
 */
export const registerBackend = (name: string, factory: BackendFactory, priority = 0): void => ENGINE.registerBackend(name, factory, priority);
/** Forget a backend (disposing its instance). */
export const removeBackend = (name: string): void => ENGINE.removeBackend(name);
/** Names of registered backends. */
export const registeredBackends = (): string[] => ENGINE.registry.names();
/** Switch to a backend by name, initialising it if needed. */
export const setBackend = (name: string): Promise<void> => ENGINE.setBackend(name);
/** Switch to a backend whose factory is synchronous. */
export const setBackendSync = (name: string): void => ENGINE.setBackendSync(name);
/** Load installed backend packages and resolve the one to use. */
export const ready = (): Promise<Backend> => ENGINE.ready();
/** The active backend object. */
export const getBackend = (): Backend => ENGINE.getBackend();
/** Name of the chosen backend, or null when none is chosen yet; never initialises one. */
export const activeBackendName = (): string | null => ENGINE.activeBackendName();
/** Name of the active backend (choosing the best registered one if none is chosen yet). */
export const backendName = (): string => ENGINE.backendName();

/**
 * Run `fn` and free every tensor it created except what it returns.
 * Synchronous work only: an async function is refused before it runs; a
 * function that returns a Promise anyway gets an error (what it made before
 * its first await is freed, what it resolves to is freed when it settles;
 * tensors it makes after an await belong to no scope). Inside async code,
 * wrap each synchronous step: `const y = tidy(() => f(x)); await y.data()`.
 */
export const tidy = <T extends TensorContainer>(fn: () => T): T => ENGINE.tidy(fn);
/** Exempt a tensor from the enclosing tidy scopes. */
export const keep = <T extends Tensor>(t: T): T => ENGINE.keep(t);
/** Live tensors, buffers and bytes. */
export const memory = (): MemoryInfo => ENGINE.memory();
/**
 * Cap how much memory tensors may take, on every backend: the caps lower what
 * each backend declares it can hold (they never raise it). Ops that would go
 * over a cap throw a MemoryLimitError before allocating anything. `null`
 * removes the caps. Example: `setMemoryLimits({ maxTotalBytes: 512 * 2 ** 20 })`.
 */
export const setMemoryLimits = (caps: MemoryCaps | null): void => ENGINE.memoryGuard.setCaps(caps);
/** The limits the active backend's new tensors are checked against (its own, lowered by setMemoryLimits). */
export const memoryLimits = (): ResolvedLimits => ENGINE.memoryGuard.limits(ENGINE.getBackend());
/** In tests: require every kernel to leave exactly its output buffer behind. */
export const setKernelLeakChecks = (on: boolean): void => {
  ENGINE.kernelLeakChecks = on;
};

/** Dispose tensors found anywhere in a container. */
export function dispose(container: TensorContainer): void {
  if (container instanceof Tensor) container.dispose();
  else if (Array.isArray(container)) for (const c of container) dispose(c);
  else if (container !== null && typeof container === 'object') for (const v of Object.values(container)) dispose(v);
  else if (container !== undefined && container !== null && typeof container !== 'string' && typeof container !== 'number' && typeof container !== 'boolean') {
    throw new PolytensorError('dispose: expected a tensor or a container of tensors');
  }
}
