export * from '@polytensor/core';
export { createTsBackend, TS_KERNELS, TsStore, type TsBackend } from '@polytensor/backend-ts';
import { createTsBackend } from '@polytensor/backend-ts';
import type { Backend } from '@polytensor/core';

/** A backend-ts instance under another name, for registry tests. */
export const tsBackendNamed = (name: string): Backend => createTsBackend({ name });

/** Central finite difference of a float64 function. */
export function numericGrad(f: (x: Float64Array) => number, x: Float64Array, h = 1e-6): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const save = x[i]!;
    x[i] = save + h;
    const up = f(x);
    x[i] = save - h;
    const down = f(x);
    x[i] = save;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}
