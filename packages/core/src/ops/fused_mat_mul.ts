import type { FusedActivation } from '../backend/kernels.js';
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { add } from './binary.js';
import { expectTensor } from './convert.js';
import { matMul } from './mat_mul.js';
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

/**
 * act(a·b + bias): for rank-2 a and b the fusedMatMul kernel (the backend's, or
 * core's composite of matMul, add and the activation); batched operands take
 * the composite of ops.
 */
export function fusedMatMul({ a, b, bias = null, activation = 'linear', transposeA = false, transposeB = false }: FusedMatMulArgs): Tensor {
  const ta = expectTensor('fusedMatMul', 'a', a);
  const tb = expectTensor('fusedMatMul', 'b', b);
  const tbias = bias === null ? null : expectTensor('fusedMatMul', 'bias', bias);
  if (!ACTIVATIONS.includes(activation)) {
    throw new PolytensorError(`fusedMatMul: unknown activation '${String(activation)}'; use one of ${ACTIVATIONS.join(', ')}`);
  }
  if (ta.rank !== 2 || tb.rank !== 2) {
    // The kernel is rank 2; batched operands take the composite of ops.
    return ENGINE.tidy(() => {
      const z = matMul(ta, tb, transposeA, transposeB);
      return applyActivation(tbias ? add(z, tbias) : z, activation);
    });
  }
  const k = transposeA ? ta.shape[0]! : ta.shape[1]!;
  const k2 = transposeB ? tb.shape[1]! : tb.shape[0]!;
  const n = transposeB ? tb.shape[0]! : tb.shape[1]!;
  if (k !== k2) {
    throw new PolytensorError(
      `fusedMatMul: inner dimensions differ: a is ${fmt(ta.shape)}, b is ${fmt(tb.shape)}: ${k} vs ${k2}; transpose one operand or fix the shapes`,
    );
  }
  if (tbias && (tbias.rank !== 1 || tbias.shape[0] !== n)) {
    throw new PolytensorError(`fusedMatMul: bias has shape ${fmt(tbias.shape)}, expected [${n}] (one value per output column)`);
  }
  return ENGINE.runKernel('fusedMatMul', [ta, tb, tbias, activation, transposeA, transposeB]);
}
