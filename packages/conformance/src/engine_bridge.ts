import type { Backend } from '@polytensor/core';
import { activeBackendName, registerBackend, removeBackend, setBackendSync } from '@polytensor/core';
import { wrapBackend } from './wrap.js';

/**
 * Gradient, training and composite-optimizer cases run core ops, so core's
 * engine must use the backend under test. Each backend instance (and each view
 * of it a case derives, e.g. one without the optimizer capability) is
 * registered once, under a private name with the lowest priority (never
 * auto-selected), as a view whose dispose() does nothing: core's
 * removeBackend disposes instances, and the suite, not the engine, owns the
 * backend.
 */
const registered = new WeakMap<Backend, string>();
/** Views derived from a backend under test, by key, so releaseBackend forgets them too. */
const derived = new WeakMap<Backend, Map<string, Backend>>();
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

/** A view of `backend` made once per key (`make`), released with the backend. */
export function derivedBackend(backend: Backend, key: string, make: () => Backend): Backend {
  let views = derived.get(backend);
  if (!views) derived.set(backend, (views = new Map()));
  let view = views.get(key);
  if (!view) views.set(key, (view = make()));
  return view;
}

function forget(backend: Backend): void {
  const name = registered.get(backend);
  if (name === undefined) return;
  registered.delete(backend);
  removeBackend(name);
}

/** Forget the registrations made by useBackend for `backend` and its derived views (the backend itself is not disposed). */
export function releaseBackend(backend: Backend): void {
  const views = derived.get(backend);
  derived.delete(backend);
  const had = registered.has(backend) || [...(views?.values() ?? [])].some((v) => registered.has(v));
  for (const v of views?.values() ?? []) forget(v);
  forget(backend);
  if (!had) return;
  if (previous) {
    try {
      setBackendSync(previous);
    } catch {
      // The earlier backend went away or is async; leave the choice to the engine.
    }
  }
  previous = undefined;
}
