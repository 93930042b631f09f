import type { OptimizerUpdate } from '@polytensor/core';

/**
 * The arithmetic an optimizer step is written in, so the one formula below
 * serves both as the float32 reference (every operation rounded once, as
 * core's composite update computes it on an exact backend) and as an error
 * bound for backends that declare inexact arithmetic.
 */
export interface StepArithmetic<T> {
  readonly add: (a: T, b: T) => T;
  readonly sub: (a: T, b: T) => T;
  readonly mul: (a: T, b: T) => T;
  readonly div: (a: T, b: T) => T;
  readonly sqrt: (a: T) => T;
  /** A float32 input (an operand's element or a hyperparameter). */
  readonly input: (v: number) => T;
}

/**
 * One optimizer step on one element, as `OptimizerUpdate` documents it:
 * returns the variable's new value, then each slot's new value in `slots`
 * order (rmsprop: rms, mg when centered, mom when momentum > 0).
 */
export function optimizerStep<T>(A: StepArithmetic<T>, u: OptimizerUpdate, value: T, g: T, slots: readonly T[]): T[] {
  const { add, sub, mul, div, sqrt, input: c } = A;
  switch (u.kind) {
    case 'sgd':
      return [sub(value, mul(g, c(u.lr)))];
    case 'momentum': {
      const a = add(mul(slots[0]!, c(u.momentum)), g);
      const step = u.nesterov ? add(g, mul(a, c(u.momentum))) : a;
      return [sub(value, mul(step, c(u.lr))), a];
    }
    case 'adam': {
      const m = add(mul(slots[0]!, c(u.beta1)), mul(g, c(u.oneMinusBeta1)));
      const v = add(mul(slots[1]!, c(u.beta2)), mul(mul(g, g), c(u.oneMinusBeta2)));
      return [sub(value, mul(div(m, add(sqrt(v), c(u.epsilon))), c(u.alpha))), m, v];
    }
    case 'rmsprop': {
      const rms = add(mul(slots[0]!, c(u.rho)), mul(mul(g, g), c(u.oneMinusRho)));
      const mg = u.centered ? add(mul(slots[1]!, c(u.rho)), mul(g, c(u.oneMinusRho))) : null;
      const denom = add(mg ? sub(rms, mul(mg, mg)) : rms, c(u.epsilon));
      const inc = mul(div(g, sqrt(denom)), c(u.lr));
      const mom = u.momentum > 0 ? add(mul(slots[u.centered ? 2 : 1]!, c(u.momentum)), inc) : null;
      return [sub(value, mom ?? inc), rms, ...(mg ? [mg] : []), ...(mom ? [mom] : [])];
    }
    case 'adagrad': {
      const acc = add(slots[0]!, mul(g, g));
      return [sub(value, mul(div(g, sqrt(add(acc, c(u.epsilon)))), c(u.lr))), acc];
    }
  }
}

const fr = Math.fround;

/** Float32 arithmetic: each operation computed in float64 and rounded once (correctly rounded for + − × ÷ √ of float32 operands). */
export const FLOAT32_STEP: StepArithmetic<number> = {
  add: (a, b) => fr(a + b),
  sub: (a, b) => fr(a - b),
  mul: (a, b) => fr(a * b),
  div: (a, b) => fr(a / b),
  sqrt: (a) => fr(Math.sqrt(a)),
  input: fr,
};

/** The number of slots an update kind reads and returns. */
export function slotCount(u: OptimizerUpdate): number {
  switch (u.kind) {
    case 'sgd':
      return 0;
    case 'momentum':
    case 'adagrad':
      return 1;
    case 'adam':
      return 2;
    case 'rmsprop':
      return 1 + (u.centered ? 1 : 0) + (u.momentum > 0 ? 1 : 0);
  }
}

/**
 * The reference optimizer step over whole operands (float32 values held in
 * float64): [value', ...slots'], every operation rounded to float32.
 */
export function optimizerUpdate(u: OptimizerUpdate, value: Float64Array, grad: Float64Array, slots: readonly Float64Array[]): Float64Array[] {
  const outs = Array.from({ length: 1 + slotCount(u) }, () => new Float64Array(value.length));
  for (let i = 0; i < value.length; i++) {
    const r = optimizerStep(
      FLOAT32_STEP,
      u,
      value[i]!,
      grad[i]!,
      slots.map((s) => s[i]!),
    );
    r.forEach((v, k) => (outs[k]![i] = v));
  }
  return outs;
}
