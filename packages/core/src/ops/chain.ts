// Wires the op functions into Tensor's methods (tensor.ts cannot import ops: cycle).
import { chain } from '../tensor.js';
import { argMax, argMin } from './arg_reduce.js';
import { add, div, maximum, minimum, mul, pow, sub } from './binary.js';
import { cast, clone } from './cast.js';
import { equal, greater, less } from './compare.js';
import { matMul } from './mat_mul.js';
import { max, mean, min, sum } from './reduce.js';
import { expandDims, flatten, reshape, squeeze } from './reshape.js';
import { logSoftmax, softmax } from './softmax.js';
import { transpose } from './transpose.js';
import { abs, exp, log, neg, relu, sigmoid, sqrt, square, tanh } from './unary.js';

Object.assign(chain, {
  add, sub, mul, div, pow, maximum, minimum, equal, greater, less, matMul,
  neg, abs, exp, log, sqrt, square, relu, sigmoid, tanh, softmax, logSoftmax,
  sum, mean, max, min, argMax, argMin, reshape, transpose, flatten, squeeze, expandDims, cast, clone,
});
