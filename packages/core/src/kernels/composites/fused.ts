import type { Conv2DInfo, FusedActivation } from '../../backend/kernels.js';
import type { TensorInfo } from '../../backend/types.js';
import { composite, type KernelContext, type Temps } from '../temps.js';

function activate(t: Temps, z: TensorInfo, activation: FusedActivation): TensorInfo {
  return activation === 'linear' ? z : t.t(t.k.unary(activation, z));
}

function addBias(t: Temps, z: TensorInfo, bias: TensorInfo | null): TensorInfo {
  return bias ? t.t(t.k.binary('add', z, bias, z.shape)) : z;
}

/** act(a·b + bias) for rank-2 a and b: the matMul kernel, then the bias, then the activation. */
export function fusedMatMul(
  k: KernelContext,
  a: TensorInfo,
  b: TensorInfo,
  bias: TensorInfo | null,
  activation: FusedActivation,
  transposeA: boolean,
  transposeB: boolean,
): TensorInfo {
  return composite(k, bias ? [a, b, bias] : [a, b], (t) => {
    const [ar, ac] = a.shape as [number, number];
    const [br, bc] = b.shape as [number, number];
    const m = transposeA ? ac : ar;
    const n = transposeB ? br : bc;
    const z = t.reshape(t.t(k.matMul(t.reshape(a, [1, ar, ac]), t.reshape(b, [1, br, bc]), transposeA, transposeB)), [m, n]);
    return activate(t, addBias(t, z, bias), activation);
  });
}

/** act(conv2d(x, filter) + bias): the conv2d kernel, then the bias, then the activation. */
export function fusedConv2d(
  k: KernelContext,
  x: TensorInfo,
  filter: TensorInfo,
  bias: TensorInfo | null,
  activation: FusedActivation,
  info: Conv2DInfo,
): TensorInfo {
  return composite(k, bias ? [x, filter, bias] : [x, filter], (t) => activate(t, addBias(t, t.t(k.conv2d(x, filter, info)), bias), activation));
}

/** Σ_c labels[c] · −logSoftmax(logits)[c] per row, from the logSoftmax kernel. */
export function softmaxCrossEntropy(k: KernelContext, logits: TensorInfo, labels: TensorInfo): TensorInfo {
  return composite(k, [logits, labels], (t) => {
    const axis = logits.shape.length - 1;
    // Negating before the product keeps a perfect score at +0 (−0·label terms sum to +0 with the rest).
    const nls = t.t(k.unary('neg', t.t(k.logSoftmax(logits))));
    return t.t(k.reduce('sum', t.t(k.binary('mul', labels, nls, logits.shape)), [axis]));
  });
}
