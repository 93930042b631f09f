/**
 * The float64 reference as a backend: `defineBackend` over a storage of typed
 * arrays (`RefStore`, on core's BufferStorage) and one kernel per entry of core's
 * table, each reading its inputs to float64, running `./reference/` and storing
 * the result rounded to the output dtype. Slow and obviously correct: the suite
 * tests itself on it (it must pass every case), other packages compare against
 * it, and a variant with only the primitive kernels checks core's composites.
 */
import type {
  Backend,
  BackendNumerics,
  DataId,
  DType,
  KernelImpl,
  KernelImpls,
  KernelName,
  OptimizerCapability,
  PrimitiveKernel,
  Storage,
  TensorInfo,
  TypedArray,
} from '@polytensor/core';
import { BufferStorage, defineBackend, PRIMITIVE_KERNELS } from '@polytensor/core';
import { fromTyped, toTyped, type HostTensor } from './host.js';
import * as ref from './reference/index.js';

interface Buffer {
  readonly values: TypedArray;
  readonly dtype: DType;
}

function copyTyped(values: TypedArray, dtype: DType): TypedArray {
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values);
    case 'int32':
      return Int32Array.from(values);
    case 'bool':
      return Uint8Array.from(values, (v) => (v !== 0 ? 1 : 0));
  }
}

/**
 * The reference backend's storage: typed arrays by DataId. Kernels receive it
 * first and use `readHost` / `writeHost` to move between buffers and float64.
 */
export class RefStore extends BufferStorage<Buffer> implements Storage {
  constructor(name = 'reference') {
    super(name, (b) => b.values.byteLength);
  }

  write(values: TypedArray, _shape: readonly number[], dtype: DType): DataId {
    return this.buffers.add({ values: copyTyped(values, dtype), dtype });
  }

  async read(dataId: DataId): Promise<TypedArray> {
    return this.readSync(dataId);
  }

  readSync(dataId: DataId): TypedArray {
    const b = this.buffers.get(dataId, 'read');
    return copyTyped(b.values, b.dtype);
  }

  /** A tensor's values as a float64 host tensor. */
  readHost(x: TensorInfo): HostTensor {
    return fromTyped(this.buffers.get(x.dataId, 'readHost').values, x.shape, x.dtype);
  }

  /** Store a float64 host tensor, rounded to its dtype, as a new output. */
  writeHost(x: HostTensor): TensorInfo {
    return { dataId: this.write(toTyped(x), x.shape, x.dtype), shape: [...x.shape], dtype: x.dtype };
  }
}

/** An implementation of every kernel of the table. */
export type AllKernelImpls<S> = { readonly [K in KernelName]: KernelImpl<K, S> };

/** Every kernel of core's table, computed by the float64 reference. */
export const REFERENCE_KERNELS: AllKernelImpls<RefStore> = {
  unary: (s, op, x) => s.writeHost(ref.unary(op, s.readHost(x))),
  binary: (s, op, a, b, outShape) => s.writeHost(ref.binary(op, s.readHost(a), s.readHost(b), outShape)),
  where: (s, c, a, b, outShape) => s.writeHost(ref.where(s.readHost(c), s.readHost(a), s.readHost(b), outShape)),
  cast: (s, x, dtype) => s.writeHost(ref.cast(s.readHost(x), dtype)),
  reduce: (s, op, x, axes) => s.writeHost(ref.reduce(op, s.readHost(x), axes).out),
  argReduce: (s, op, x, axis) => s.writeHost(ref.argReduce(op, s.readHost(x), axis)),
  transpose: (s, x, perm) => s.writeHost(ref.transpose(s.readHost(x), perm)),
  slice: (s, x, begin, size) => s.writeHost(ref.slice(s.readHost(x), begin, size)),
  concat: (s, xs, axis) =>
    s.writeHost(
      ref.concat(
        xs.map((x) => s.readHost(x)),
        axis,
      ),
    ),
  pad: (s, x, paddings, value) => s.writeHost(ref.pad(s.readHost(x), paddings, value)),
  gather: (s, x, indices, axis) => s.writeHost(ref.gather(s.readHost(x), s.readHost(indices), axis)),
  scatterAdd: (s, u, indices, axis, outShape) => s.writeHost(ref.scatterAdd(s.readHost(u), s.readHost(indices), axis, outShape).out),
  oneHot: (s, indices, depth, on, off) => s.writeHost(ref.oneHot(s.readHost(indices), depth, on, off)),
  matMul: (s, a, b, tA, tB) => s.writeHost(ref.matMul(s.readHost(a), s.readHost(b), tA, tB).out),
  conv2d: (s, x, f, info) => s.writeHost(ref.conv2d(s.readHost(x), s.readHost(f), info).out),
  conv2dBackpropInput: (s, dy, f, info) => s.writeHost(ref.conv2dBackpropInput(s.readHost(dy), s.readHost(f), info).out),
  conv2dBackpropFilter: (s, x, dy, info) => s.writeHost(ref.conv2dBackpropFilter(s.readHost(x), s.readHost(dy), info).out),
  maxPool: (s, x, info) => s.writeHost(ref.maxPool(s.readHost(x), info)),
  maxPoolGrad: (s, dy, x, info) => s.writeHost(ref.maxPoolGrad(s.readHost(dy), s.readHost(x), info).out),
  avgPool: (s, x, info) => s.writeHost(ref.avgPool(s.readHost(x), info).out),
  avgPoolGrad: (s, dy, info) => s.writeHost(ref.avgPoolGrad(s.readHost(dy), info).out),
  softmax: (s, logits) => s.writeHost(ref.softmax(s.readHost(logits)).out),
  logSoftmax: (s, logits) => s.writeHost(ref.logSoftmax(s.readHost(logits)).out),
  fusedMatMul: (s, a, b, bias, act, tA, tB) => s.writeHost(ref.fusedMatMul(s.readHost(a), s.readHost(b), bias ? s.readHost(bias) : null, act, tA, tB).out),
  fusedConv2d: (s, x, f, bias, act, info) => s.writeHost(ref.fusedConv2d(s.readHost(x), s.readHost(f), bias ? s.readHost(bias) : null, act, info).out),
  softmaxCrossEntropy: (s, logits, labels) => s.writeHost(ref.softmaxCrossEntropy(s.readHost(logits), s.readHost(labels)).out),
  philoxUniform: (s, shape, key, dropout) => s.writeHost(ref.philoxUniform(shape, key, dropout)),
  unaryGrad: (s, op, x, y, dy) => s.writeHost(ref.unaryGrad(op, s.readHost(x), s.readHost(y), s.readHost(dy))),
};

/** Only the 11 primitive kernels of the reference: core's composites stand in for the rest. */
export const REFERENCE_PRIMITIVE_KERNELS: { readonly [K in PrimitiveKernel]: KernelImpl<K, RefStore> } = Object.fromEntries(
  PRIMITIVE_KERNELS.map((k) => [k, REFERENCE_KERNELS[k]]),
) as {
  readonly [K in PrimitiveKernel]: KernelImpl<K, RefStore>;
};

/** The optimizer capability computed by the reference step (every operation rounded to float32, as the contract says). */
export function referenceOptimizer(s: RefStore): OptimizerCapability {
  return {
    optimizerUpdate: (update, value, grad, slots) =>
      ref
        .optimizerUpdate(
          update,
          s.readHost(value).values,
          s.readHost(grad).values,
          slots.map((x) => s.readHost(x).values),
        )
        .map((values) => s.writeHost({ shape: value.shape, values, dtype: 'float32' })),
  };
}

export interface ReferenceBackendOptions {
  /** Default 'reference'. */
  readonly name?: string;
  readonly numerics?: BackendNumerics;
  /** The kernels (default: every kernel, REFERENCE_KERNELS); spread REFERENCE_KERNELS and replace one to make a test double. */
  readonly kernels?: KernelImpls<RefStore>;
  /** Include the optimizer capability (default true). */
  readonly optimizer?: boolean;
}

/**
 * A backend computed by the float64 reference.
 * @example
 * const full = createReferenceBackend();
 * const primitivesOnly = createReferenceBackend({ name: 'prims', kernels: REFERENCE_PRIMITIVE_KERNELS, optimizer: false });
 * const broken = createReferenceBackend({ kernels: { ...REFERENCE_KERNELS, cast: () => { throw new Error('no cast'); } } });
 */
export function createReferenceBackend(options: ReferenceBackendOptions | string = {}): Backend {
  const o = typeof options === 'string' ? { name: options } : options;
  const name = o.name ?? 'reference';
  const storage = new RefStore(name);
  return defineBackend({
    name,
    storage,
    kernels: o.kernels ?? REFERENCE_KERNELS,
    ...(o.numerics ? { numerics: o.numerics } : {}),
    ...(o.optimizer === false ? {} : { optimizer: referenceOptimizer(storage) }),
    dispose: () => storage.clear(),
  });
}

/** `new ReferenceBackend(name?, numerics?)`: the full reference backend (kept for callers written before `createReferenceBackend`). */
export interface ReferenceBackendConstructor {
  new (name?: string, numerics?: BackendNumerics): Backend;
  (name?: string, numerics?: BackendNumerics): Backend;
}
export const ReferenceBackend = function ReferenceBackend(name?: string, numerics?: BackendNumerics): Backend {
  return createReferenceBackend({ ...(name ? { name } : {}), ...(numerics ? { numerics } : {}) });
} as ReferenceBackendConstructor;

/** A factory for the reference backend (what `runConformance` takes). */
export const referenceBackendFactory = (): Backend => createReferenceBackend();

/** A factory for the reference with only the primitive kernels: every optional kernel and the optimizer update run as core's composites. */
export const referencePrimitivesBackendFactory = (): Backend =>
  createReferenceBackend({ name: 'reference-primitives', kernels: REFERENCE_PRIMITIVE_KERNELS, optimizer: false });

export { wrapBackend } from './wrap.js';
