/**
 * A deliberately wrong backend, to show (and test) that the correctness gate
 * reports a wrong backend as wrong rather than fast: backend-ts whose matMul
 * drops one term (the k = 0 product of output element 0). Registered under
 * 'ts-broken' (compared with tfjs cpu) by `--backends ts-broken`.
 */
import { defineBackend, registerBackend, registeredBackends, type Backend, type KernelImpl } from '@polytensor/core';
import { TS_KERNELS, TS_NUMERICS, TsStore } from '@polytensor/backend-ts';

export const BROKEN_BACKEND = 'ts-broken';

/** backend-ts's matMul, then a[0,0,0]·b[0,0,0] (the k = 0 term of element 0 in every layout) taken away again. */
const droppedTermMatMul: KernelImpl<'matMul', TsStore> = (s, a, b, transposeA, transposeB) => {
  const out = TS_KERNELS.matMul(s, a, b, transposeA, transposeB);
  const K = transposeA ? a.shape[a.shape.length - 2]! : a.shape[a.shape.length - 1]!;
  if (K < 2) return out;
  const values = s.f32(out, 'matMul');
  values[0] = values[0]! - s.f32(a, 'matMul')[0]! * s.f32(b, 'matMul')[0]!;
  return out;
};

export function brokenTsBackend(): Backend {
  const storage = new TsStore();
  return defineBackend({
    name: BROKEN_BACKEND,
    storage,
    numerics: TS_NUMERICS,
    kernels: { ...TS_KERNELS, matMul: droppedTermMatMul },
    dispose: () => storage.clear(),
  });
}

/** Register the broken backend with core (idempotent). */
export function registerBrokenBackend(): void {
  if (!registeredBackends().includes(BROKEN_BACKEND)) registerBackend(BROKEN_BACKEND, brokenTsBackend, -1);
}
