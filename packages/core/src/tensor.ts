import type { DataId, DType, TypedArray } from './backend/types.js';
import type { Backend } from './backend/backend.js';
import { sizeOf } from './backend/types.js';
import { ENGINE } from './engine/engine.js';
import { PolytensorError } from './errors.js';
import * as ops from './ops/ops.js';
import type { PaddingSpec } from './ops/conv_util.js';
import type { Padding1D } from './ops/conv1d.js';
import { fmt } from './util/shape.js';

/** Nested JS arrays as returned by `array()`. */
export type NestedArray = number | boolean | NestedArray[];

/** Anything ops accept where a tensor is expected. */
export type TensorLike = Tensor | number | boolean | TypedArray | NestedArray;

let nextId = 0;

/**
 * An immutable n-dimensional array living on one backend. Create tensors with
 * `tensor()`, `zeros()`... and free them with `dispose()` or `tidy()`.
 */
export class Tensor {
  /** Unique, increasing id (for debugging and the gradient tape). */
  readonly id = nextId++;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly size: number;
  /** The backend that owns the buffer. */
  readonly backend: Backend;
  /** @internal buffer handle; Variables swap it on assign. */
  dataIdRef: DataId;
  /** @internal set once disposed. */
  disposedFlag = false;

  constructor(dataId: DataId, shape: readonly number[], dtype: DType, backend: Backend) {
    this.dataIdRef = dataId;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = sizeOf(shape);
    this.backend = backend;
  }

  get dataId(): DataId {
    return this.dataIdRef;
  }
  get rank(): number {
    return this.shape.length;
  }
  get isDisposed(): boolean {
    return this.disposedFlag;
  }

  /** Throws a clear error when the tensor was disposed. */
  assertAlive(op: string): void {
    if (this.disposedFlag) {
      throw new PolytensorError(
        `${op}: tensor ${this.id} (shape ${fmt(this.shape)}, ${this.dtype}) was already disposed; ` +
          `keep it alive with keep() or create it outside the tidy() that freed it`,
      );
    }
  }

  /** Copy of the values, flat, row-major. */
  async data(): Promise<TypedArray> {
    this.assertAlive('data');
    return ENGINE.read(this);
  }
  dataSync(): TypedArray {
    this.assertAlive('dataSync');
    return ENGINE.readSync(this);
  }
  async array(): Promise<NestedArray> {
    return toNested(await this.data(), this.shape, this.dtype);
  }
  arraySync(): NestedArray {
    return toNested(this.dataSync(), this.shape, this.dtype);
  }
  dispose(): void {
    if (!this.disposedFlag) ENGINE.disposeTensor(this);
  }
  toString(): string {
    return `Tensor(${fmt(this.shape)}, ${this.dtype})`;
  }

  /** Log the values (tfjs's print): shape, dtype and the nested array. */
  print(log: (line: string) => void = console.log): void {
    log(`${this.toString()}\n${JSON.stringify(this.arraySync())}`);
  }

  // Ops as methods: `x.op(...args)` is `op(x, ...args)`. Each calls the op
  // through the ops namespace (a static import, so bundlers keep every op a
  // method uses; nothing is attached at load time). A test checks that every
  // public op taking a tensor first has its method here.

  // binary and comparison
  add(b: TensorLike): Tensor {
    return ops.add(this, b);
  }
  sub(b: TensorLike): Tensor {
    return ops.sub(this, b);
  }
  mul(b: TensorLike): Tensor {
    return ops.mul(this, b);
  }
  div(b: TensorLike): Tensor {
    return ops.div(this, b);
  }
  pow(b: TensorLike): Tensor {
    return ops.pow(this, b);
  }
  maximum(b: TensorLike): Tensor {
    return ops.maximum(this, b);
  }
  minimum(b: TensorLike): Tensor {
    return ops.minimum(this, b);
  }
  squaredDifference(b: TensorLike): Tensor {
    return ops.squaredDifference(this, b);
  }
  equal(b: TensorLike): Tensor {
    return ops.equal(this, b);
  }
  notEqual(b: TensorLike): Tensor {
    return ops.notEqual(this, b);
  }
  less(b: TensorLike): Tensor {
    return ops.less(this, b);
  }
  lessEqual(b: TensorLike): Tensor {
    return ops.lessEqual(this, b);
  }
  greater(b: TensorLike): Tensor {
    return ops.greater(this, b);
  }
  greaterEqual(b: TensorLike): Tensor {
    return ops.greaterEqual(this, b);
  }
  logicalAnd(b: TensorLike): Tensor {
    return ops.logicalAnd(this, b);
  }
  logicalOr(b: TensorLike): Tensor {
    return ops.logicalOr(this, b);
  }
  /** `a.where(condition, b)` is `where(condition, a, b)` (as in tfjs). */
  where(condition: TensorLike, b: TensorLike): Tensor {
    return ops.where(condition, this, b);
  }
  matMul(b: TensorLike, transposeA = false, transposeB = false): Tensor {
    return ops.matMul(this, b, transposeA, transposeB);
  }

  // unary
  neg(): Tensor {
    return ops.neg(this);
  }
  abs(): Tensor {
    return ops.abs(this);
  }
  sign(): Tensor {
    return ops.sign(this);
  }
  exp(): Tensor {
    return ops.exp(this);
  }
  expm1(): Tensor {
    return ops.expm1(this);
  }
  log(): Tensor {
    return ops.log(this);
  }
  log1p(): Tensor {
    return ops.log1p(this);
  }
  sqrt(): Tensor {
    return ops.sqrt(this);
  }
  rsqrt(): Tensor {
    return ops.rsqrt(this);
  }
  square(): Tensor {
    return ops.square(this);
  }
  reciprocal(): Tensor {
    return ops.reciprocal(this);
  }
  relu(): Tensor {
    return ops.relu(this);
  }
  leakyRelu(alpha?: number): Tensor {
    return ops.leakyRelu(this, alpha);
  }
  sigmoid(): Tensor {
    return ops.sigmoid(this);
  }
  tanh(): Tensor {
    return ops.tanh(this);
  }
  elu(): Tensor {
    return ops.elu(this);
  }
  softplus(): Tensor {
    return ops.softplus(this);
  }
  sin(): Tensor {
    return ops.sin(this);
  }
  cos(): Tensor {
    return ops.cos(this);
  }
  floor(): Tensor {
    return ops.floor(this);
  }
  ceil(): Tensor {
    return ops.ceil(this);
  }
  round(): Tensor {
    return ops.round(this);
  }
  logicalNot(): Tensor {
    return ops.logicalNot(this);
  }
  isNaN(): Tensor {
    return ops.isNaN(this);
  }
  isInf(): Tensor {
    return ops.isInf(this);
  }
  isFinite(): Tensor {
    return ops.isFinite(this);
  }
  softmax(): Tensor {
    return ops.softmax(this);
  }
  logSoftmax(): Tensor {
    return ops.logSoftmax(this);
  }
  dropout(rate: number, seed?: number): Tensor {
    return ops.dropout(this, rate, seed);
  }
  cast(dtype: DType): Tensor {
    return ops.cast(this, dtype);
  }
  clone(): Tensor {
    return ops.clone(this);
  }

  // reductions
  sum(axis?: number | number[], keepDims = false): Tensor {
    return ops.sum(this, axis, keepDims);
  }
  mean(axis?: number | number[], keepDims = false): Tensor {
    return ops.mean(this, axis, keepDims);
  }
  max(axis?: number | number[], keepDims = false): Tensor {
    return ops.max(this, axis, keepDims);
  }
  min(axis?: number | number[], keepDims = false): Tensor {
    return ops.min(this, axis, keepDims);
  }
  prod(axis?: number | number[], keepDims = false): Tensor {
    return ops.prod(this, axis, keepDims);
  }
  argMax(axis?: number): Tensor {
    return ops.argMax(this, axis);
  }
  argMin(axis?: number): Tensor {
    return ops.argMin(this, axis);
  }

  // movement
  reshape(shape: readonly number[]): Tensor {
    return ops.reshape(this, shape);
  }
  flatten(): Tensor {
    return ops.flatten(this);
  }
  squeeze(axis?: number | number[]): Tensor {
    return ops.squeeze(this, axis);
  }
  expandDims(axis = 0): Tensor {
    return ops.expandDims(this, axis);
  }
  transpose(perm?: readonly number[]): Tensor {
    return ops.transpose(this, perm);
  }
  slice(begin: number | readonly number[], size?: number | readonly number[]): Tensor {
    return ops.slice(this, begin, size);
  }
  pad(paddings: ReadonlyArray<readonly [number, number]>, value = 0): Tensor {
    return ops.pad(this, paddings, value);
  }
  /** `x.concat(ys, axis)` is `concat([x, ...ys], axis)`. */
  concat(others: Tensor | readonly Tensor[], axis = 0): Tensor {
    return ops.concat([this, ...(others instanceof Tensor ? [others] : others)], axis);
  }
  /** `x.stack(ys, axis)` is `stack([x, ...ys], axis)`. */
  stack(others: Tensor | readonly Tensor[], axis = 0): Tensor {
    return ops.stack([this, ...(others instanceof Tensor ? [others] : others)], axis);
  }
  /** `x.split(n | sizes, axis)` is `split(x, n | sizes, axis)`. */
  split(numOrSizeSplits: number | readonly number[], axis = 0): Tensor[] {
    return ops.split(this, numOrSizeSplits, axis);
  }
  unstack(axis = 0): Tensor[] {
    return ops.unstack(this, axis);
  }
  gather(indices: TensorLike, axis = 0): Tensor {
    return ops.gather(this, indices, axis);
  }
  oneHot(depth: number, onValue = 1, offValue = 0): Tensor {
    return ops.oneHot(this, depth, onValue, offValue);
  }

  // convolution and pooling (NHWC)
  conv2d(
    filter: TensorLike,
    strides: number | [number, number] = 1,
    pad: PaddingSpec = 'valid',
    dataFormat: 'NHWC' | number | [number, number] = 'NHWC',
    dilations?: number | [number, number],
  ): Tensor {
    return ops.conv2d(this, filter, strides, pad, dataFormat, dilations);
  }

  conv2dTranspose(
    filter: TensorLike,
    outputShape: [number, number, number, number],
    strides: number | [number, number] = 1,
    pad: PaddingSpec = 'valid',
  ): Tensor {
    return ops.conv2dTranspose(this, filter, outputShape, strides, pad);
  }

  depthwiseConv2d(
    filter: TensorLike,
    strides: number | [number, number] = 1,
    pad: PaddingSpec = 'valid',
    dataFormat: 'NHWC' | number | [number, number] = 'NHWC',
    dilations?: number | [number, number],
  ): Tensor {
    return ops.depthwiseConv2d(this, filter, strides, pad, dataFormat, dilations);
  }

  separableConv2d(
    depthwiseFilter: TensorLike,
    pointwiseFilter: TensorLike,
    strides: number | [number, number] = 1,
    pad: PaddingSpec = 'valid',
    dilations: number | [number, number] = 1,
    dataFormat: 'NHWC' = 'NHWC',
  ): Tensor {
    return ops.separableConv2d(this, depthwiseFilter, pointwiseFilter, strides, pad, dilations, dataFormat);
  }
  maxPool(poolSize: number | [number, number], strides?: number | [number, number], pad: PaddingSpec = 'valid'): Tensor {
    return ops.maxPool(this, poolSize, strides, pad);
  }
  avgPool(poolSize: number | [number, number], strides?: number | [number, number], pad: PaddingSpec = 'valid'): Tensor {
    return ops.avgPool(this, poolSize, strides, pad);
  }

  // shape and movement methods (tile, reverse …)
  /** `x.tile(reps)` is `tile(x, reps)`. */
  tile(reps: readonly number[]): Tensor {
    return ops.tile(this, reps);
  }
  broadcastTo(shape: readonly number[]): Tensor {
    return ops.broadcastTo(this, shape);
  }
  reverse(axis?: number | readonly number[]): Tensor {
    return ops.reverse(this, axis);
  }
  stridedSlice(
    begin: readonly number[],
    end: readonly number[],
    strides?: readonly number[],
    beginMask = 0,
    endMask = 0,
    ellipsisMask = 0,
    newAxisMask = 0,
    shrinkAxisMask = 0,
  ): Tensor {
    return ops.stridedSlice(this, begin, end, strides, beginMask, endMask, ellipsisMask, newAxisMask, shrinkAxisMask);
  }
  mirrorPad(paddings: ReadonlyArray<readonly [number, number]>, mode: 'reflect' | 'symmetric'): Tensor {
    return ops.mirrorPad(this, paddings, mode);
  }
  spaceToBatchND(blockShape: readonly number[], paddings: readonly (readonly number[])[]): Tensor {
    return ops.spaceToBatchND(this, blockShape, paddings);
  }
  batchToSpaceND(blockShape: readonly number[], crops: readonly (readonly number[])[]): Tensor {
    return ops.batchToSpaceND(this, blockShape, crops);
  }
  depthToSpace(blockSize: number, dataFormat: 'NHWC' | 'NCHW' = 'NHWC'): Tensor {
    return ops.depthToSpace(this, blockSize, dataFormat);
  }

  // indexing and selection methods
  unsortedSegmentSum(segmentIds: TensorLike, numSegments: number): Tensor {
    return ops.unsortedSegmentSum(this, segmentIds, numSegments);
  }
  unsortedSegmentMax(segmentIds: TensorLike, numSegments: number): Tensor {
    return ops.unsortedSegmentMax(this, segmentIds, numSegments);
  }
  topk(k = 1, sorted = true): { values: Tensor; indices: Tensor } {
    return ops.topk(this, k, sorted);
  }
  unique(axis = 0): { values: Tensor; indices: Tensor } {
    return ops.unique(this, axis);
  }
  logicalXor(b: TensorLike): Tensor {
    return ops.logicalXor(this, b);
  }

  // math methods (clipByValue, cumsum, norm …)
  clipByValue(clipValueMin: number, clipValueMax: number): Tensor {
    return ops.clipByValue(this, clipValueMin, clipValueMax);
  }
  logSumExp(axis?: number | number[] | null, keepDims = false): Tensor {
    return ops.logSumExp(this, axis, keepDims);
  }
  logSigmoid(): Tensor {
    return ops.logSigmoid(this);
  }
  cumsum(axis = 0, exclusive = false, reverse = false): Tensor {
    return ops.cumsum(this, axis, exclusive, reverse);
  }
  cumprod(axis = 0, exclusive = false, reverse = false): Tensor {
    return ops.cumprod(this, axis, exclusive, reverse);
  }
  divNoNan(b: TensorLike): Tensor {
    return ops.divNoNan(this, b);
  }
  floorDiv(b: TensorLike): Tensor {
    return ops.floorDiv(this, b);
  }
  mod(b: TensorLike): Tensor {
    return ops.mod(this, b);
  }
  step(alpha = 0): Tensor {
    return ops.step(this, alpha);
  }
  tan(): Tensor {
    return ops.tan(this);
  }
  asin(): Tensor {
    return ops.asin(this);
  }
  acos(): Tensor {
    return ops.acos(this);
  }
  atan(): Tensor {
    return ops.atan(this);
  }
  sinh(): Tensor {
    return ops.sinh(this);
  }
  cosh(): Tensor {
    return ops.cosh(this);
  }
  asinh(): Tensor {
    return ops.asinh(this);
  }
  acosh(): Tensor {
    return ops.acosh(this);
  }
  atanh(): Tensor {
    return ops.atanh(this);
  }
  erf(): Tensor {
    return ops.erf(this);
  }
  atan2(b: TensorLike): Tensor {
    return ops.atan2(this, b);
  }
  relu6(): Tensor {
    return ops.relu6(this);
  }
  selu(): Tensor {
    return ops.selu(this);
  }
  prelu(alpha: TensorLike): Tensor {
    return ops.prelu(this, alpha);
  }
  any(axis?: number | number[] | null, keepDims = false): Tensor {
    return ops.any(this, axis, keepDims);
  }
  all(axis?: number | number[] | null, keepDims = false): Tensor {
    return ops.all(this, axis, keepDims);
  }
  norm(ord?: ops.NormOrd, axis: number | number[] | null = null, keepDims = false): Tensor {
    return ops.norm(this, ord, axis, keepDims);
  }
  euclideanNorm(axis: number | number[] | null = null, keepDims = false): Tensor {
    return ops.euclideanNorm(this, axis, keepDims);
  }
  batchNorm(mean: TensorLike, variance: TensorLike, offset?: TensorLike | null, scale?: TensorLike | null, varianceEpsilon?: number): Tensor {
    return ops.batchNorm(this, mean, variance, offset, scale, varianceEpsilon);
  }
  localResponseNormalization(depthRadius?: number, bias?: number, alpha?: number, beta?: number): Tensor {
    return ops.localResponseNormalization(this, depthRadius, bias, alpha, beta);
  }
  dot(b: TensorLike): Tensor {
    return ops.dot(this, b);
  }

  // convolution, pooling and image methods
  conv1d(filter: TensorLike, stride = 1, pad: Padding1D = 'valid', dataFormat: 'NWC' | number = 'NWC', dilation?: number): Tensor {
    return ops.conv1d(this, filter, stride, pad, dataFormat, dilation);
  }
  pool(
    windowShape: number | [number, number],
    poolingType: 'avg' | 'max',
    pad: PaddingSpec | number,
    dilations: number | [number, number] = 1,
    strides: number | [number, number] = 1,
  ): Tensor {
    return ops.pool(this, windowShape, poolingType, pad, dilations, strides);
  }
  dilation2d(
    filter: TensorLike,
    strides: number | [number, number] = 1,
    pad: 'valid' | 'same' = 'valid',
    dilations: number | [number, number] = 1,
    dataFormat: 'NHWC' = 'NHWC',
  ): Tensor {
    return ops.dilation2d(this, filter, strides, pad, dilations, dataFormat);
  }
  resizeBilinear(newShape2D: [number, number], alignCorners = false, halfPixelCenters = false): Tensor {
    return ops.image.resizeBilinear(this, newShape2D, alignCorners, halfPixelCenters);
  }
  resizeNearestNeighbor(newShape2D: [number, number], alignCorners = false, halfPixelCenters = false): Tensor {
    return ops.image.resizeNearestNeighbor(this, newShape2D, alignCorners, halfPixelCenters);
  }
}

function toNested(values: TypedArray, shape: readonly number[], dtype: DType): NestedArray {
  const conv = (v: number): number | boolean => (dtype === 'bool' ? v !== 0 : v);
  if (shape.length === 0) return conv(values[0] ?? 0);
  const build = (offset: number, dim: number): NestedArray[] => {
    const n = shape[dim]!;
    const stride = sizeOf(shape.slice(dim + 1));
    const out: NestedArray[] = new Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = dim === shape.length - 1 ? conv(values[offset + i]!) : build(offset + i * stride, dim + 1);
    }
    return out;
  };
  return build(0, 0);
}
