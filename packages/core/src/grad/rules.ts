/**
 * Gradient rules, keyed by kernel name like the kernel table (kernels/table.ts).
 * Each rule maps dy to one thunk per tensor argument of the call (null where
 * that input gets no gradient); thunks run only for inputs that need one. Their
 * ops are recorded on an outer tape when one is active (grad of grad), so a
 * rule written with differentiable ops has its own gradient. A null rule: the kernel is not differentiable (argMax,
 * oneHot, cast…), so no gradient flows through it.
 */
import type { Conv2DInfo, FusedActivation, UnaryGradOp } from '../backend/kernels.js';
import { ENGINE } from '../engine/engine.js';
import type { GradientRules } from '../engine/tape.js';
import type { Tensor } from '../tensor.js';
import { keptShape } from '../util/shape.js';
import { add, div, mul, pow, sub } from '../ops/binary.js';
import { cast } from '../ops/cast.js';
import { equal, greater, greaterEqual, less, lessEqual } from '../ops/compare.js';
import { backpropFilter, backpropInput, conv2dWithInfo } from '../ops/conv2d.js';
import { onesLike, zerosLike } from '../ops/creation.js';
import { gather, scatterAdd } from '../ops/gather.js';
import { matMul, matMul3 } from '../ops/mat_mul.js';
import { pad } from '../ops/pad.js';
import { avgPoolGradWithInfo, avgPoolWithInfo, maxPoolGradWithInfo } from '../ops/pool.js';
import { sum } from '../ops/reduce.js';
import { reshape } from '../ops/reshape.js';
import { slice } from '../ops/slice.js';
import { logSoftmax, softmax } from '../ops/softmax.js';
import { sumToShape } from '../ops/sum_to_shape.js';
import { transpose } from '../ops/transpose.js';
import { cos, exp, log, neg, sign, sigmoid, sin } from '../ops/unary.js';
import { where } from '../ops/where.js';

type Thunk = (() => Tensor) | null;

const zeros =
  (x: Tensor): Thunk =>
  () =>
    zerosLike(x);

/** d act / d z from the activation's output y. */
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
 * d act / d z as a thunk that computes it once (in the backward pass's scope)
 * and shares it between the thunks that need it.
 */
function memoGrad(dy: Tensor, y: Tensor, activation: FusedActivation): () => Tensor {
  let dz: Tensor | null = null;
  return () => (dz ??= ENGINE.tidy(() => activationGrad(dy, y, activation)));
}

/**
 * An activation's gradient as one kernel (unaryGrad), when no outer tape
 * records it: the kernel has no gradient of its own, so grad of grad takes the
 * rule's differentiable ops instead (the same sequence as unaryGrad's composite).
 */
const unaryGradOf = (op: UnaryGradOp, x: Tensor, y: Tensor, dy: Tensor): Tensor => ENGINE.runKernel('unaryGrad', [op, x, y, dy]);

/** A reduced gradient broadcast back over the input's shape. */
const expandGrad = (dy: Tensor, x: Tensor, axes: readonly number[]): Tensor => ENGINE.tidy(() => mul(reshape(dy, keptShape(x.shape, axes)), onesLike(x)));

/** A broadcast gradient summed back to an operand's shape. */
const reduceTo = (g: Tensor, x: Tensor): Tensor => sumToShape(g, x.shape);

const unbroadcastBatch = (g: Tensor, like: Tensor): Tensor => (g.shape[0] === like.shape[0] ? g : ENGINE.tidy(() => sum(g, 0, true)));

export const GRADIENTS: GradientRules = {
  unary: (dy, { output: y }, [op, x]) => {
    switch (op) {
      case 'neg':
        return [() => neg(dy)];
      case 'abs':
        return [() => mul(dy, sign(x))];
      case 'exp':
        return [() => mul(dy, y)];
      case 'expm1':
        // exp(x) from x: from the output, expm1(x) + 1 rounds to 0 below x ≈ -17 (true e^x ≈ 4e-8).
        return [() => mul(dy, exp(x))];
      case 'log':
        return [() => div(dy, x)];
      case 'log1p':
        return [() => div(dy, add(x, 1))];
      case 'sqrt':
        return [() => div(dy, mul(y, 2))];
      case 'rsqrt':
        return [() => mul(dy, div(mul(y, -0.5), x))];
      case 'square':
        return [() => mul(dy, mul(x, 2))];
      case 'reciprocal':
        return [() => neg(mul(dy, mul(y, y)))];
      case 'relu':
        return [() => mul(dy, cast(greater(x, 0), dy.dtype))];
      case 'sigmoid':
        // σ(x)·σ(−x): 1 − σ(x) from the rounded output keeps no digits near saturation (0.5% off at x = 12).
        return [() => (ENGINE.recordsGradientOf([x, y, dy]) ? mul(dy, mul(y, sigmoid(neg(x)))) : unaryGradOf('sigmoid', x, y, dy))];
      case 'tanh':
        // 1 − tanh²(x) = 4·σ(2x)·σ(−2x): 1 − y² from the rounded output loses every digit as |y| → 1.
        return [
          () => {
            if (!ENGINE.recordsGradientOf([x, y, dy])) return unaryGradOf('tanh', x, y, dy);
            const x2 = mul(x, 2);
            return mul(dy, mul(mul(sigmoid(x2), sigmoid(neg(x2))), 4));
          },
        ];
      case 'elu':
        // exp(x) for x ≤ 0, from x (see expm1).
        return [() => where(greater(x, 0), dy, mul(dy, exp(x)))];
      case 'softplus':
        return [() => mul(dy, sigmoid(x))];
      case 'sin':
        return [() => mul(dy, cos(x))];
      case 'cos':
        return [() => neg(mul(dy, sin(x)))];
      case 'sign':
      case 'floor':
      case 'ceil':
      case 'round':
        return [zeros(x)];
      case 'logicalNot':
      case 'isNaN':
      case 'isInf':
      case 'isFinite':
        return [null];
    }
  },

  binary: (dy, { output }, [op, a, b]) => {
    switch (op) {
      case 'add':
        return [() => reduceTo(dy, a), () => reduceTo(dy, b)];
      case 'sub':
        return [() => reduceTo(dy, a), () => reduceTo(neg(dy), b)];
      case 'mul':
        return [() => reduceTo(mul(dy, b), a), () => reduceTo(mul(dy, a), b)];
      case 'div':
        return [() => reduceTo(div(dy, b), a), () => reduceTo(neg(div(mul(dy, a), mul(b, b))), b)];
      case 'pow':
        return [
          () => reduceTo(mul(dy, mul(b, pow(a, sub(b, 1)))), a),
          () => {
            const positive = greater(a, 0);
            const safeLog = log(where(positive, a, 1));
            return reduceTo(mul(dy, where(positive, mul(output, safeLog), 0)), b);
          },
        ];
      case 'maximum':
        return [() => reduceTo(mul(dy, cast(greaterEqual(a, b), 'float32')), a), () => reduceTo(mul(dy, cast(less(a, b), 'float32')), b)];
      case 'minimum':
        return [() => reduceTo(mul(dy, cast(lessEqual(a, b), 'float32')), a), () => reduceTo(mul(dy, cast(greater(a, b), 'float32')), b)];
      case 'squaredDifference': {
        const twoDiff = (): Tensor => mul(dy, mul(sub(a, b), 2));
        return [() => reduceTo(twoDiff(), a), () => reduceTo(neg(twoDiff()), b)];
      }
      default:
        return [null, null]; // comparisons and logical ops
    }
  },

  where: (dy, _saved, [cond, a, b]) => [
    null,
    () => ENGINE.tidy(() => sumToShape(where(cond, dy, zerosLike(dy)), a.shape)),
    () => ENGINE.tidy(() => sumToShape(where(cond, zerosLike(dy), dy), b.shape)),
  ],

  cast: null,

  reduce: (dy, { output }, [op, x, axes]) => {
    switch (op) {
      case 'sum':
        return [() => expandGrad(dy, x, axes)];
      case 'prod':
        return [() => ENGINE.tidy(() => div(mul(expandGrad(dy, x, axes), reshape(output, keptShape(x.shape, axes))), x))];
      case 'max':
      case 'min':
        // The gradient flows to every extremal element.
        return [() => ENGINE.tidy(() => mul(expandGrad(dy, x, axes), cast(equal(x, reshape(output, keptShape(x.shape, axes))), 'float32')))];
    }
  },

  argReduce: null,

  transpose: (dy, _saved, [, perm]) => {
    const inverse = new Array<number>(perm.length);
    perm.forEach((a, i) => (inverse[a] = i));
    return [() => transpose(dy, inverse)];
  },

  slice: (dy, _saved, [x, begin, size]) => [
    () =>
      pad(
        dy,
        x.shape.map((d, i) => [begin[i]!, d - begin[i]! - size[i]!] as [number, number]),
      ),
  ],

  concat: (dy, _saved, [xs, axis]) => {
    let offset = 0;
    return xs.map((t) => {
      const begin = t.shape.map((_, j) => (j === axis ? offset : 0));
      offset += t.shape[axis]!;
      return () => slice(dy, begin, t.shape);
    });
  },

  pad: (dy, _saved, [x, paddings]) => [
    () =>
      slice(
        dy,
        paddings.map((p) => p[0]),
        x.shape,
      ),
  ],

  gather: (dy, _saved, [x, indices, axis]) => [() => scatterAdd(dy, indices, axis, x.shape), null],

  scatterAdd: (dy, _saved, [, indices, axis]) => [() => gather(dy, indices, axis), null],

  oneHot: null,

  matMul: (dy, _saved, [a, b, tA, tB]) => {
    const gradA = (): Tensor =>
      unbroadcastBatch(
        !tA ? (!tB ? matMul3(dy, b, false, true) : matMul3(dy, b, false, false)) : !tB ? matMul3(b, dy, false, true) : matMul3(b, dy, true, true),
        a,
      );
    const gradB = (): Tensor =>
      unbroadcastBatch(
        !tA ? (!tB ? matMul3(a, dy, true, false) : matMul3(dy, a, true, false)) : !tB ? matMul3(a, dy, false, false) : matMul3(dy, a, true, true),
        b,
      );
    return [gradA, gradB];
  },

  conv2d: (dy, _saved, [x, filter, info]) => [() => backpropInput(dy, filter, info), () => backpropFilter(x, dy, info)],
  // The gradients of the gradients (each is linear in both arguments).
  conv2dBackpropInput: (ddx, _saved, [dy, filter, info]) => [() => conv2dWithInfo(ddx, filter, info), () => backpropFilter(ddx, dy, info)],
  conv2dBackpropFilter: (ddw, _saved, [x, dy, info]) => [() => backpropInput(dy, ddw, info), () => conv2dWithInfo(x, ddw, info)],

  maxPool: (dy, _saved, [x, info]) => [() => maxPoolGradWithInfo(dy, x, info)],
  maxPoolGrad: null,
  avgPool: (dy, _saved, [, info]) => [() => avgPoolGradWithInfo(dy, info)],
  // avgPoolGrad is linear in dy; its own adjoint is avgPool.
  avgPoolGrad: (ddx, _saved, [, info]) => [() => avgPoolWithInfo(ddx, info)],

  softmax: (dy, { output }) => [() => ENGINE.tidy(() => mul(output, sub(dy, sum(mul(dy, output), -1, true))))],
  logSoftmax: (dy, { output }) => [() => ENGINE.tidy(() => sub(dy, mul(exp(output), sum(dy, -1, true))))],

  fusedMatMul: (dy, { output }, [a, b, bias, activation, tA, tB]) => {
    const dz = memoGrad(dy, output, activation);
    const gradA = (): Tensor => (tA ? matMul(b, dz(), tB, true) : matMul(dz(), b, false, !tB));
    const gradB = (): Tensor => (tB ? matMul(dz(), a, true, tA) : matMul(a, dz(), !tA, false));
    return bias ? [gradA, gradB, () => sum(dz(), 0)] : [gradA, gradB];
  },

  fusedConv2d: (dy, { output }, [x, filter, bias, activation, info]) => {
    const dz = memoGrad(dy, output, activation);
    const grads: Thunk[] = [() => backpropInput(dz(), filter, info as Conv2DInfo), () => backpropFilter(x, dz(), info)];
    if (bias) grads.push(() => sum(dz(), [0, 1, 2]));
    return grads;
  },

  softmaxCrossEntropy: (dy, _saved, [logits, labels]) => {
    const dyCol = (): Tensor => reshape(dy, [...logits.shape.slice(0, -1), 1]);
    return [
      () => ENGINE.tidy(() => mul(dyCol(), sub(mul(softmax(logits), sum(labels, -1, true)), labels))),
      () => ENGINE.tidy(() => mul(dyCol(), neg(logSoftmax(logits)))),
    ];
  },
  philoxUniform: null,
  unaryGrad: null,
};
