// customGrad: a function whose gradient the caller writes (tfjs's customGrad),
// recorded on the tape as one node: the ops inside its forward are not
// recorded, its gradFunc is called once per backward pass instead.
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { fmt } from '../util/shape.js';

/** Saves tensors for the backward pass: they come back, in order, as gradFunc's `saved`. */
export type GradSaveFunc = (save: Tensor[]) => void;

/**
 * The function given to customGrad: called with the inputs and a `save`
 * function last; returns the value and the gradient of the value w.r.t. each
 * input (one tensor per input, each of the input's shape).
 */
export type CustomGradientFunc<T extends Tensor> = (...inputs: Array<Tensor | GradSaveFunc>) => CustomGradientResult<T>;

/** What customGrad's function returns: the value, and a function from dy (and the saved tensors) to one gradient per input. */
export interface CustomGradientResult<T extends Tensor> {
  value: T;
  gradFunc: (dy: T, saved: Tensor[]) => Tensor | Tensor[];
}

/**
 * Wrap `f` so that autodiff uses the gradient `f` returns instead of
 * differentiating its ops (tfjs's customGrad). `f` gets the inputs and a
 * `save` function; tensors passed to `save` come back as `saved` in gradFunc.
 * Works with grad, grads, valueAndGrad(s), variableGrads and inside tidy.
 * Higher-order gradients differentiate what gradFunc computes, with saved
 * inputs still tied to the inputs; other saved tensors count as constants.
 * @example
 * const square = customGrad((x: Tensor, save: GradSaveFunc) => {
 *   save([x]);
 *   return { value: x.square(), gradFunc: (dy, [s]) => [dy.mul(s!).mul(2)] };
 * });
 * grad((x) => square(x).sum())(tensor([1, -2])); // [2, -4]
 */
export function customGrad<T extends Tensor, A extends Tensor[]>(f: (...inputs: A) => CustomGradientResult<T>): (...args: A) => T;
export function customGrad<T extends Tensor, A extends Tensor[]>(f: (...inputs: [...A, GradSaveFunc]) => CustomGradientResult<T>): (...args: A) => T;
export function customGrad<T extends Tensor>(f: CustomGradientFunc<T>): (...args: Tensor[]) => T;
export function customGrad<T extends Tensor>(f: unknown): (...args: Tensor[]) => T {
  if (typeof f !== 'function') {
    throw new PolytensorError(`customGrad: pass a function (x, save) => ({ value, gradFunc: (dy, saved) => [dx] }), got ${describe(f)}`);
  }
  return (...inputs: Tensor[]): T => {
    inputs.forEach((x, i) => {
      if (!(x instanceof Tensor)) throw new PolytensorError(`customGrad: argument ${i} of the wrapped function must be a Tensor, got ${describe(x)}`);
      x.assertAlive('customGrad');
    });
    let saved: Tensor[] = [];
    const release = (): void => {
      for (const t of saved) t.dispose();
      saved = [];
    };
    const save: GradSaveFunc = (ts) => {
      if (!Array.isArray(ts) || ts.some((t) => !(t instanceof Tensor))) {
        throw new PolytensorError(`customGrad: save takes an array of tensors, e.g. save([x]), got ${describe(ts)}`);
      }
      ts.forEach((t) => t.assertAlive('customGrad: save'));
      release(); // as tfjs: the last call wins
      saved = ts.map((t) => ENGINE.aliasOf(t)); // held until recorded: f's intermediates die with its tidy
    };
    try {
      let gradFunc: ((dy: T, saved: Tensor[]) => Tensor | Tensor[]) | null = null;
      // The forward, untaped (one node for the whole function) and tidy: only the value survives,
      // as a fresh view so it is a new tensor even when f returns an input.
      const out = ENGINE.untaped(() =>
        ENGINE.tidy(() => {
          const res = (f as CustomGradientFunc<T>)(...inputs, save);
          if (res === null || typeof res !== 'object' || !(res.value instanceof Tensor)) {
            throw new PolytensorError(
              `customGrad: f must return { value: Tensor, gradFunc }, got ${res === null || typeof res !== 'object' ? describe(res) : `value ${describe(res.value)}`}`,
            );
          }
          if (typeof res.gradFunc !== 'function') {
            throw new PolytensorError(
              `customGrad: f must return { value, gradFunc } with gradFunc a function (dy, saved) => [one gradient per input], got ${describe(res.gradFunc)}`,
            );
          }
          res.value.assertAlive('customGrad');
          gradFunc = res.gradFunc;
          return ENGINE.makeView(res.value, res.value.shape);
        }, 'customGrad'),
      );
      const fn = gradFunc as unknown as (dy: T, saved: Tensor[]) => Tensor | Tensor[];
      ENGINE.record(
        'customGrad',
        inputs,
        out,
        (dy, { kept }) => {
          const gs = checkGradients(fn(dy as T, [...(kept ?? [])]), inputs, dy);
          return gs.map((g) => () => g);
        },
        saved,
      );
      return out as T;
    } finally {
      release();
    }
  };
}

/** gradFunc's answer as one gradient per input, each of its input's shape, or a clear error. */
function checkGradients(got: unknown, inputs: readonly Tensor[], dy: Tensor): Tensor[] {
  const gs = Array.isArray(got) ? (got as unknown[]) : [got];
  const shapes = inputs.map((x) => fmt(x.shape)).join(', ');
  if (gs.length !== inputs.length) {
    throw new PolytensorError(
      `customGrad: gradFunc returned ${gs.length} gradient(s) for ${inputs.length} input(s) (shapes ${shapes}); return one tensor per input passed to f, in order`,
    );
  }
  gs.forEach((g, i) => {
    if (!(g instanceof Tensor)) throw new PolytensorError(`customGrad: gradFunc's gradient ${i} is ${describe(g)}, not a Tensor; return one tensor per input`);
    g.assertAlive('customGrad: gradFunc');
    const x = inputs[i]!;
    if (g.shape.length !== x.shape.length || g.shape.some((d, k) => d !== x.shape[k])) {
      throw new PolytensorError(
        `customGrad: gradFunc's gradient ${i} has shape ${fmt(g.shape)} but input ${i} has shape ${fmt(x.shape)} (dy is ${fmt(dy.shape)}); ` +
          `each gradient must have its input's shape (sum over broadcast axes)`,
      );
    }
    if (g.dtype !== 'float32') throw new PolytensorError(`customGrad: gradFunc's gradient ${i} is ${g.dtype}; gradients must be float32, cast it`);
  });
  return gs as Tensor[];
}

function describe(v: unknown): string {
  if (v instanceof Tensor) return `a Tensor of shape ${fmt(v.shape)}`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return v === null ? 'null' : typeof v;
}
