import type { OptimizerCapability } from '@polytensor/core';
import type { TsStore } from '../store.js';
import type { OptimizerUpdate } from '@polytensor/core';

const fr = Math.fround;

/**
 * One optimizer step in a single pass over the variable: every output element
 * is computed exactly as core's composite computes it (each op rounded to
 * float32 with Math.fround, in the same order), so fused and composite
 * training runs are bit-identical. Returns [value', ...slots'].
 */
export function optimizerUpdate(u: OptimizerUpdate, value: Float32Array, grad: Float32Array, slots: readonly Float32Array[]): Float32Array[] {
  const n = value.length;
  const out = new Float32Array(n);
  switch (u.kind) {
    case 'sgd': {
      const lr = fr(u.lr);
      for (let i = 0; i < n; i++) out[i] = value[i]! - fr(grad[i]! * lr);
      return [out];
    }
    case 'momentum': {
      const lr = fr(u.lr),
        mom = fr(u.momentum);
      const accum = slots[0]!;
      const acc2 = new Float32Array(n);
      if (u.nesterov) {
        for (let i = 0; i < n; i++) {
          const g = grad[i]!;
          const a = fr(fr(accum[i]! * mom) + g);
          acc2[i] = a;
          out[i] = value[i]! - fr(fr(g + fr(a * mom)) * lr);
        }
      } else {
        for (let i = 0; i < n; i++) {
          const a = fr(fr(accum[i]! * mom) + grad[i]!);
          acc2[i] = a;
          out[i] = value[i]! - fr(a * lr);
        }
      }
      return [out, acc2];
    }
    case 'adam': {
      const alpha = fr(u.alpha),
        b1 = fr(u.beta1),
        c1 = fr(u.oneMinusBeta1),
        b2 = fr(u.beta2),
        c2 = fr(u.oneMinusBeta2),
        eps = fr(u.epsilon);
      const m = slots[0]!,
        v = slots[1]!;
      const m2 = new Float32Array(n),
        v2 = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const g = grad[i]!;
        const mi = fr(fr(m[i]! * b1) + fr(g * c1));
        const vi = fr(fr(v[i]! * b2) + fr(fr(g * g) * c2));
        m2[i] = mi;
        v2[i] = vi;
        out[i] = value[i]! - fr(fr(mi / fr(fr(Math.sqrt(vi)) + eps)) * alpha);
      }
      return [out, m2, v2];
    }
    case 'rmsprop': {
      const lr = fr(u.lr),
        rho = fr(u.rho),
        c = fr(u.oneMinusRho),
        momentum = fr(u.momentum),
        eps = fr(u.epsilon);
      const rms = slots[0]!;
      const mg = u.centered ? slots[1]! : null;
      const mom = u.momentum > 0 ? slots[u.centered ? 2 : 1]! : null;
      const rms2 = new Float32Array(n);
      const mg2 = mg ? new Float32Array(n) : null;
      const mom2 = mom ? new Float32Array(n) : null;
      for (let i = 0; i < n; i++) {
        const g = grad[i]!;
        const r = fr(fr(rms[i]! * rho) + fr(fr(g * g) * c));
        rms2[i] = r;
        let d = r;
        if (mg && mg2) {
          const a = fr(fr(mg[i]! * rho) + fr(g * c));
          mg2[i] = a;
          d = fr(r - fr(a * a));
        }
        const inc = fr(fr(g / fr(Math.sqrt(fr(d + eps)))) * lr);
        if (mom && mom2) {
          const p = fr(fr(mom[i]! * momentum) + inc);
          mom2[i] = p;
          out[i] = value[i]! - p;
        } else {
          out[i] = value[i]! - inc;
        }
      }
      const res = [out, rms2];
      if (mg2) res.push(mg2);
      if (mom2) res.push(mom2);
      return res;
    }
    case 'adagrad': {
      const lr = fr(u.lr),
        eps = fr(u.epsilon);
      const acc = slots[0]!;
      const acc2 = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const g = grad[i]!;
        const a = fr(acc[i]! + fr(g * g));
        acc2[i] = a;
        out[i] = value[i]! - fr(fr(g / fr(Math.sqrt(fr(a + eps)))) * lr);
      }
      return [out, acc2];
    }
  }
}

/** The optimizer capability: one fused step per variable. */
export const optimizerUpdateKernel = (s: TsStore): OptimizerCapability => ({
  optimizerUpdate(update, value, grad, slots) {
    const op = 'optimizerUpdate';
    return optimizerUpdate(
      update,
      s.f32(value, op),
      s.f32(grad, op),
      slots.map((t) => s.f32(t, op)),
    ).map((o) => s.output(o, value.shape));
  },
});
