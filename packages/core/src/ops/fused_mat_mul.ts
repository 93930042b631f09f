import type { FusedActivation } from '../backend/kernels.js';
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { add, mul, sub } from './binary.js';
import { cast } from './cast.js';
import { greater } from './compare.js';
import { expectTensor } from './convert.js';
import { matMul } from './mat_mul.js';
import { sum } from './reduce.js';
import { relu, sigmoid, tanh } from './unary.js';

export interface FusedMatMulArgs {
  a: Tensor;
  b: Tensor;
  bias?: Tensor | null;
  activation?: FusedActivation;
  transposeA?: boolean;
  transposeB?: boolean;
}

/** The activations fused kernels take. */
export const FUSED_ACTIVATIONS: readonly FusedActivation[] = ['linear', 'relu', 'sigmoid', 'tanh'];
const ACTIVATIONS = FUSED_ACTIVATIONS;

/** @internal the composite activation. */
export function applyActivation(x: Tensor, activation: FusedActivation): Tensor {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return relu(x);
    case 'sigmoid':
      return sigmoid(x);
    case 'tanh':
      return tanh(x);
  }
}

/** @internal d act / d z expressed with the activation's output y. */
export function activationGrad(dy: Tensor, y: Tensor, activation: FusedActivation): Tensor {
  switch (activation) {
    case 'linear':
      return dy;
    case 'relu':
      return mul(dy, cast(greater(y, 0), 'float32'));
    case 'sigmoid':
      return mul(dy, mul(y, sub(1, y)));
    case 'tanh':
      return mul(dy, sub(1, mul(y, y)));
  }
}

/**
 * @internal d act / d z as a thunk that computes it on first use and then
 * returns the same tensor (created in the caller's scope: call it outside any
 * inner tidy so that every thunk of one gradient can share it).
 */
export function memoGrad(dy: Tensor, y: Tensor, activation: FusedActivation): () => Tensor {
  let dz: Tensor | null = null;
  return () => (dz ??= ENGINE.tidy(() => activationGrad(dy, y, activation)));
}

/**
 * act(a·b + bias) for rank-2 a and b: one kernel where the backend fuses it,
 * the composite of matMul, add and the activation otherwise.
 */
export function fusedMatMul({ a, b, bias = null, activation = 'linear', transposeA = false, transposeB = false }: FusedMatMulArgs): Tensor {
  const ta = expectTensor('fusedMatMul', 'a', a);
  const tb = expectTensor('fusedMatMul', 'b', b);
  const tbias = bias === null ? null : expectTensor('fusedMatMul', 'bias', bias);
  if (!ACTIVATIONS.includes(activation)) {
    throw new PolytensorError(`fusedMatMul: unknown activation '${String(activation)}'; use one of ${ACTIVATIONS.join(', ')}`);
  }
  const backend = ENGINE.getBackend();
  if (ta.rank !== 2 || tb.rank !== 2 || !backend.fusedMatMul) {
    return ENGINE.tidy(() => {
      const z = matMul(ta, tb, transposeA, transposeB);
      return applyActivation(tbias ? add(z, tbias) : z, activation);
    });
  }
  const m = transposeA ? ta.shape[1]! : ta.shape[0]!;
  const k = transposeA ? ta.shape[0]! : ta.shape[1]!;
  const k2 = transposeB ? tb.shape[1]! : tb.shape[0]!;
  const n = transposeB ? tb.shape[0]! : tb.shape[1]!;
  if (k !== k2) {
    throw new PolytensorError(`fusedMatMul: inner dimensions differ: a is ${fmt(ta.shape)}, b is ${fmt(tb.shape)}: ${k} vs ${k2}; transpose one operand or fix the shapes`);
  }
  if (tbias && (tbias.rank !== 1 || tbias.shape[0] !== n)) {
    throw new PolytensorError(`fusedMatMul: bias has shape ${fmt(tbias.shape)}, expected [${n}] (one value per output column)`);
  }
  const inputs = tbias ? [ta, tb, tbias] : [ta, tb];
  return ENGINE.runKernel(
    'fusedMatMul',
    inputs,
    (be) => be.fusedMatMul!(ta, tb, tbias, activation, transposeA, transposeB),
    { shape: [m, n], dtype: 'float32' },
    (dy, { inputs: [x, w], output }) => {
      // dz is computed once, in the backward pass's scope, and shared by the thunks that need it.
      const dz = memoGrad(dy, output, activation);
      const gradA = (): Tensor => {
        const d = dz();
        return transposeA ? matMul(w!, d, transposeB, true) : matMul(d, w!, false, !transposeB);
      };
      const gradB = (): Tensor => {
        const d = dz();
        return transposeB ? matMul(d, x!, true, transposeA) : matMul(x!, d, !transposeA, false);
      };
      const grads: Array<(() => Tensor) | null> = [gradA, gradB];
      if (tbias) grads.push(() => sum(dz(), 0));
      return grads;
    },
  );
}
