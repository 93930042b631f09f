import type { TensorInfo } from '../../backend/types.js';
import { composite, type KernelContext, type Temps } from '../temps.js';

/** x − max(x) over the last axis (keepDims), the shared first step of softmax and logSoftmax. */
export function shiftedByMax(t: Temps, x: TensorInfo): TensorInfo {
  const axis = x.shape.length - 1;
  const kept = x.shape.map((d, i) => (i === axis ? 1 : d));
  const m = t.reshape(t.t(t.k.reduce('max', x, [axis])), kept);
  return t.t(t.k.binary('sub', x, m, x.shape));
}

/** exp(x − max) / Σ exp(x − max) over the last axis. */
export function softmax(k: KernelContext, logits: TensorInfo): TensorInfo {
  return composite(k, [logits], (t) => {
    const axis = logits.shape.length - 1;
    const e = t.t(k.unary('exp', shiftedByMax(t, logits)));
    const s = t.reshape(
      t.t(k.reduce('sum', e, [axis])),
      logits.shape.map((d, i) => (i === axis ? 1 : d)),
    );
    return t.t(k.binary('div', e, s, logits.shape));
  });
}

/**
 * d − log Σ exp(d), d = x − max(x). The sum is 1 (the max's own term) plus
 * the rest, so log Σ = log1p(Σ_{d<0} exp(d) + (#maxima − 1)): accurate when
 * the result is small, where log of a sum near 1 would lose it.
 */
export function logSoftmax(k: KernelContext, logits: TensorInfo): TensorInfo {
  return composite(k, [logits], (t) => {
    const axis = logits.shape.length - 1;
    const rows = logits.shape.map((d, i) => (i === axis ? 1 : d));
    const d = shiftedByMax(t, logits);
    const below = t.t(k.binary('less', d, t.scalar(0), d.shape));
    const rest = t.t(k.reduce('sum', t.t(k.where(below, t.t(k.unary('exp', d)), t.scalar(0), d.shape)), [axis]));
    const maxima = t.t(k.reduce('sum', t.t(k.cast(t.t(k.unary('logicalNot', below)), 'float32')), [axis]));
    const extra = t.t(k.binary('sub', maxima, t.scalar(1), maxima.shape));
    const lse = t.t(k.unary('log1p', t.t(k.binary('add', rest, extra, rest.shape))));
    return t.t(k.binary('sub', d, t.reshape(lse, rows), d.shape));
  });
}
