import { ENGINE } from './engine/engine.js';
import { GRADIENTS } from './grad/rules.js';
import { PolytensorError } from './errors.js';
import { Tensor } from './tensor.js';
import { registeredVariables, type Variable } from './variable.js';

function checkFn(op: string, f: unknown): void {
  if (typeof f !== 'function') throw new PolytensorError(`${op}: pass a function, e.g. ${op}((x) => x.square().sum())`);
}

function checkInputs(op: string, xs: readonly unknown[]): Tensor[] {
  return xs.map((x, i) => {
    if (!(x instanceof Tensor)) throw new PolytensorError(`${op}: input ${i} must be a Tensor, got ${typeof x}`);
    x.assertAlive(op);
    if (x.dtype !== 'float32') throw new PolytensorError(`${op}: input ${i} is ${x.dtype}; gradients are defined for float32 inputs, cast it first`);
    return x;
  });
}

/**
 * d f(x) / dx for a function of one tensor. With `dy`, the vector-Jacobian product.
 * @example grad((x) => x.square().sum())(tensor([1, 2, 3])) // [2, 4, 6]
 */
export function grad(f: (x: Tensor) => Tensor): (x: Tensor, dy?: Tensor) => Tensor {
  checkFn('grad', f);
  return (x, dy) => {
    const [tx] = checkInputs('grad', [x]);
    const { value, grads } = ENGINE.gradients(() => f(tx!), [tx!], GRADIENTS, dy);
    value.dispose();
    return grads[0]!;
  };
}

/** Gradients of a function of several tensors. */
export function grads(f: (...xs: Tensor[]) => Tensor): (xs: Tensor[], dy?: Tensor) => Tensor[] {
  checkFn('grads', f);
  return (xs, dy) => {
    const ts = checkInputs('grads', xs);
    const { value, grads: gs } = ENGINE.gradients(() => f(...ts), ts, GRADIENTS, dy);
    value.dispose();
    return gs;
  };
}

/** f(x) and its gradient together. */
export function valueAndGrad(f: (x: Tensor) => Tensor): (x: Tensor, dy?: Tensor) => { value: Tensor; grad: Tensor } {
  checkFn('valueAndGrad', f);
  return (x, dy) => {
    const [tx] = checkInputs('valueAndGrad', [x]);
    const { value, grads: gs } = ENGINE.gradients(() => f(tx!), [tx!], GRADIENTS, dy);
    return { value, grad: gs[0]! };
  };
}

/** f(...xs) and its gradients together. */
export function valueAndGrads(f: (...xs: Tensor[]) => Tensor): (xs: Tensor[], dy?: Tensor) => { value: Tensor; grads: Tensor[] } {
  checkFn('valueAndGrads', f);
  return (xs, dy) => {
    const ts = checkInputs('valueAndGrads', xs);
    return ENGINE.gradients(() => f(...ts), ts, GRADIENTS, dy);
  };
}

/**
 * Value of a scalar loss and its gradient w.r.t. each trainable variable
 * (all registered ones by default). Variables the loss does not touch are left out.
 */
export function variableGrads(f: () => Tensor, varList?: readonly Variable[]): { value: Tensor; grads: Record<string, Tensor> } {
  checkFn('variableGrads', f);
  const vars = varList ?? [...registeredVariables().values()].filter((v) => v.trainable);
  if (vars.length === 0) throw new PolytensorError('variableGrads: there are no trainable variables to differentiate with respect to');
  checkInputs('variableGrads', vars);
  let used = new Set<number>();
  const { value, grads: gs } = ENGINE.gradients(
    () => {
      const out = f();
      if (out instanceof Tensor && out.rank !== 0) {
        throw new PolytensorError(`variableGrads: the loss must be a scalar, got shape [${out.shape}]; reduce it with mean() or sum()`);
      }
      return out;
    },
    vars,
    GRADIENTS,
    undefined,
    (reached) => (used = reached),
  );
  const result: Record<string, Tensor> = {};
  vars.forEach((v, i) => {
    if (used.has(v.id)) result[v.name] = gs[i]!;
    else gs[i]!.dispose();
  });
  return { value, grads: result };
}
