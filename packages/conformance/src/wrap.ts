import type { Backend, BackendNumerics, KernelName, Kernels } from '@polytensor/core';

/**
 * Overrides for `wrapBackend`: any Backend member, a different name or
 * numerics, and `kernels`: some kernels replaced (the rest stay the base's).
 */
export type BackendOverrides = Partial<Omit<Backend, 'kernels'>> & { name?: string; numerics?: BackendNumerics; kernels?: Partial<Kernels> };

/**
 * A backend that forwards everything to `base` except the given overrides
 * (forwarded methods run with `base` as `this`). Replaced kernels count as
 * implemented by the view. Handy for views (a dispose that does nothing) and
 * test doubles; to break one kernel of the reference, prefer
 * `createReferenceBackend({ kernels: { ...REFERENCE_KERNELS, x } })`, whose
 * composites then run on the broken kernel too.
 */
export function wrapBackend(base: Backend, overrides: BackendOverrides): Backend {
  const { kernels: kernelOverrides, ...rest } = overrides;
  const table: Record<PropertyKey, unknown> = { ...rest };
  if (kernelOverrides) {
    table['kernels'] = { ...base.kernels, ...kernelOverrides };
    table['implemented'] = new Set<KernelName>([...base.implemented, ...(Object.keys(kernelOverrides) as KernelName[])]);
  }
  return new Proxy(base, {
    get(target, prop) {
      if (Object.hasOwn(table, prop)) return table[prop];
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...args: unknown[]) => unknown).bind(target) : v;
    },
    has(target, prop) {
      return Object.hasOwn(table, prop) || Reflect.has(target, prop);
    },
  });
}
