import type { OptimizerCapability, OptimizerUpdate } from '@polytensor/core';
import type { Tw, WasmRuntime } from '../runtime.js';
import type { WasmStore } from '../store.js';
import { onHeap } from './heap_simd.js';
import { OPTIMIZER_SIMD_WASM, OPTIMIZER_SIMD_WASM_SHARED } from './optimizer_simd_module.js';

const fr = Math.fround;

/** One rule of the SIMD module: (vectors, w, g, s0, s1, s2, o0, o1, o2, o3, h0 … h5), addresses in bytes. */
type RuleFn = (...args: number[]) => void;

/** The module's functions and the hyperparameters each takes, in order. */
function simdRule(u: OptimizerUpdate): [name: string, hyper: number[]] {
  switch (u.kind) {
    case 'sgd':
      return ['sgd', [u.lr]];
    case 'momentum':
      return [u.nesterov ? 'nesterov' : 'momentum', [u.lr, u.momentum]];
    case 'adam':
      return ['adam', [u.alpha, u.beta1, u.oneMinusBeta1, u.beta2, u.oneMinusBeta2, u.epsilon]];
    case 'rmsprop':
      return [`rmsprop${u.centered ? 'Centered' : ''}${u.momentum > 0 ? 'Momentum' : ''}`, [u.lr, u.rho, u.oneMinusRho, u.momentum, u.epsilon]];
    case 'adagrad':
      return ['adagrad', [u.lr, u.epsilon]];
  }
}

/**
 * One optimizer step: whole vectors of 4 by the generated SIMD module (f32x4
 * ops, correctly rounded per lane: the composite's bits at ~1 ns per element
 * for Adam), the last 0–3 elements (or all of them where SIMD does not
 * validate) by `optimizerStepHost`. Writes [value', ...slots'] into `outs`.
 */
export function optimizerStep(rt: WasmRuntime, u: OptimizerUpdate, value: Tw, grad: Tw, slots: readonly Tw[], outs: readonly Tw[], simd = true): void {
  const rules = simd ? onHeap<Record<string, RuleFn>>(rt, OPTIMIZER_SIMD_WASM, OPTIMIZER_SIMD_WASM_SHARED) : null;
  let from = 0;
  if (rules) {
    const [name, hyper] = simdRule(u);
    const vectors = value.data.size >> 2;
    const at = (ts: readonly Tw[], k: number): number => ts[k]?.data.offset ?? 0;
    const h = [0, 1, 2, 3, 4, 5].map((k) => hyper[k] ?? 0);
    rules[name]!(
      vectors,
      value.data.offset,
      grad.data.offset,
      at(slots, 0),
      at(slots, 1),
      at(slots, 2),
      at(outs, 0),
      at(outs, 1),
      at(outs, 2),
      at(outs, 3),
      ...h,
    );
    from = vectors * 4;
  }
  optimizerStepHost(rt, u, value, grad, slots, outs, from);
}

/**
 * Elements `from`… of one optimizer step, in JavaScript on heap views: each
 * computed op by op as core's composite does (each op rounded to float32; √ in
 * double then rounded is the correctly rounded float32 √), so fused and
 * composite training are bit-identical. Writes [value', ...slots'] into
 * `outs` (fresh buffers of value's size), reading value, grad and slots.
 */
export function optimizerStepHost(rt: WasmRuntime, u: OptimizerUpdate, value: Tw, grad: Tw, slots: readonly Tw[], outs: readonly Tw[], from = 0): void {
  const w = rt.f32(value.data);
  const g = rt.f32(grad.data);
  const s = slots.map((t) => rt.f32(t.data));
  const o = outs.map((t) => rt.f32(t.data));
  const out = o[0]!;
  const n = w.length;
  switch (u.kind) {
    case 'sgd': {
      const lr = fr(u.lr);
      for (let i = from; i < n; i++) out[i] = w[i]! - fr(g[i]! * lr);
      return;
    }
    case 'momentum': {
      const [lr, mom] = [fr(u.lr), fr(u.momentum)];
      const [acc, acc2] = [s[0]!, o[1]!];
      for (let i = from; i < n; i++) {
        const a = fr(fr(acc[i]! * mom) + g[i]!);
        acc2[i] = a;
        const step = u.nesterov ? fr(g[i]! + fr(a * mom)) : a;
        out[i] = w[i]! - fr(step * lr);
      }
      return;
    }
    case 'adam': {
      const [alpha, b1, c1, b2, c2, eps] = [u.alpha, u.beta1, u.oneMinusBeta1, u.beta2, u.oneMinusBeta2, u.epsilon].map(fr) as number[];
      const [m, v, m2, v2] = [s[0]!, s[1]!, o[1]!, o[2]!];
      for (let i = from; i < n; i++) {
        const gi = g[i]!;
        const mi = fr(fr(m[i]! * b1!) + fr(gi * c1!));
        const vi = fr(fr(v[i]! * b2!) + fr(fr(gi * gi) * c2!));
        m2[i] = mi;
        v2[i] = vi;
        out[i] = w[i]! - fr(fr(mi / fr(fr(Math.sqrt(vi)) + eps!)) * alpha!);
      }
      return;
    }
    case 'rmsprop': {
      const [lr, rho, c, momentum, eps] = [u.lr, u.rho, u.oneMinusRho, u.momentum, u.epsilon].map(fr) as number[];
      const rms = s[0]!;
      const mg = u.centered ? s[1]! : null;
      const mom = u.momentum > 0 ? s[u.centered ? 2 : 1]! : null;
      const rms2 = o[1]!;
      const mg2 = mg ? o[2]! : null;
      const mom2 = mom ? o[u.centered ? 3 : 2]! : null;
      for (let i = from; i < n; i++) {
        const gi = g[i]!;
        const r = fr(fr(rms[i]! * rho!) + fr(fr(gi * gi) * c!));
        rms2[i] = r;
        let d = r;
        if (mg && mg2) {
          const a = fr(fr(mg[i]! * rho!) + fr(gi * c!));
          mg2[i] = a;
          d = fr(r - fr(a * a));
        }
        const inc = fr(fr(gi / fr(Math.sqrt(fr(d + eps!)))) * lr!);
        if (mom && mom2) {
          const p = fr(fr(mom[i]! * momentum!) + inc);
          mom2[i] = p;
          out[i] = w[i]! - p;
        } else {
          out[i] = w[i]! - inc;
        }
      }
      return;
    }
    case 'adagrad': {
      const [lr, eps] = [fr(u.lr), fr(u.epsilon)];
      const [acc, acc2] = [s[0]!, o[1]!];
      for (let i = from; i < n; i++) {
        const gi = g[i]!;
        const a = fr(acc[i]! + fr(gi * gi));
        acc2[i] = a;
        out[i] = w[i]! - fr(fr(gi / fr(Math.sqrt(fr(a + eps)))) * lr);
      }
      return;
    }
  }
}

/**
 * The optimizer capability: one fused step per variable, its outputs adopted
 * by the store. `simd: false` runs every element in JavaScript (what runs
 * where SIMD does not validate; for tests).
 */
export const optimizerUpdateKernel = (s: WasmStore, simd = true): OptimizerCapability => ({
  optimizerUpdate(update, value, grad, slots) {
    const op = 'optimizerUpdate';
    const v = s.input(value, op);
    const g = s.input(grad, op);
    const sl = slots.map((t) => s.input(t, op));
    return s.runMany(() => {
      const outs = [v, ...sl].map(() => s.rt.empty(value.shape, 'float32'));
      optimizerStep(s.rt, update, v, g, sl, outs, simd);
      return outs;
    });
  },
});
