// Every public op, in one barrel. Core's entry re-exports it, and Tensor's
// methods call through it (tensor.ts imports it as a namespace), so a method
// is a plain static reference: no registration step a bundler could drop.
export { tensor, scalar, tensor1d, tensor2d, tensor3d, tensor4d, tensor5d, tensor6d } from './convert.js';
export { fill, zeros, ones, zerosLike, onesLike, range, eye } from './creation.js';
export {
  neg,
  abs,
  sign,
  exp,
  expm1,
  log,
  log1p,
  sqrt,
  rsqrt,
  square,
  reciprocal,
  relu,
  sigmoid,
  tanh,
  elu,
  softplus,
  sin,
  cos,
  floor,
  ceil,
  round,
  logicalNot,
  isNaN,
  isInf,
  isFinite,
  leakyRelu,
} from './unary.js';
export { add, sub, mul, div, pow, maximum, minimum, squaredDifference } from './binary.js';
export { equal, notEqual, less, lessEqual, greater, greaterEqual, logicalAnd, logicalOr } from './compare.js';
export { where } from './where.js';
export { dropout } from './dropout.js';
export { cast, clone } from './cast.js';
export { sum, mean, max, min, prod } from './reduce.js';
export { argMax, argMin } from './arg_reduce.js';
export { reshape, flatten, squeeze, expandDims } from './reshape.js';
export { transpose } from './transpose.js';
export { slice } from './slice.js';
export { pad } from './pad.js';
export { concat, stack } from './concat.js';
export { split, unstack } from './split.js';
export { gather, scatterAdd, oneHot } from './gather.js';
export { matMul } from './mat_mul.js';
export { conv2d, conv2dBackpropInput, conv2dBackpropFilter } from './conv2d.js';
export { conv2dTranspose } from './conv2d_transpose.js';
export { depthwiseConv2d, separableConv2d } from './depthwise_conv2d.js';
export { maxPool, avgPool } from './pool.js';
export { softmax, logSoftmax } from './softmax.js';
export { fusedMatMul, type FusedMatMulArgs } from './fused_mat_mul.js';
export { fusedConv2d, type FusedConv2DArgs } from './fused_conv2d.js';
export { softmaxCrossEntropyWithLogits } from './softmax_cross_entropy.js';
export { sumToShape } from './sum_to_shape.js';
export { computeConv2DInfo, computePool2DInfo, type PaddingSpec } from './conv_util.js';

export { basicLSTMCell, multiRNNCell, type LSTMCellFunc } from './rnn_cells.js';
export { movingAverage } from './moving_average.js';
export { cosineWindow } from './cosine_window.js';

// Op breadth (tfjs-core's functions), family by family: each family adds its exports under its own heading.
// shape and movement:
export { tile } from './tile.js';
export { broadcastTo } from './broadcast_to.js';
export { reverse, reverse1d, reverse2d, reverse3d, reverse4d } from './reverse.js';
export { stridedSlice } from './strided_slice.js';
export { mirrorPad } from './mirror_pad.js';
export { slice1d, slice2d, slice3d, slice4d, concat1d, concat2d, concat3d, concat4d, pad1d, pad2d, pad3d, pad4d } from './ranked.js';
export { spaceToBatchND, batchToSpaceND } from './space_to_batch.js';
export { depthToSpace } from './depth_to_space.js';
export { diag } from './diag.js';
export { meshgrid } from './meshgrid.js';
export { linspace } from './linspace.js';
export { broadcastArgs } from './broadcast_args.js';
export { ensureShape } from './ensure_shape.js';
export { einsum } from './einsum.js';

// indexing and selection:
export { gatherND, scatterND, tensorScatterUpdate } from './gather_nd.js';
export { unsortedSegmentSum, unsortedSegmentMax } from './segment.js';
export { topk } from './topk.js';
export { unique } from './unique.js';
export { searchSorted, lowerBound, upperBound } from './search_sorted.js';
export { bincount, denseBincount } from './bincount.js';
export { sparseToDense } from './sparse_to_dense.js';
export { logicalXor } from './logical_xor.js';
export { whereAsync, booleanMaskAsync, setdiff1dAsync, inTopKAsync } from './where_async.js';

// math:
export { clipByValue } from './clip_by_value.js';
export { logSumExp } from './log_sum_exp.js';
export { logSigmoid } from './log_sigmoid.js';
export { cumsum, cumprod } from './cumulative.js';
export { addN } from './add_n.js';
export { divNoNan } from './div_no_nan.js';
export { floorDiv, mod } from './floor_mod.js';
export { step } from './step.js';
export { tan, asin, acos, atan, atan2 } from './trig.js';
export { sinh, cosh, asinh, acosh, atanh } from './hyperbolic.js';
export { erf } from './erf.js';
export { relu6, selu, prelu, gelu, swish, softsign } from './activation_ops.js';
export { any, all } from './logical_reduce.js';
export { norm, euclideanNorm, type NormOrd } from './norm.js';
export { moments } from './moments.js';
export { batchNorm, batchNorm2d, batchNorm3d, batchNorm4d } from './batch_norm.js';
export { localResponseNormalization } from './local_response_normalization.js';
export { dot, outerProduct } from './dot.js';

// convolutions, pooling and images:
export { conv1d, type Padding1D } from './conv1d.js';
export { pool } from './generic_pool.js';
export { maxPoolWithArgmax } from './max_pool_with_argmax.js';
export * as image from './image.js';
export { conv3d } from './conv3d.js';
export { conv3dTranspose } from './conv3d_transpose.js';
export { maxPool3d, avgPool3d } from './pool3d.js';
export { dilation2d } from './dilation2d.js';

// random:
export { randomUniformInt } from './random_uniform_int.js';
export { randomStandardNormal } from './random_standard_normal.js';
export { rand } from './rand.js';
export { multinomial } from './multinomial.js';
export { randomGamma } from './random_gamma.js';
export { bernoulli } from './bernoulli.js';

// gradient tools:
export { customGrad, type CustomGradientFunc, type CustomGradientResult, type GradSaveFunc } from './custom_grad.js';
export { stopGradient } from './stop_gradient.js';
export { clipByGlobalNorm } from './clip_by_global_norm.js';
