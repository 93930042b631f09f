/**
 * A deliberately wrong backend, to show (and test) that the correctness gate
 * reports a wrong backend as wrong rather than fast: backend-ts whose matMul
 * drops one term (the k = 0 product of output element 0). Registered under
 * 'ts-broken' (compared with tfjs cpu) by `--backends ts-broken`.
 */
import type { Backend, TensorInfo } from '@polytensor/core';
import { registerBackend, registeredBackends } from '@polytensor/core';
import { TsBackend } from '@polytensor/backend-ts';

export const BROKEN_BACKEND = 'ts-broken';

export function brokenTsBackend(): Backend {
  const base = new TsBackend();
  const matMul = (a: TensorInfo, b: TensorInfo, tA: boolean, tB: boolean): TensorInfo => {
    const out = base.matMul(a, b, tA, tB);
    const K = tA ? a.shape[a.shape.length - 2]! : a.shape[a.shape.length - 1]!;
    if (K < 2) return out;
    const values = base.readSync(out.dataId) as Float32Array;
    const av = base.readSync(a.dataId);
    const bv = base.readSync(b.dataId);
    // a[0,0,0]·b[0,0,0] is the k = 0 term of element 0 in every layout
    values[0] = values[0]! - av[0]! * bv[0]!;
    base.disposeData(out.dataId);
    return { dataId: base.write(values, out.shape, out.dtype), shape: out.shape, dtype: out.dtype };
  };
  return new Proxy(base, {
    get(target, prop) {
      if (prop === 'name') return BROKEN_BACKEND;
      if (prop === 'matMul') return matMul;
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...args: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** Register the broken backend with core (idempotent). */
export function registerBrokenBackend(): void {
  if (!registeredBackends().includes(BROKEN_BACKEND)) registerBackend(BROKEN_BACKEND, brokenTsBackend, -1);
}
