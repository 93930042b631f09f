import type { Backend, BackendNumerics } from '@polytensor/core';

/** Overrides for `wrapBackend`: any Backend member, plus a different name or numerics. */
export type BackendOverrides = Partial<Backend> & { name?: string; numerics?: BackendNumerics };

/**
 * A backend that forwards everything to `base` except the given overrides
 * (forwarded methods run with `base` as `this`). Handy for test doubles: wrap
 * a working backend and break one kernel.
 */
export function wrapBackend(base: Backend, overrides: BackendOverrides): Backend {
  const table = overrides as Record<PropertyKey, unknown>;
  return new Proxy(base, {
    get(target, prop) {
      if (Object.prototype.hasOwnProperty.call(table, prop)) return table[prop];
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...args: unknown[]) => unknown).bind(target) : v;
    },
    has(target, prop) {
      return Object.prototype.hasOwnProperty.call(table, prop) || Reflect.has(target, prop);
    },
  });
}
