export * from '@polytensor/core';
export { createTsBackend, TS_KERNELS, TsStore, type TsBackend } from '@polytensor/backend-ts';
import { createTsBackend, TS_KERNELS, TsStore } from '@polytensor/backend-ts';
import { defineBackend, registerBackend, removeBackend, setBackendSync, type Backend, type KernelImpls, type TensorInfo } from '@polytensor/core';

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

/**
 * Run `f` on a backend-ts that counts, per kernel, its calls and the elements
 * its outputs hold: tests of an op's or a layer's cost (e.g. that a backward
 * pass stays linear in the sequence length). Restores backend 'ts'.
 */
export function countKernels(f: () => void): { calls: Map<string, number>; elements: Map<string, number> } {
  const calls = new Map<string, number>();
  const elements = new Map<string, number>();
  const wrapped = Object.fromEntries(
    Object.entries(TS_KERNELS).map(([name, impl]) => [
      name,
      (s: TsStore, ...args: unknown[]) => {
        const out = (impl as (s: TsStore, ...a: unknown[]) => TensorInfo)(s, ...args);
        calls.set(name, (calls.get(name) ?? 0) + 1);
        elements.set(name, (elements.get(name) ?? 0) + out.shape.reduce((a, d) => a * d, 1));
        return out;
      },
    ]),
  ) as unknown as KernelImpls<TsStore>;
  const name = 'ts-counting';
  registerBackend(name, () => defineBackend({ name, storage: new TsStore(), kernels: wrapped }), -100);
  try {
    setBackendSync(name);
    f();
  } finally {
    setBackendSync('ts');
    removeBackend(name);
  }
  return { calls, elements };
}
