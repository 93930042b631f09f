// Backend tests that need a fresh instance active in core register it under a
// private name (lowest priority, so core's default choice never picks it).
import { type Backend, registerBackend, removeBackend, setBackend } from '@polytensor/core';

let counter = 0;

/**
 * Register `backend` with core under a private name, make it the active
 * backend, run `body`, then remove the registration (which disposes the
 * instance) however `body` ends.
 */
export async function onPrivateBackend<T>(backend: Backend, body: (name: string) => T | Promise<T>): Promise<T> {
  const name = `${backend.name}-test-${++counter}`;
  registerBackend(name, () => backend, -10);
  try {
    await setBackend(name);
    return await body(name);
  } finally {
    removeBackend(name);
  }
}
