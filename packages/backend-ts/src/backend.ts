import type {
  ArgReduceOp,
  Backend,
  BackendLimits,
  BackendMemory,
  BackendNumerics,
  BinaryOp,
  Conv2DInfo,
  DataId,
  DType,
  FusedActivation,
  OptimizerUpdate,
  ReduceOp,
  TensorInfo,
  TypedArray,
  UnaryOp,
} from '@polytensor/core';
import { argReduce } from './kernels/arg_reduce.js';
import { avgPool } from './kernels/avg_pool.js';
import { avgPoolGrad } from './kernels/avg_pool_grad.js';
import { binary } from './kernels/binary.js';
import { cast } from './kernels/cast.js';
import { concat } from './kernels/concat.js';
import { conv2d } from './kernels/conv2d.js';
import { conv2dBackpropFilter } from './kernels/conv2d_backprop_filter.js';
import { conv2dBackpropInput } from './kernels/conv2d_backprop_input.js';
import { ACT_CODES, fusedMatMul } from './kernels/fused_mat_mul.js';
import { gather } from './kernels/gather.js';
import { logSoftmax } from './kernels/log_softmax.js';
import { matMul } from './kernels/mat_mul.js';
import { maxPool } from './kernels/max_pool.js';
import { maxPoolGrad } from './kernels/max_pool_grad.js';
import { optimizerUpdate } from './kernels/optimizer_update.js';
import { oneHot } from './kernels/one_hot.js';
import { pad } from './kernels/pad.js';
import { reduce } from './kernels/reduce.js';
import { scatterAdd } from './kernels/scatter_add.js';
import { slice } from './kernels/slice.js';
import { softmax } from './kernels/softmax.js';
import { softmaxCrossEntropy } from './kernels/softmax_cross_entropy.js';
import { transpose } from './kernels/transpose.js';
import { unary } from './kernels/unary.js';
import { where } from './kernels/where.js';
import { alloc, dtypeOf } from './util/alloc.js';
import { defaultTsLimits, validateTsLimits, type TsBackendLimits } from './limits.js';
import { releaseScratch } from './util/scratch.js';
import { sizeOfShape } from './util/strides.js';

/** The handle TsBackend mints: a fresh object per buffer; the serial only makes errors readable. */
class TsDataId {
  constructor(readonly serial: number) {}
}

interface Entry {
  values: TypedArray;
  dtype: DType;
}

/**
 * polytensor's reference-speed CPU backend in plain TypeScript. Buffers live in
 * a Map of typed arrays; every kernel is a plain function over typed arrays
 * (src/kernels/*), wired to storage here.
 */
export class TsBackend implements Backend {
  readonly name = 'ts';
  readonly numerics: BackendNumerics = { flushesSubnormals: false, arithmeticUlp: 0 };

  private readonly buffers = new Map<DataId, Entry>();
  private bytes = 0;
  private serial = 0;
  private declared: TsBackendLimits;

  /** `limits` replaces the defaults (see limits.ts): raise them on a machine that can hold more. */
  constructor(limits: Partial<TsBackendLimits> = {}) {
    this.declared = { ...defaultTsLimits(), ...validateTsLimits('TsBackend', limits) };
  }

  /** What core checks new tensors against: one tensor's bytes, and all of them together. */
  limits(): BackendLimits {
    return this.declared;
  }

  /**
   * Change the limits of this instance, e.g. `(getBackend() as TsBackend).setLimits({ maxTotalBytes: 32 * 2 ** 30 })`
   * on a machine with more memory. Fields left out keep their values.
   */
  setLimits(limits: Partial<TsBackendLimits>): void {
    this.declared = { ...this.declared, ...validateTsLimits('setLimits', limits) };
  }

  // ---- storage ----

  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId {
    const size = sizeOfShape(shape);
    if (values.length !== size) {
      throw new Error(`ts backend: write: ${values.length} values do not fill shape [${shape.join(',')}] (${size} elements)`);
    }
    const copy = alloc(dtype, size);
    copy.set(values);
    return this.store(copy);
  }

  async read(dataId: DataId): Promise<TypedArray> {
    return this.get(dataId, 'read').values.slice();
  }

  readSync(dataId: DataId): TypedArray {
    return this.get(dataId, 'readSync').values.slice();
  }

  disposeData(dataId: DataId): void {
    const entry = this.get(dataId, 'disposeData');
    this.bytes -= entry.values.byteLength;
    this.buffers.delete(dataId);
  }

  numDataIds(): number {
    return this.buffers.size;
  }

  memory(): BackendMemory {
    return { numDataIds: this.buffers.size, numBytes: this.bytes };
  }

  dispose(): void {
    this.buffers.clear();
    this.bytes = 0;
    releaseScratch();
  }

  // ---- kernels ----

  unary(op: UnaryOp, x: TensorInfo): TensorInfo {
    return this.output(unary(op, this.values(x, 'unary'), x.dtype), x.shape);
  }

  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): TensorInfo {
    const av = this.values(a, 'binary');
    const bv = this.values(b, 'binary');
    return this.output(binary(op, av, a.shape, bv, b.shape, a.dtype, outShape), outShape);
  }

  where(condition: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): TensorInfo {
    const c = this.values(condition, 'where') as Uint8Array;
    const out = where(c, condition.shape, this.values(a, 'where'), a.shape, this.values(b, 'where'), b.shape, outShape);
    return this.output(out, outShape);
  }

  cast(x: TensorInfo, dtype: DType): TensorInfo {
    return this.output(cast(this.values(x, 'cast'), dtype), x.shape);
  }

  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[]): TensorInfo {
    const out = reduce(op, this.values(x, 'reduce'), x.shape, axes, x.dtype);
    return this.output(out, x.shape.filter((_, i) => !axes.includes(i)));
  }

  argReduce(op: ArgReduceOp, x: TensorInfo, axis: number): TensorInfo {
    const out = argReduce(op, this.values(x, 'argReduce'), x.shape, axis);
    return this.output(out, x.shape.filter((_, i) => i !== axis));
  }

  transpose(x: TensorInfo, perm: readonly number[]): TensorInfo {
    const out = transpose(this.values(x, 'transpose'), x.shape, perm);
    return this.output(out, perm.map((p) => x.shape[p]!));
  }

  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo {
    return this.output(slice(this.values(x, 'slice'), x.shape, begin, size), size);
  }

  concat(xs: readonly TensorInfo[], axis: number): TensorInfo {
    const { values, shape } = concat(
      xs.map((x) => ({ values: this.values(x, 'concat'), shape: x.shape })),
      axis,
    );
    return this.output(values, shape);
  }

  pad(x: TensorInfo, paddings: ReadonlyArray<readonly [number, number]>, value: number): TensorInfo {
    const { values, shape } = pad(this.values(x, 'pad'), x.shape, paddings, value);
    return this.output(values, shape);
  }

  gather(x: TensorInfo, indices: TensorInfo, axis: number): TensorInfo {
    const idx = this.values(indices, 'gather') as Int32Array;
    const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
    return this.output(gather(this.values(x, 'gather'), x.shape, idx, axis), shape);
  }

  scatterAdd(updates: TensorInfo, indices: TensorInfo, axis: number, outShape: readonly number[]): TensorInfo {
    const idx = this.values(indices, 'scatterAdd') as Int32Array;
    return this.output(scatterAdd(this.values(updates, 'scatterAdd'), idx, axis, outShape), outShape);
  }

  oneHot(indices: TensorInfo, depth: number, onValue: number, offValue: number): TensorInfo {
    const idx = this.values(indices, 'oneHot') as Int32Array;
    return this.output(oneHot(idx, depth, onValue, offValue), [...indices.shape, depth]);
  }

  matMul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo {
    const { values, shape } = matMul(this.f32(a, 'matMul'), a.shape, this.f32(b, 'matMul'), b.shape, transposeA, transposeB);
    return this.output(values, shape);
  }

  fusedMatMul(
    a: TensorInfo,
    b: TensorInfo,
    bias: TensorInfo | null,
    activation: FusedActivation,
    transposeA: boolean,
    transposeB: boolean,
  ): TensorInfo {
    const biasValues = bias ? this.f32(bias, 'fusedMatMul') : null;
    const { values, shape } = fusedMatMul(
      this.f32(a, 'fusedMatMul'), a.shape, this.f32(b, 'fusedMatMul'), b.shape,
      biasValues, activation, transposeA, transposeB,
    );
    return this.output(values, shape);
  }

  conv2d(x: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo {
    return this.output(conv2d(this.f32(x, 'conv2d'), this.f32(filter, 'conv2d'), info), info.outShape);
  }

  conv2dBackpropInput(dy: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo {
    const op = 'conv2dBackpropInput';
    return this.output(conv2dBackpropInput(this.f32(dy, op), this.f32(filter, op), info), info.inShape);
  }

  conv2dBackpropFilter(x: TensorInfo, dy: TensorInfo, info: Conv2DInfo): TensorInfo {
    const op = 'conv2dBackpropFilter';
    return this.output(conv2dBackpropFilter(this.f32(x, op), this.f32(dy, op), info), info.filterShape);
  }

  fusedConv2d(x: TensorInfo, filter: TensorInfo, bias: TensorInfo | null, activation: FusedActivation, info: Conv2DInfo): TensorInfo {
    const op = 'fusedConv2d';
    let biasValues = bias ? this.f32(bias, op) : null;
    if (biasValues && biasValues.length === 1 && info.outChannels !== 1) biasValues = new Float32Array(info.outChannels).fill(biasValues[0]!);
    const out = conv2d(this.f32(x, op), this.f32(filter, op), info, biasValues, ACT_CODES[activation]);
    return this.output(out, info.outShape);
  }

  maxPool(x: TensorInfo, info: Conv2DInfo): TensorInfo {
    return this.output(maxPool(this.f32(x, 'maxPool'), info), info.outShape);
  }

  maxPoolGrad(dy: TensorInfo, x: TensorInfo, info: Conv2DInfo): TensorInfo {
    return this.output(maxPoolGrad(this.f32(dy, 'maxPoolGrad'), this.f32(x, 'maxPoolGrad'), info), info.inShape);
  }

  avgPool(x: TensorInfo, info: Conv2DInfo): TensorInfo {
    return this.output(avgPool(this.f32(x, 'avgPool'), info), info.outShape);
  }

  avgPoolGrad(dy: TensorInfo, info: Conv2DInfo): TensorInfo {
    return this.output(avgPoolGrad(this.f32(dy, 'avgPoolGrad'), info), info.inShape);
  }

  softmax(logits: TensorInfo): TensorInfo {
    return this.output(softmax(this.f32(logits, 'softmax'), lastDim(logits.shape)), logits.shape);
  }

  logSoftmax(logits: TensorInfo): TensorInfo {
    return this.output(logSoftmax(this.f32(logits, 'logSoftmax'), lastDim(logits.shape)), logits.shape);
  }

  softmaxCrossEntropy(logits: TensorInfo, labels: TensorInfo): TensorInfo {
    const op = 'softmaxCrossEntropy';
    const out = softmaxCrossEntropy(this.f32(logits, op), this.f32(labels, op), lastDim(logits.shape));
    return this.output(out, logits.shape.slice(0, -1));
  }

  optimizerUpdate(update: OptimizerUpdate, value: TensorInfo, grad: TensorInfo, slots: readonly TensorInfo[]): TensorInfo[] {
    const op = 'optimizerUpdate';
    const outs = optimizerUpdate(update, this.f32(value, op), this.f32(grad, op), slots.map((s) => this.f32(s, op)));
    return outs.map((o) => this.output(o, value.shape));
  }

  // ---- plumbing ----

  private store(values: TypedArray): DataId {
    const id = new TsDataId(++this.serial);
    this.buffers.set(id, { values, dtype: dtypeOf(values) });
    this.bytes += values.byteLength;
    return id;
  }

  /** Kernel outputs are fresh arrays the backend adopts without copying. */
  private output(values: TypedArray, shape: readonly number[]): TensorInfo {
    return { dataId: this.store(values), shape: [...shape], dtype: dtypeOf(values) };
  }

  private get(dataId: DataId, op: string): Entry {
    const entry = this.buffers.get(dataId);
    if (!entry) {
      const which = dataId instanceof TsDataId ? `dataId #${dataId.serial}` : 'a dataId this backend did not create';
      throw new Error(`ts backend: ${op}: ${which} is unknown or already disposed`);
    }
    return entry;
  }

  /** The stored array (not a copy: kernels only read their inputs). */
  private values(info: TensorInfo, op: string): TypedArray {
    return this.get(info.dataId, op).values;
  }

  private f32(info: TensorInfo, op: string): Float32Array {
    const v = this.values(info, op);
    if (!(v instanceof Float32Array)) {
      throw new Error(`ts backend: ${op}: expected a float32 tensor, got ${dtypeOf(v)}`);
    }
    return v;
  }
}

function lastDim(shape: readonly number[]): number {
  return shape.length === 0 ? 1 : shape[shape.length - 1]!;
}

/** A fresh TsBackend (the factory registered under 'ts'). */
export function createTsBackend(limits: Partial<TsBackendLimits> = {}): TsBackend {
  return new TsBackend(limits);
}
