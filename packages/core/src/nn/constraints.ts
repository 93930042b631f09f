// Projections applied to a weight after each optimizer step (Keras'
// constraints): MaxNorm, NonNeg, UnitNorm, MinMaxNorm. Norms are taken over
// `axis` (default 0: for a Dense kernel [in, out], each output unit's
// incoming weights; use [0, 1, 2] for a Conv2D kernel).
import { tidy } from '../engine/api.js';
import { PolytensorError } from '../errors.js';
import { add, div, mul } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { relu, sqrt, square } from '../ops/unary.js';
import { maximum, minimum } from '../ops/binary.js';
import type { Tensor } from '../tensor.js';

export interface Constraint {
  readonly className: string;
  /** The projected weight (same shape). */
  apply(weight: Tensor): Tensor;
  getConfig(): Record<string, number | number[]>;
}

/** Keras' backend epsilon: keeps the divisions finite for an all-zero weight. */
const EPSILON = 1e-7;

function axesOf(what: string, v: unknown): number[] {
  const axes = typeof v === 'number' ? [v] : v;
  if (!Array.isArray(axes) || axes.length === 0 || !axes.every((a) => Number.isInteger(a) && a >= 0)) {
    throw new PolytensorError(`${what}: axis must be an integer ≥ 0 or a list of them, got ${JSON.stringify(v)}`);
  }
  return [...axes];
}

function finite(what: string, v: unknown, min = 0): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new PolytensorError(`${what} must be a finite number ≥ ${min}, got ${JSON.stringify(v)}`);
  return v;
}

const norms = (w: Tensor, axes: number[]): Tensor => sqrt(sum(square(w), axes, true));

/** Caps each norm at maxValue. */
export class MaxNorm implements Constraint {
  readonly className: string = 'MaxNorm';
  readonly maxValue: number;
  readonly axis: number[];
  constructor(args: { maxValue?: number; axis?: number | number[] } = {}) {
    this.maxValue = finite('MaxNorm: maxValue', args.maxValue ?? 2);
    this.axis = axesOf('MaxNorm', args.axis ?? 0);
  }
  apply(w: Tensor): Tensor {
    return tidy(() => {
      const n = norms(w, this.axis);
      return mul(w, div(minimum(n, this.maxValue), add(n, EPSILON)));
    });
  }
  getConfig() {
    return { maxValue: this.maxValue, axis: this.axis };
  }
}

/** Sets negative values to zero. */
export class NonNeg implements Constraint {
  readonly className: string = 'NonNeg';
  apply(w: Tensor): Tensor {
    return relu(w);
  }
  getConfig() {
    return {};
  }
}

/** Scales each norm to 1. */
export class UnitNorm implements Constraint {
  readonly className: string = 'UnitNorm';
  readonly axis: number[];
  constructor(args: { axis?: number | number[] } = {}) {
    this.axis = axesOf('UnitNorm', args.axis ?? 0);
  }
  apply(w: Tensor): Tensor {
    return tidy(() => div(w, add(norms(w, this.axis), EPSILON)));
  }
  getConfig() {
    return { axis: this.axis };
  }
}

/** Moves each norm into [minValue, maxValue], by `rate` of the way (1: all the way). */
export class MinMaxNorm implements Constraint {
  readonly className: string = 'MinMaxNorm';
  readonly minValue: number;
  readonly maxValue: number;
  readonly rate: number;
  readonly axis: number[];
  constructor(args: { minValue?: number; maxValue?: number; rate?: number; axis?: number | number[] } = {}) {
    this.minValue = finite('MinMaxNorm: minValue', args.minValue ?? 0);
    this.maxValue = finite('MinMaxNorm: maxValue', args.maxValue ?? 1);
    if (this.maxValue < this.minValue) throw new PolytensorError(`MinMaxNorm: maxValue ${this.maxValue} is below minValue ${this.minValue}`);
    this.rate = finite('MinMaxNorm: rate', args.rate ?? 1);
    this.axis = axesOf('MinMaxNorm', args.axis ?? 0);
  }
  apply(w: Tensor): Tensor {
    return tidy(() => {
      const n = norms(w, this.axis);
      const clipped = minimum(maximum(n, this.minValue), this.maxValue);
      const desired = add(mul(clipped, this.rate), mul(n, 1 - this.rate));
      return mul(w, div(desired, add(n, EPSILON)));
    });
  }
  getConfig() {
    return { minValue: this.minValue, maxValue: this.maxValue, rate: this.rate, axis: this.axis };
  }
}

export const constraints = {
  maxNorm: (args: { maxValue?: number; axis?: number | number[] } = {}): Constraint => new MaxNorm(args),
  nonNeg: (): Constraint => new NonNeg(),
  unitNorm: (args: { axis?: number | number[] } = {}): Constraint => new UnitNorm(args),
  minMaxNorm: (args: { minValue?: number; maxValue?: number; rate?: number; axis?: number | number[] } = {}): Constraint => new MinMaxNorm(args),
};

/** A constraint by name ('maxNorm', 'nonNeg', 'unitNorm', 'minMaxNorm', with defaults), an instance, or a saved { className, config }. */
export type ConstraintSpec = keyof typeof constraints | Constraint | { className: string; config?: Record<string, unknown> };

const BY_CLASS: Readonly<Record<string, (c: Record<string, unknown>) => Constraint>> = {
  MaxNorm: (c) => new MaxNorm(c),
  NonNeg: () => new NonNeg(),
  UnitNorm: (c) => new UnitNorm(c),
  MinMaxNorm: (c) => new MinMaxNorm(c),
};

export function getConstraint(spec: ConstraintSpec): Constraint {
  if (typeof spec === 'string') {
    if (!Object.hasOwn(constraints, spec)) throw new PolytensorError(`unknown constraint '${spec}'; use one of ${Object.keys(constraints).join(', ')}`);
    return constraints[spec]();
  }
  if (spec === null || typeof spec !== 'object')
    throw new PolytensorError(`constraint: expected a name, a Constraint or { className, config }, got ${JSON.stringify(spec)}`);
  if ('apply' in spec && typeof spec.apply === 'function') return spec;
  const { className, config = {} } = spec as { className: unknown; config?: Record<string, unknown> };
  const make = typeof className === 'string' && Object.hasOwn(BY_CLASS, className) ? BY_CLASS[className] : undefined;
  if (!make) throw new PolytensorError(`unknown constraint class ${JSON.stringify(className)}; known: ${Object.keys(BY_CLASS).join(', ')}`);
  if (config === null || typeof config !== 'object') throw new PolytensorError(`constraint ${className}: config must be an object`);
  return make(config);
}

export const serializeConstraint = (c: Constraint): { className: string; config: Record<string, number | number[]> } => ({
  className: c.className,
  config: c.getConfig(),
});
