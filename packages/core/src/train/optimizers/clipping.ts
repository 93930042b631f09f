// Gradient clipping (Keras' clipnorm, clipvalue, global_clipnorm), applied by the
// Optimizer base class to the gradients before any update rule sees them.
import { PolytensorError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { add, div, maximum, minimum, mul } from '../../ops/binary.js';
import { sqrt, square } from '../../ops/unary.js';
import { sum } from '../../ops/reduce.js';

/** Options every optimizer takes (its constructor's last argument). At most one clipping option may be set. */
export interface OptimizerOptions {
  /** Rescale each variable's gradient to an L2 norm of at most this: `g · c / max(‖g‖, c)`. */
  clipNorm?: number;
  /** Clip each gradient element to [−clipValue, clipValue]. */
  clipValue?: number;
  /** Rescale all gradients together so their joint L2 norm is at most this. */
  globalClipNorm?: number;
}

/** The clipping an optimizer applies, validated. */
export type Clipping = { readonly kind: 'clipNorm' | 'clipValue' | 'globalClipNorm'; readonly value: number } | null;

const CLIP_KEYS = ['clipNorm', 'clipValue', 'globalClipNorm'] as const;

/** @internal the option names, also config keys of a saved optimizer. */
export const clipKeys = (): readonly string[] => CLIP_KEYS;

/** @internal validate an optimizer's options. */
export function checkOptimizerOptions(op: string, options: unknown): Clipping {
  if (options === undefined) return null;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new PolytensorError(`${op}: options must be an object { clipNorm?, clipValue?, globalClipNorm? }, got ${options === null ? 'null' : typeof options}`);
  }
  const o = options as Record<string, unknown>;
  const extra = Object.keys(o).filter((k) => !(CLIP_KEYS as readonly string[]).includes(k));
  if (extra.length) throw new PolytensorError(`${op}: unknown option ${extra.map((k) => `'${k}'`).join(', ')}; options are ${CLIP_KEYS.join(', ')}`);
  const set = CLIP_KEYS.filter((k) => o[k] !== undefined);
  if (set.length > 1) throw new PolytensorError(`${op}: set at most one of clipNorm, clipValue and globalClipNorm, got ${set.join(' and ')}`);
  const kind = set[0];
  if (kind === undefined) return null;
  const value = o[kind];
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new PolytensorError(`${op}: ${kind} must be a finite number > 0, got ${typeof value === 'number' ? value : JSON.stringify(value)}`);
  }
  return { kind, value };
}

/** @internal the joint L2 norm of the gradients, a float32 scalar. */
export function globalNorm(grads: readonly Tensor[]): Tensor {
  let total: Tensor | null = null;
  for (const g of grads) {
    const s = sum(square(g));
    total = total ? add(total, s) : s;
  }
  return sqrt(total!);
}

/** `g · c / max(norm, c)`: unchanged when the norm is at most c. */
const rescale = (g: Tensor, norm: Tensor, c: number): Tensor => div(mul(g, c), maximum(norm, c));

/** @internal one variable's gradient, clipped (`norm` is the global norm for globalClipNorm). Call inside a tidy scope. */
export function clipGradient(g: Tensor, clipping: NonNullable<Clipping>, norm: Tensor | null): Tensor {
  switch (clipping.kind) {
    case 'clipValue':
      return minimum(maximum(g, -clipping.value), clipping.value);
    case 'clipNorm':
      return rescale(g, sqrt(sum(square(g))), clipping.value);
    case 'globalClipNorm':
      return rescale(g, norm!, clipping.value);
  }
}
