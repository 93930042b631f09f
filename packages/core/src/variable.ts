import type { DType } from './backend/types.js';
import { ENGINE } from './engine/engine.js';
import { PolytensorError } from './errors.js';
import { Tensor, type TensorLike } from './tensor.js';
import { tensor } from './ops/convert.js';
import { arraysEqual, fmt } from './util/shape.js';

const registry = new Map<string, Variable>();
ENGINE.onDispose = (t) => {
  if (t instanceof Variable && registry.get(t.name) === t) registry.delete(t.name);
};

/**
 * Mutable, trainable state: a tensor whose buffer `assign` can replace.
 * Variables live outside tidy scopes until disposed.
 */
export class Variable extends Tensor {
  readonly name: string;
  trainable: boolean;

  /** @internal use variable(). */
  constructor(initial: Tensor, trainable: boolean, name: string) {
    super(initial.dataId, initial.shape, initial.dtype, initial.backend);
    this.name = name;
    this.trainable = trainable;
  }

  /** Replace the value with `value` (same shape and dtype); the previous buffer is released. */
  assign(value: Tensor): void {
    value.assertAlive(`assign to variable '${this.name}'`);
    this.assertAlive(`assign to variable '${this.name}'`);
    if (!arraysEqual(value.shape, this.shape) || value.dtype !== this.dtype) {
      throw new PolytensorError(
        `assign: variable '${this.name}' is ${fmt(this.shape)} ${this.dtype} but the new value is ${fmt(value.shape)} ${value.dtype}; ` +
          `the shape and dtype of a variable are fixed`,
      );
    }
    if (value.backend !== this.backend) {
      throw new PolytensorError(`assign: variable '${this.name}' lives on '${this.backend.name}', the value on '${value.backend.name}'`);
    }
    ENGINE.swapData(this, value.dataId);
  }
}

let autoName = 0;

/**
 * Create a variable from an initial value (copied; the argument stays yours).
 * @example const w = variable(randomNormal([784, 10]), true, 'w');
 */
export function variable(initial: TensorLike, trainable = true, name?: string, dtype?: DType): Variable {
  const finalName = name ?? `variable_${autoName++}`;
  if (registry.has(finalName)) {
    throw new PolytensorError(`variable: a variable named '${finalName}' already exists; pick a unique name or dispose the old one`);
  }
  const src = initial instanceof Tensor ? initial : tensor(initial, undefined, dtype);
  src.assertAlive('variable');
  const v = new Variable(src, trainable, finalName);
  ENGINE.adopt(v);
  if (src !== initial) src.dispose();
  registry.set(finalName, v);
  return v;
}

/** Live variables, by name. */
export function registeredVariables(): ReadonlyMap<string, Variable> {
  return registry;
}

/** Dispose every live variable (tfjs's `disposeVariables`): model weights and optimizer slots included, so use between experiments. */
export function disposeVariables(): void {
  for (const v of [...registry.values()]) v.dispose();
}
