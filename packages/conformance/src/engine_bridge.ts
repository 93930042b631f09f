import type { Backend } from '@polytensor/core';
import { activeBackendName, registerBackend, removeBackend, setBackendSync } from '@polytensor/core';
import { wrapBackend } from './wrap.js';

/**
 * Gradient and training cases run core ops, so core's engine must use the
 * backend under test. Each backend instance is registered once, under a
 * private name with the lowest priority (never auto-selected), as a view whose
 * dispose() does nothing: core's removeBackend disposes instances, and the
 * suite, not the engine, owns the backend.
 */
const registered = new WeakMap<Backend, string>();
let serial = 0;
/** The user's choice before the suite took over, restored by releaseBackend. */
let previous: string | null | undefined;

/** Make `backend` core's active backend. */
export function useBackend(backend: Backend): void {
  let name = registered.get(backend);
  const active = activeBackendName();
  if (previous === undefined && !(active ?? '').startsWith('conformance-')) previous = active;
  if (name === undefined) {
    name = `conformance-${backend.name}-${++serial}`;
    const view = wrapBackend(backend, { dispose: () => undefined });
    registerBackend(name, () => view, -1e9);
    registered.set(backend, name);
  }
  setBackendSync(name);
}

/** Forget the registration made by useBackend (the backend itself is not disposed). */
export function releaseBackend(backend: Backend): void {
  const name = registered.get(backend);
  if (name === undefined) return;
  registered.delete(backend);
  removeBackend(name);
  if (previous) {
    try {
      setBackendSync(previous);
    } catch {
      // The earlier backend went away or is async; leave the choice to the engine.
    }
  }
  previous = undefined;
}
