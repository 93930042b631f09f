// Weight penalties added to the training loss (Keras' regularizers): L1, L2,
// L1L2. A layer given one adds penalty(weight) to the loss at each step.
import { tidy } from '../engine/api.js';
import { PolytensorError } from '../errors.js';
import { add, mul } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { abs, square } from '../ops/unary.js';
import type { Tensor } from '../tensor.js';

/** A penalty on a weight: a float32 scalar added to the loss. */
export interface Regularizer {
  readonly className: string;
  apply(weight: Tensor): Tensor;
  getConfig(): Record<string, number>;
}

/** l1 · Σ|w| + l2 · Σw² (Keras' L1L2; L1 and L2 are its special cases). */
export class L1L2 implements Regularizer {
  readonly className: string = 'L1L2';
  readonly l1: number;
  readonly l2: number;
  constructor(args: { l1?: number; l2?: number } = {}) {
    const check = (what: string, v: unknown): number => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
        throw new PolytensorError(`regularizer: ${what} must be a finite number ≥ 0, got ${JSON.stringify(v)}`);
      return v;
    };
    this.l1 = check('l1', args.l1 ?? 0);
    this.l2 = check('l2', args.l2 ?? 0);
  }
  apply(w: Tensor): Tensor {
    return tidy(() => this.penalty(w));
  }
  private penalty(w: Tensor): Tensor {
    const l1 = this.l1 ? mul(sum(abs(w)), this.l1) : null;
    const l2 = this.l2 ? mul(sum(square(w)), this.l2) : null;
    return l1 && l2 ? add(l1, l2) : (l1 ?? l2 ?? mul(sum(w), 0));
  }
  getConfig(): Record<string, number> {
    return { l1: this.l1, l2: this.l2 };
  }
}

/** Factories with Keras' defaults (0.01). */
export const regularizers = {
  l1: ({ l1 = 0.01 }: { l1?: number } = {}): Regularizer => new L1L2({ l1 }),
  l2: ({ l2 = 0.01 }: { l2?: number } = {}): Regularizer => new L1L2({ l2 }),
  l1l2: ({ l1 = 0.01, l2 = 0.01 }: { l1?: number; l2?: number } = {}): Regularizer => new L1L2({ l1, l2 }),
};

/** A regularizer by name ('l1', 'l2', 'l1l2' with defaults), an instance, or a saved { className, config }. */
export type RegularizerSpec = keyof typeof regularizers | Regularizer | { className: string; config?: Record<string, unknown> };

export function getRegularizer(spec: RegularizerSpec): Regularizer {
  if (typeof spec === 'string') {
    if (!Object.hasOwn(regularizers, spec)) throw new PolytensorError(`unknown regularizer '${spec}'; use one of ${Object.keys(regularizers).join(', ')}`);
    return regularizers[spec]();
  }
  if (spec === null || typeof spec !== 'object')
    throw new PolytensorError(`regularizer: expected a name, a Regularizer or { className, config }, got ${JSON.stringify(spec)}`);
  if ('apply' in spec && typeof spec.apply === 'function') return spec;
  const { className, config = {} } = spec as { className: unknown; config?: Record<string, unknown> };
  if (className !== 'L1L2' && className !== 'L1' && className !== 'L2') {
    throw new PolytensorError(`unknown regularizer class ${JSON.stringify(className)}; known: L1L2, L1, L2`);
  }
  if (config === null || typeof config !== 'object') throw new PolytensorError(`regularizer ${className}: config must be an object`);
  return new L1L2({ l1: config['l1'] as number | undefined, l2: config['l2'] as number | undefined });
}

export const serializeRegularizer = (r: Regularizer): { className: string; config: Record<string, number> } => ({
  className: r.className,
  config: r.getConfig(),
});
