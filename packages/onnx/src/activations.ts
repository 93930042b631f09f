// polytensor's activations by name as ONNX ops, and the subset ONNX's
// recurrent ops take as attributes.
import { PolytensorError } from '@polytensor/core';
import { float, type GraphBuilder } from './graph.js';

// SELU's constants (Klambauer et al. 2017), the ones core's selu uses.
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** `name`(x) as ONNX nodes; 'linear' adds nothing. */
export function activation(g: GraphBuilder, name: string, x: string, prefix: string): string {
  switch (name) {
    case 'linear':
      return x;
    case 'relu':
      return g.op1('Relu', [x], prefix);
    case 'sigmoid':
      return g.op1('Sigmoid', [x], prefix);
    case 'tanh':
      return g.op1('Tanh', [x], prefix);
    case 'softmax':
      return g.op1('Softmax', [x], prefix, { axis: -1 });
    case 'elu':
      return g.op1('Elu', [x], prefix, { alpha: float(1) });
    case 'leakyRelu':
      return g.op1('LeakyRelu', [x], prefix, { alpha: float(0.3) });
    case 'softplus':
      return g.op1('Softplus', [x], prefix);
    case 'relu6':
      return g.op1('Clip', [x, g.scalar(0), g.scalar(6)], prefix);
    case 'selu':
      return g.op1('Selu', [x], prefix, { alpha: float(SELU_ALPHA), gamma: float(SELU_SCALE) });
    case 'gelu': {
      // The exact form 0.5·x·(1 + erf(x/√2)) (ONNX's Gelu op only exists from opset 20).
      const erf = g.op1('Erf', [g.op1('Mul', [x, g.scalar(Math.SQRT1_2)], prefix)], prefix);
      return g.op1('Mul', [g.op1('Mul', [x, g.scalar(0.5)], prefix), g.op1('Add', [erf, g.scalar(1)], prefix)], prefix);
    }
    case 'swish':
      return g.op1('Mul', [x, g.op1('Sigmoid', [x], prefix)], prefix);
    case 'hardSigmoid':
      return g.op1('HardSigmoid', [x], prefix, { alpha: float(0.2), beta: float(0.5) });
    case 'softsign':
      return g.op1('Softsign', [x], prefix);
    case 'mish':
      // x·tanh(softplus(x)) (ONNX's Mish op only exists from opset 18).
      return g.op1('Mul', [x, g.op1('Tanh', [g.op1('Softplus', [x], prefix)], prefix)], prefix);
    case 'logSoftmax':
      return g.op1('LogSoftmax', [x], prefix, { axis: -1 });
    default:
      throw new PolytensorError(`exportOnnx: ${prefix}: activation '${name}' has no ONNX form; use one of polytensor's named activations`);
  }
}

/** An activation as ONNX's RNN, LSTM and GRU ops name it, with its alpha and beta if it takes them. */
export interface RecurrentActivation {
  readonly name: string;
  readonly alpha?: number;
  readonly beta?: number;
}

const RECURRENT: Readonly<Record<string, RecurrentActivation>> = {
  tanh: { name: 'Tanh' },
  sigmoid: { name: 'Sigmoid' },
  relu: { name: 'Relu' },
  linear: { name: 'Affine', alpha: 1, beta: 0 },
  hardSigmoid: { name: 'HardSigmoid', alpha: 0.2, beta: 0.5 },
  elu: { name: 'Elu', alpha: 1 },
  leakyRelu: { name: 'LeakyRelu', alpha: 0.3 },
  softsign: { name: 'Softsign' },
  softplus: { name: 'Softplus' },
};

/** The recurrent op's form of `name`, or an error naming the layer and the ones that work. */
export function recurrentActivation(layer: string, name: string): RecurrentActivation {
  const a = Object.hasOwn(RECURRENT, name) ? RECURRENT[name] : undefined;
  if (!a) {
    throw new PolytensorError(
      `exportOnnx: ${layer}: activation '${name}' cannot be used inside ONNX's recurrent ops; ` + `use one of ${Object.keys(RECURRENT).join(', ')}`,
    );
  }
  return a;
}
